/**
 * The random malformed inputs of each protocol, from the conformance suite's own
 * fast-check arbitraries (the hostile families its properties already try), mixed
 * with plain random bytes, cut frames and garbage, drawn with a fixed seed.
 */
import fc from 'fast-check';
import { invalidUtf8Sequence } from '../conform/arbitraries';
import { body as channelBody, malformed as channelMalformed } from '../conform/channel/arbitraries';
import { frame } from '../conform/channel/wire';
import { badRequestLine, dotDot, longTarget, separator, traversal } from '../conform/http/arbitraries';
import { invalidUtf8Body, malformedBytes, nonJsonBody, oversizeLength as lenmsgOversize } from '../conform/lenmsg/arbitraries';
import { lengthHeader, rawFrame } from '../conform/lenmsg/remote';
import { appPacket, corePacket, oversizeLength as onelineOversize } from '../conform/oneline/arbitraries';
import { corruptionName } from '../conform/rpc/arbitraries';
import { corrupt } from '../conform/rpc/hostile';
import { connectMessage, invokeMessage } from '../conform/rpc/wire';
import { encodeFrame } from '../impl/lenmsg/framer';
import { encodeMessage, pyroMessage } from '../impl/rpc/message';
import { NAMESERVER_OBJECT_ID } from '../impl/rpc/uri';

const bytes = (options: { minLength?: number; maxLength: number }) => fc.uint8Array(options).map((a) => Buffer.from(a));
const noLf = (buffer: Buffer) => Buffer.from(buffer.filter((b) => b !== 0x0a));
const latin1 = (text: string) => Buffer.from(text, 'latin1');
/** The first `keep` of the bytes: a frame cut short (the sender then closes). */
const truncated = (whole: fc.Arbitrary<Buffer>) =>
  whole.filter((b) => b.length > 1).chain((b) => fc.integer({ min: 1, max: b.length - 1 }).map((keep) => b.subarray(0, keep)));

/** Draws `count` inputs of an arbitrary with a fixed seed: the same seed, the same inputs. */
export function draw<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

/** One oneline packet (no LF): the application's packets and near misses, invalid UTF-8, random bytes, now and then past the maximum. */
export const onelinePacket: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 60, arbitrary: appPacket },
  { weight: 30, arbitrary: bytes({ maxLength: 64 }).map(noLf) },
  { weight: 9, arbitrary: fc.tuple(bytes({ maxLength: 16 }), invalidUtf8Sequence).map(([a, b]) => noLf(Buffer.concat([a, b]))) },
  { weight: 1, arbitrary: onelineOversize.map((n) => Buffer.alloc(n, 'x')) },
).filter((p) => !['disconnect', 'shutdown'].includes(p.toString('latin1')));

/** One oneline packet whose answer the core rules fix (no application asked): ping, invalid UTF-8, past the maximum. */
export const onelineCorePacket: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 99, arbitrary: corePacket },
  { weight: 1, arbitrary: onelineOversize.map((n) => Buffer.alloc(n, 'x')) },
);

/** Any bytes: echo has no malformed input, only bytes to return exactly. */
export const echoInput: fc.Arbitrary<Buffer> = fc.oneof(bytes({ maxLength: 512 }), invalidUtf8Sequence);

/** One channel connection's bytes: a malformed header, junk, a cut frame, or whole frames then junk. */
export const channelInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: channelMalformed.map((m) => m.bytes) },
  { weight: 2, arbitrary: bytes({ minLength: 1, maxLength: 64 }) },
  { weight: 2, arbitrary: truncated(channelBody.map(frame)) },
  { weight: 2, arbitrary: fc.tuple(fc.array(channelBody.map(frame), { maxLength: 3 }), channelMalformed).map(([frames, bad]) => Buffer.concat([...frames, bad.bytes])) },
);

/** JSON that is no lenmsg message the central acts on (never a hello: it would make the central connect out). */
const strayJson = fc.jsonValue({ maxDepth: 2 }).filter((v) => !(v && typeof v === 'object' && ['hello', 'shutdown'].includes((v as { type?: unknown }).type as string)));

export const lenmsgInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 2, arbitrary: lenmsgOversize.map((length) => malformedBytes({ kind: 'oversize', length })) },
  { weight: 2, arbitrary: nonJsonBody.map((body) => malformedBytes({ kind: 'not JSON', body })) },
  { weight: 2, arbitrary: invalidUtf8Body.map((body) => malformedBytes({ kind: 'not UTF-8', body })) },
  { weight: 2, arbitrary: bytes({ minLength: 1, maxLength: 64 }) },
  { weight: 1, arbitrary: truncated(strayJson.map((v) => encodeFrame(Buffer.from(JSON.stringify(v) ?? 'null')))) },
  { weight: 1, arbitrary: strayJson.map((v) => rawFrame(Buffer.from(JSON.stringify(v) ?? 'null'))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1 << 20 }).map((n) => Buffer.concat([lengthHeader(n), Buffer.alloc(Math.min(n - 1, 100), 0x7b)])) },
);

/** A message to the name server: a handshake, or a call of a random method with random parameters. */
const rpcMessage = fc.oneof(
  fc.integer({ min: 1, max: 0xffff }).map((seq) => connectMessage(seq, NAMESERVER_OBJECT_ID)),
  fc.tuple(fc.integer({ min: 1, max: 0xffff }), fc.string({ maxLength: 12 }), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }))
    .map(([seq, method, params]) => invokeMessage(seq, NAMESERVER_OBJECT_ID, method, params)),
);

export const rpcInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(rpcMessage, corruptionName).map(([message, name]) => corrupt(message, name)) },
  { weight: 2, arbitrary: fc.tuple(fc.boolean(), bytes({ minLength: 1, maxLength: 64 })).map(([magic, b]) => (magic ? Buffer.concat([latin1('PYRO'), b]) : b)) },
  { weight: 2, arbitrary: truncated(rpcMessage.map(encodeMessage)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 0xffff }), bytes({ maxLength: 64 }))
    .map(([type, flags, data]) => encodeMessage(pyroMessage(type, 1, data, { flags }))) },
  { weight: 1, arbitrary: rpcMessage.map(encodeMessage) },
);

const request = (line: string, headers = 'Host: wireproof\r\n') => latin1(`${line}\r\n${headers}\r\n`);

export const httpInput: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: badRequestLine.map((line) => request(line)) },
  { weight: 2, arbitrary: traversal.map((t) => request(`GET ${t.path} HTTP/1.1`)) },
  { weight: 2, arbitrary: bytes({ minLength: 1, maxLength: 96 }) },
  { weight: 1, arbitrary: longTarget.map((target) => request(`GET ${target} HTTP/1.1`)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((junk) => request('GET /hello.txt HTTP/1.1', `Host: x\r\n${junk}\r\n`)) },
  { weight: 1, arbitrary: truncated(fc.constant(request('GET /hello.txt HTTP/1.1'))) },
);

/** One cobra line (no LF): paths that name nothing, climb out, or are not UTF-8; random bytes; now and then past the line maximum. */
export const cobraLine: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: bytes({ maxLength: 48 }).map(noLf) },
  { weight: 2, arbitrary: fc.array(fc.tuple(dotDot, separator), { minLength: 1, maxLength: 8 }).map((ups) => latin1(`${ups.map(([d, s]) => d + s).join('')}outside/escape.py`)) },
  { weight: 2, arbitrary: fc.tuple(bytes({ maxLength: 8 }), invalidUtf8Sequence).map(([a, b]) => noLf(Buffer.concat([a, b, latin1('.py')]))) },
  { weight: 1, arbitrary: fc.constantFrom('next', ' next ', 'NEXT', 'nex', '', '\r', 'close now', 'next next').map(latin1) },
  { weight: 1, arbitrary: fc.integer({ min: 4097, max: 6000 }).map((n) => Buffer.alloc(n, 'p')) },
).filter((line) => line.toString('latin1').trim() !== 'close');
