/**
 * channel and echo: the ChannelFramer decoding 64-byte and 64 KiB bodies beside
 * it-length-prefixed, length-prefixed-stream (both varint-prefixed: the same work of
 * cutting a stream into length-prefixed bodies) and a memcpy baseline, all fed the same
 * 64 KiB chunks in one process; and the reference echo server over loopback TCP beside
 * a raw `socket.pipe(socket)` echo.
 */
import net from 'node:net';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import { decode as itDecode, encode as itEncode } from 'it-length-prefixed';
import { ChannelFramer, encodeFrame } from '../src/impl/channel/framer';
import { startEchoServer } from '../src/impl/echo/server';
import { BenchModule, BenchResult, Contender, compare, measureSideBySide } from './measure';

// No type declarations ship with it; this is the part used.
const lpstream = require('length-prefixed-stream') as { decode(): Transform };

const CHUNK_BYTES = 64 * 1024;
const INPUT_BYTES = 16 * 1024 * 1024;
const ECHO_BYTES = 8 * 1024 * 1024;

/** The bytes as socket reads would hand them over: 64 KiB chunks, each its own copy. */
function chunked(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(Buffer.from(bytes.subarray(at, at + CHUNK_BYTES)));
  return chunks;
}

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

function lengthPrefixedStreamPass(chunks: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const decoder = lpstream.decode();
    let tally = 0;
    decoder.on('data', (body: Buffer) => {
      tally += body.length;
    });
    decoder.on('end', () => resolve(tally));
    decoder.on('error', reject);
    for (const chunk of chunks) decoder.write(chunk);
    decoder.end();
  });
}

async function framerResults(size: number, label: string, target: 'it' | 'memcpy', note: string): Promise<BenchResult[]> {
  const messages = bodies(size);
  const bodyBytes = messages.length * size;
  const channelChunks = chunked(Buffer.concat(messages.map((body) => encodeFrame(body))));
  const varintChunks = chunked(Buffer.concat(messages.map((body) => itEncode.single(body).subarray())));
  const names = {
    framer: 'ChannelFramer -> Buffers',
    it: 'it-length-prefixed decode + subarray()',
    lps: 'length-prefixed-stream decode',
    memcpy: 'memcpy (Buffer.concat)',
  };
  const contenders: Contender[] = [
    { name: names.framer, pass: () => channelFramerPass(channelChunks), expect: bodyBytes },
    { name: names.it, pass: () => itLengthPrefixedPass(varintChunks), expect: bodyBytes },
    { name: names.lps, pass: () => lengthPrefixedStreamPass(varintChunks), expect: bodyBytes },
    { name: names.memcpy, pass: () => Buffer.concat(channelChunks).length, expect: channelChunks.reduce((n, c) => n + c.length, 0) },
  ];
  const measured = await measureSideBySide(contenders, {
    unit: 'MB/s',
    workPerPass: bodyBytes,
    warmupPasses: 2,
    rounds: 7,
    minRoundMs: 150,
  });
  return [
    compare(measured, {
      name: `${names.framer}, ${label} bodies`,
      subject: names.framer,
      baselines: [names.it, names.lps, names.memcpy],
      target: target === 'it' ? { baseline: names.it, ratio: 1 } : { baseline: names.memcpy, ratio: 0.5 },
      note: `MB/s of body bytes; ${note}`,
    }),
  ];
}

/** A connection to an echo server, and a pass: send ECHO_BYTES, wait until they all came back. */
async function echoClient(port: number): Promise<{ pass: () => Promise<number>; close: () => void }> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  const payload = Buffer.alloc(ECHO_BYTES, 0x65);
  let received = 0;
  let wake: () => void = () => undefined;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    wake();
  });
  return {
    async pass() {
      received = 0;
      const done = new Promise<void>((resolve) => {
        wake = () => received >= ECHO_BYTES && resolve();
      });
      for (let at = 0; at < ECHO_BYTES; at += CHUNK_BYTES) {
        if (!socket.write(payload.subarray(at, at + CHUNK_BYTES))) await once(socket, 'drain');
      }
      await done;
      return received;
    },
    close: () => socket.destroy(),
  };
}

async function echoResults(): Promise<BenchResult[]> {
  const reference = await startEchoServer({ port: 0 });
  const raw = net.createServer((socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
  await once(raw, 'listening');
  const referenceClient = await echoClient(reference.port);
  const rawClient = await echoClient((raw.address() as net.AddressInfo).port);
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
    raw.close();
    await reference.close();
  }
}

export const bench: BenchModule = {
  name: 'channel',
  async run() {
    return [
      ...(await framerResults(64, '64-byte', 'it',
        'the varint libraries read a 1-3 byte prefix where the framer checks a text header byte by byte')),
      ...(await framerResults(64 * 1024, '64 KiB', 'memcpy',
        'a body straddling chunks grows in a CarryBuffer by doubling (never allocated at its claimed length): ' +
        'about two copies, where the varint libraries copy once into a buffer of the claimed size')),
      ...(await echoResults()),
    ];
  },
};
