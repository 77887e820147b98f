/**
 * channel and echo: the ChannelFramer decoding 64-byte and 64 KiB bodies beside
 * it-length-prefixed, length-prefixed-stream (both varint-prefixed: the same work of
 * cutting a stream into length-prefixed bodies) and a memcpy baseline, all fed the same
 * 64 KiB chunks in one process; and the reference echo server over loopback TCP beside
 * a raw `socket.pipe(socket)` echo.
 */
import { decode as itDecode, encode as itEncode } from 'it-length-prefixed';
import { ChannelFramer, encodeFrame } from '../src/impl/channel/framer';
import { startEchoServer } from '../src/impl/echo/server';
import { connectEchoClient, lengthPrefixedStreamPass, startPipeEchoServer } from './baselines';
import { BenchModule, BenchResult, compare, measureInGroups, measureSideBySide, socketChunks } from './measure';

const CHUNK_BYTES = 64 * 1024;
const INPUT_BYTES = 16 * 1024 * 1024;
const ECHO_BYTES = 8 * 1024 * 1024;

/** As many bodies of `size` bytes (fixed-seed content) as fit in INPUT_BYTES of channel frames. */
function bodies(size: number): Buffer[] {
  const count = Math.floor(INPUT_BYTES / (size + `\r\nMSG ${size}\r\n`.length));
  let seed = 0x9e3779b9;
  return Array.from({ length: count }, () => {
    const body = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      body[i] = seed >>> 24;
    }
    return body;
  });
}

// One loop per contender, each with its own emit: a shared callback site would turn
// megamorphic and slow them all, which a server (one consumer per framer) never suffers.

function channelFramerPass(chunks: readonly Buffer[]): number {
  const framer = new ChannelFramer();
  let tally = 0;
  const emit = (body: Buffer) => {
    tally += body.length;
  };
  for (const chunk of chunks) framer.push(chunk, emit);
  return tally;
}

/** Each body made contiguous, as the framer delivers it (a Uint8ArrayList alone may still span chunks). */
function itLengthPrefixedPass(chunks: readonly Buffer[]): number {
  let tally = 0;
  for (const body of itDecode(chunks)) tally += body.subarray().byteLength;
  return tally;
}

/** `ratio`: the target against it-length-prefixed (5x on 64-byte frames, 0.9x on 64 KiB). */
async function framerResults(size: number, label: string, ratio: number, note: string): Promise<BenchResult[]> {
  const messages = bodies(size);
  const bodyBytes = messages.length * size;
  const channelChunks = socketChunks(Buffer.concat(messages.map((body) => encodeFrame(body))), CHUNK_BYTES);
  const varintChunks = socketChunks(Buffer.concat(messages.map((body) => itEncode.single(body).subarray())), CHUNK_BYTES);
  const names = {
    framer: 'ChannelFramer -> Buffers',
    it: 'it-length-prefixed decode + subarray()',
    lps: 'length-prefixed-stream decode',
    memcpy: 'memcpy (Buffer.concat)',
  };
  const measured = await measureInGroups(
    [
      [
        { name: names.framer, pass: () => channelFramerPass(channelChunks), expect: bodyBytes },
        { name: names.it, pass: () => itLengthPrefixedPass(varintChunks), expect: bodyBytes },
      ],
      [
        { name: names.lps, pass: () => lengthPrefixedStreamPass(varintChunks), expect: bodyBytes },
        { name: names.memcpy, pass: () => Buffer.concat(channelChunks).length, expect: channelChunks.reduce((n, c) => n + c.length, 0) },
      ],
    ],
    { unit: 'MB/s', workPerPass: bodyBytes, warmupPasses: 5, rounds: 11, minRoundMs: 200 },
  );
  return [
    compare(measured, {
      name: `${names.framer}, ${label} bodies`,
      subject: names.framer,
      baselines: [names.it, names.lps, names.memcpy],
      target: { baseline: names.it, ratio },
      note: `MB/s of body bytes; ${note}`,
    }),
  ];
}

async function echoResults(): Promise<BenchResult[]> {
  const reference = await startEchoServer({ port: 0 });
  const raw = await startPipeEchoServer();
  const payload = Buffer.alloc(ECHO_BYTES, 0x65);
  // The client writes and reads at once, in writes of a socket read's size.
  const referenceClient = await connectEchoClient(reference.port, payload, CHUNK_BYTES);
  const rawClient = await connectEchoClient(raw.port, payload, CHUNK_BYTES);
  const names = { reference: 'reference echo server', raw: 'socket.pipe(socket)' };
  try {
    const measured = await measureSideBySide(
      [
        { name: names.reference, pass: referenceClient.pass, expect: ECHO_BYTES },
        { name: names.raw, pass: rawClient.pass, expect: ECHO_BYTES },
      ],
      { unit: 'MB/s', workPerPass: ECHO_BYTES, warmupPasses: 2, rounds: 7, minRoundMs: 200 },
    );
    return [
      compare(measured, {
        name: `${names.reference}, ${ECHO_BYTES / 1024 / 1024} MiB round trips over loopback`,
        subject: names.reference,
        baselines: [names.raw],
        target: { baseline: names.raw, ratio: 0.8 },
        note: 'MB/s echoed; the client writes and reads at once on one connection; both servers are in this process',
      }),
    ];
  } finally {
    referenceClient.close();
    rawClient.close();
    await raw.close();
    await reference.close();
  }
}

export const bench: BenchModule = {
  name: 'channel',
  parts: [
    () => framerResults(64, '64-byte', 5,
      'the varint libraries read a 1-3 byte prefix where the framer checks a text header (whole headers in one pass)'),
    () => framerResults(64 * 1024, '64 KiB', 0.9,
      'a body straddling chunks is carried in room reserved for it up to 64 KiB (never its claimed length ' +
      'beyond that): one copy, as the varint libraries do'),
    echoResults,
  ],
};
