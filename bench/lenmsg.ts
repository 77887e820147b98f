/**
 * lenmsg: the LengthPrefixFramer decoding 64-byte and 64 KiB frames beside
 * it-length-prefixed, length-prefixed-stream and a memcpy baseline, all fed the same
 * 64 KiB chunks in one process; and over loopback TCP the reference central's echo (fed
 * ready-made frames, as the suite plays a remote) beside a raw socket.pipe(socket) echo and
 * the whole path from a reference remote.
 */
import type net from 'node:net';
import { decode as itDecode } from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';
import { decodeBodyParts, encodeMessage, frameHeader, LengthPrefixFramer } from '../src/impl/lenmsg/framer';
import { startCentral } from '../src/impl/lenmsg/central';
import { startRemote } from '../src/impl/lenmsg/remote';
import { connectTcp, listenTcp } from '../src/impl/common/net';
import { connectEchoClient, echoLoad, lengthPrefixedStreamPass, startPipeEchoServer } from './baselines';
import { BenchModule, BenchResult, compare, measureInGroups, socketChunks } from './measure';

const CHUNK_BYTES = 64 * 1024;
const INPUT_BYTES = 16 * 1024 * 1024;

/** Frames of `bodyBytes` bytes each (deterministic ASCII) with the given length prefix, cut into socket-sized chunks. */
function frameChunks(bodyBytes: number, prefix: (length: number) => Buffer): { chunks: Buffer[]; bodyTotal: number } {
  const body = Buffer.alloc(bodyBytes);
  for (let i = 0; i < bodyBytes; i++) body[i] = 0x20 + ((i * 7919) % 95);
  const frame = Buffer.concat([prefix(bodyBytes), body]);
  const count = Math.floor(INPUT_BYTES / frame.length);
  const input = Buffer.concat(Array.from({ length: count }, () => frame));
  return { chunks: socketChunks(input, CHUNK_BYTES), bodyTotal: count * bodyBytes };
}

const varint = (length: number) => {
  const out: number[] = [];
  while (length >= 0x80) {
    out.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  out.push(length);
  return Buffer.from(out);
};

/** it-length-prefixed reading the same 4-byte big-endian prefix the lenmsg framer reads. */
const int32BE = Object.assign(
  (list: Uint8ArrayList) => {
    if (list.byteLength < 4) throw new RangeError('need 4 bytes'); // the decoder's "wait for more"
    return list.getUint32(0);
  },
  { bytes: 4 },
);

function framerPass(chunks: readonly Buffer[]): number {
  const framer = new LengthPrefixFramer();
  let tally = 0;
  const emit = (body: Buffer) => {
    tally += body.length;
  };
  for (const chunk of chunks) framer.push(chunk, emit);
  return tally;
}

/** Each body as contiguous bytes, as the lenmsg framer gives it (a view within a chunk, a copy across chunks). */
function itLengthPrefixedPass(chunks: readonly Buffer[]): number {
  let tally = 0;
  for (const body of itDecode(chunks, { lengthDecoder: int32BE })) tally += body.subarray().byteLength;
  return tally;
}

/** Each body left as it-length-prefixed's list of views, never made contiguous: no decoder could read it as text yet. */
function itLengthPrefixedListsPass(chunks: readonly Buffer[]): number {
  let tally = 0;
  for (const body of itDecode(chunks, { lengthDecoder: int32BE })) tally += body.byteLength;
  return tally;
}

const NAMES = {
  framer: 'LengthPrefixFramer -> Buffers',
  it: 'it-length-prefixed -> bytes (4-byte BE decoder)',
  itLists: 'it-length-prefixed -> Uint8ArrayList views',
  lps: 'length-prefixed-stream (varint)',
  memcpy: 'memcpy (Buffer.concat)',
  centralEcho: 'lenmsg echo (central, fed frames as the suite plays a remote)',
  frameEcho: 'length-prefixed frame echo, no JSON',
  decode: "the central's decode alone (UTF-8 check + JSON.parse, decodeBodyParts), no I/O",
  roundTrip: 'lenmsg round trip (reference remote -> central -> remote server)',
  pipe: 'raw socket.pipe(socket) echo',
};

async function framerResults(bodyBytes: number, target: number, label: string): Promise<BenchResult> {
  const be = frameChunks(bodyBytes, frameHeader);
  const vi = frameChunks(bodyBytes, varint);
  const name = (n: string) => `${n}, ${label}`;
  const measured = await measureInGroups(
    [
      [
        { name: name(NAMES.framer), pass: () => framerPass(be.chunks), expect: be.bodyTotal },
        { name: name(NAMES.it), pass: () => itLengthPrefixedPass(be.chunks), expect: be.bodyTotal },
      ],
      [
        { name: name(NAMES.itLists), pass: () => itLengthPrefixedListsPass(be.chunks), expect: be.bodyTotal },
        { name: name(NAMES.lps), pass: () => lengthPrefixedStreamPass(vi.chunks), expect: vi.bodyTotal },
        { name: name(NAMES.memcpy), pass: () => Buffer.concat(be.chunks).length, expect: be.chunks.reduce((n, c) => n + c.length, 0) },
      ],
    ],
    { unit: 'MB/s', workPerPass: INPUT_BYTES, warmupPasses: 5, rounds: 11, minRoundMs: 200 },
  );
  return compare(measured, {
    name: name(NAMES.framer),
    subject: name(NAMES.framer),
    baselines: [name(NAMES.it), name(NAMES.itLists), name(NAMES.lps), name(NAMES.memcpy)],
    target: { baseline: name(NAMES.it), ratio: target },
    note: 'it-length-prefixed reads the same 4-byte big-endian frames and, like the framer, gives each body as contiguous bytes ' +
      '(.subarray()); its bare Uint8ArrayList views skip that copy for bodies that straddle chunks. ' +
      'length-prefixed-stream reads its own varint prefix of the same bodies',
  });
}

const NOTE_ECHO =
  'all in this process, each echo crossing loopback twice; the central and the pipe in the same rounds, each other row alone after them. ' +
  'The central must check every body as UTF-8 JSON before it echoes it (spec section 3): it decodes each with the built-ins ' +
  '(isUtf8 and JSON.parse, decodeBodyParts), then relays the bytes it decoded, as the views of the chunks they arrived in behind ' +
  'a new header, not encoded again. What it does beside the pipe\'s work is mostly that decode (the decode row). The round trip ' +
  'adds the reference remote\'s JSON.stringify of each message and its own parse';

const ECHO_BODY_CHARS = 64 * 1024;
const ECHO_MESSAGES = 128; // 8 MiB of bodies per pass

/**
 * The reference central's echo, loaded the way the suite plays a remote: a client that says
 * hello and then writes ready-made data frames, and its own server, where the central connects
 * back and the echo is counted. Heartbeats are off so that only echoed bytes come back.
 */
async function centralEcho(frames: Buffer) {
  const central = await startCentral({ port: 0, heartbeatIntervalMs: 3_600_000 });
  let connectedBack!: (socket: net.Socket) => void;
  const back = new Promise<net.Socket>((resolve) => { connectedBack = resolve; });
  const remoteServer = await listenTcp((socket) => connectedBack(socket));
  const out = await connectTcp('127.0.0.1', central.port, 5000);
  out.write(encodeMessage({ type: 'hello', id: 'bench', host: '127.0.0.1', port: remoteServer.port }));
  const load = echoLoad(out, await back, frames);
  return { pass: load.pass, close: async () => { load.close(); await remoteServer.close(); await central.close(); } };
}

/** The whole lenmsg path: remote.send (encode) → central (decode, echo) → the remote's server (decode) → receive. */
async function remoteRoundTrip(body: string) {
  const central = await startCentral({ port: 0 });
  const remote = await startRemote({ central, timeoutMs: 30_000 });
  const pass = async () => {
    const sent = Array.from({ length: ECHO_MESSAGES }, () => remote.send(body));
    let tally = 0;
    for (let i = 0; i < ECHO_MESSAGES; i++) tally += ((await remote.receive()) as string).length;
    await Promise.all(sent);
    return tally;
  };
  return { pass, close: async () => { await central.close(); await remote.closed; } };
}

/** The framing alone: a server that sends each length-prefixed body back as the central relays it, with no JSON at all. */
async function frameEcho(frames: Buffer) {
  const server = await listenTcp((socket) => {
    const framer = new LengthPrefixFramer();
    const relay = (parts: readonly Buffer[], length: number) => {
      socket.write(frameHeader(length));
      for (const part of parts) socket.write(part);
    };
    socket.on('data', (chunk: Buffer) => {
      socket.cork();
      framer.pushParts(chunk, relay);
      socket.uncork();
    });
  });
  const client = await connectEchoClient(server.port, frames);
  return { pass: client.pass, close: async () => { client.close(); await server.close(); } };
}

/** What the central does to every body before echoing it (spec section 3: UTF-8 JSON or the connection closes), without any I/O. */
function decodePass(chunks: readonly Buffer[]): number {
  let tally = 0;
  const framer = new LengthPrefixFramer();
  const emit = (parts: readonly Buffer[], length: number) => {
    tally += ((decodeBodyParts(parts, length) as { body: string }).body).length;
  };
  for (const chunk of chunks) framer.pushParts(chunk, emit);
  return tally;
}

/** The floor of any echo over loopback: the same bytes, in one write, through a server that pipes its socket to itself. */
async function pipeEcho(bytes: Buffer) {
  const server = await startPipeEchoServer();
  const client = await connectEchoClient(server.port, bytes);
  return { pass: client.pass, close: async () => { client.close(); await server.close(); } };
}

async function echoResult(): Promise<BenchResult> {
  const body = 'e'.repeat(ECHO_BODY_CHARS);
  const frames = Buffer.concat(Array.from({ length: ECHO_MESSAGES }, () => encodeMessage({ type: 'data', body })));
  const readChunks = socketChunks(frames, CHUNK_BYTES); // as the central reads them: most bodies straddle two chunks
  const central = await centralEcho(frames);
  const framing = await frameEcho(frames);
  const pipe = await pipeEcho(frames);
  const roundTrip = await remoteRoundTrip(body);
  try {
    const work = ECHO_MESSAGES * ECHO_BODY_CHARS;
    // Long warm-ups: the echo reaches its steady state (optimised code, a young generation sized to it) after ~50 passes.
    const options = { unit: 'MB/s', workPerPass: work, warmupPasses: 60, rounds: 9, minRoundMs: 200 } as const;
    const measured = await measureInGroups(
      [
        [
          { name: NAMES.centralEcho, pass: central.pass, expect: frames.length },
          { name: NAMES.pipe, pass: pipe.pass, expect: frames.length },
        ],
        [{ name: NAMES.frameEcho, pass: framing.pass, expect: frames.length }],
        [{ name: NAMES.decode, pass: () => decodePass(readChunks), expect: work }],
        [{ name: NAMES.roundTrip, pass: roundTrip.pass, expect: work }],
      ],
      options,
    );
    return compare(measured, {
      name: `${NAMES.centralEcho}, 64 KiB bodies over loopback TCP`,
      subject: NAMES.centralEcho,
      baselines: [NAMES.pipe, NAMES.frameEcho, NAMES.decode, NAMES.roundTrip],
      target: { baseline: NAMES.pipe, ratio: 0.5 },
      note: NOTE_ECHO,
    });
  } finally {
    await central.close();
    await framing.close();
    await pipe.close();
    await roundTrip.close();
  }
}

export const bench: BenchModule = {
  name: 'lenmsg',
  parts: [
    async () => [await framerResults(64, 5, '64-byte frames')],
    async () => [await framerResults(64 * 1024, 0.9, '64 KiB frames')],
    async () => [await echoResult()],
  ],
};
