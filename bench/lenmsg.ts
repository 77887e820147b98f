/**
 * lenmsg: the LengthPrefixFramer decoding 64-byte and 64 KiB frames beside
 * it-length-prefixed, length-prefixed-stream and a memcpy baseline, all fed the same
 * 64 KiB chunks in one process; and a lenmsg echo over loopback TCP (reference remote →
 * reference central → back to the remote's server) beside a raw socket.pipe(socket) echo.
 */
import { decode as itDecode } from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';
import { LengthPrefixFramer, encodeFrame } from '../src/impl/lenmsg/framer';
import { startCentral } from '../src/impl/lenmsg/central';
import { startRemote } from '../src/impl/lenmsg/remote';
import { connectEchoClient, lengthPrefixedStreamPass, startPipeEchoServer } from './baselines';
import { BenchModule, BenchResult, Contender, compare, measureSideBySide, socketChunks } from './measure';

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

const bigEndian = (length: number) => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length);
  return header;
};
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
  lenmsgEcho: 'lenmsg echo (remote -> central -> remote server)',
  pipe: 'raw socket.pipe(socket) echo',
};

async function framerResults(bodyBytes: number, target: number, label: string): Promise<BenchResult> {
  const be = frameChunks(bodyBytes, bigEndian);
  const vi = frameChunks(bodyBytes, varint);
  const name = (n: string) => `${n}, ${label}`;
  const contenders: Contender[] = [
    { name: name(NAMES.framer), pass: () => framerPass(be.chunks), expect: be.bodyTotal },
    { name: name(NAMES.it), pass: () => itLengthPrefixedPass(be.chunks), expect: be.bodyTotal },
    { name: name(NAMES.itLists), pass: () => itLengthPrefixedListsPass(be.chunks), expect: be.bodyTotal },
    { name: name(NAMES.lps), pass: () => lengthPrefixedStreamPass(vi.chunks), expect: vi.bodyTotal },
    { name: name(NAMES.memcpy), pass: () => Buffer.concat(be.chunks).length, expect: be.chunks.reduce((n, c) => n + c.length, 0) },
  ];
  const measured = await measureSideBySide(contenders, { unit: 'MB/s', workPerPass: INPUT_BYTES, warmupPasses: 3, rounds: 7, minRoundMs: 150 });
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

const ECHO_BODY_CHARS = 64 * 1024;
const ECHO_MESSAGES = 128; // 8 MiB of bodies per pass

/** The lenmsg path end to end: remote.send → central (decode, echo) → the remote's server → remote.receive. */
async function lenmsgEcho(body: string) {
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

/** The floor of any echo over loopback: the same bytes, in one write, through a server that pipes its socket to itself. */
async function pipeEcho(bytes: Buffer) {
  const server = await startPipeEchoServer();
  const client = await connectEchoClient(server.port, bytes);
  return { pass: client.pass, close: async () => { client.close(); await server.close(); } };
}

async function echoResult(): Promise<BenchResult> {
  const body = 'e'.repeat(ECHO_BODY_CHARS);
  const frames = Buffer.concat(Array.from({ length: ECHO_MESSAGES }, () => encodeFrame(Buffer.from(JSON.stringify({ type: 'data', body })))));
  const lenmsg = await lenmsgEcho(body);
  const pipe = await pipeEcho(frames);
  try {
    const measured = await measureSideBySide(
      [
        { name: NAMES.lenmsgEcho, pass: lenmsg.pass, expect: ECHO_MESSAGES * ECHO_BODY_CHARS },
        { name: NAMES.pipe, pass: pipe.pass, expect: frames.length },
      ],
      { unit: 'MB/s', workPerPass: ECHO_MESSAGES * ECHO_BODY_CHARS, warmupPasses: 3, rounds: 7, minRoundMs: 200 },
    );
    return compare(measured, {
      name: `${NAMES.lenmsgEcho}, 64 KiB bodies over loopback TCP`,
      subject: NAMES.lenmsgEcho,
      baselines: [NAMES.pipe],
      target: { baseline: NAMES.pipe, ratio: 0.5 },
      note: 'both in this process, both crossing loopback twice. lenmsg also runs JSON four times per message (stringify at the remote, ' +
        'parse and stringify at the central, parse at the remote server), each about 300 MB/s for a 64 KiB string in V8, ' +
        'which bounds the echo near 75 MB/s before any I/O: 0.5x of a raw pipe is out of reach while the central decodes every message',
    });
  } finally {
    await lenmsg.close();
    await pipe.close();
  }
}

export const bench: BenchModule = {
  name: 'lenmsg',
  async run() {
    return [
      await framerResults(64, 5, '64-byte frames'),
      await framerResults(64 * 1024, 0.9, '64 KiB frames'),
      await echoResult(),
    ];
  },
};
