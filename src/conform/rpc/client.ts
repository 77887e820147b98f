/**
 * rpc in client runs (`conform --client`): the scenarios are features/rpc/client-target/,
 * on the suite's scripted name server and daemon (./scripted.ts); these are what one
 * `received` unit of an rpc client means, and the live fuzzing of a client's calls.
 *
 * One call's outcome is one `received` unit, a JSON text: `{"result": VALUE}` or
 * `{"exception": {"class": "builtins.ValueError", "args": [...], "traceback": "..."}}`.
 * fast-check scripts the daemon's side of one call: any arguments and result, the replies
 * in any writes and with annotations, a header with one bit flipped, the answers cut by a
 * close or a reset at any offset. Each property verifies the requirements it alone can break.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { decodeJson } from '../../impl/rpc/json';
import { encodeMessage, HEADER_SIZE, MAX_MESSAGE_SIZE, MSG_RESULT, NO_ANNOTATIONS, pyroMessage } from '../../impl/rpc/message';
import { isDict, type Serializer } from '../../impl/rpc/serializers';
import { escapeBytes } from '../bytes-text';
import type { ClientCase } from '../client/case';
import {
  answer, cutEnding, describeWrites, endsAfterCut, expectEndAllowed, segmentation, WHOLE, withClient, type Ending, type Segmentation,
} from '../client/fuzz';
import { NonConformance } from '../errors';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';
import { fixChecksum } from './hostile';
import { callAction, connectOk, expectCall, replyTo, resultOf, ScriptedRpc, type Invoke, type ToldCall } from './scripted';
import { describeValue } from './wire';

// ---- one call's outcome, as the client reports it ------------------------------------------------

export type CallOutcome = { result: unknown } | { exception: { class: string; args: unknown[]; traceback: string } };

/** A `received` unit as a call's outcome (read as Pyro4 json: big integers, NaN); one of another shape is non-conformance. */
export function outcomeOf(bytes: Buffer): CallOutcome {
  let unit: unknown;
  try {
    unit = decodeJson(bytes);
  } catch (error) {
    throw new NonConformance(`the client reported a unit that is not JSON (${(error as Error).message}): "${escapeBytes(bytes.subarray(0, 120))}"`);
  }
  const keys = isDict(unit) ? Object.keys(unit) : [];
  if (isDict(unit) && keys.length === 1 && keys[0] === 'result') return { result: unit.result };
  const exception = isDict(unit) && keys.length === 1 ? unit.exception : undefined;
  if (isDict(exception) && typeof exception.class === 'string' && Array.isArray(exception.args) && typeof exception.traceback === 'string') {
    return { exception: { class: exception.class, args: exception.args, traceback: exception.traceback } };
  }
  throw new NonConformance('the client reported a unit that is neither {"result": VALUE} nor {"exception": {"class", "args", "traceback"}}: ' +
    `"${escapeBytes(bytes.subarray(0, 120))}"`);
}

export function describeOutcome(outcome: CallOutcome): string {
  if ('result' in outcome) return `the result ${describeValue(outcome.result)}`;
  const { exception } = outcome;
  return `the exception ${exception.class}(${describeValue(exception.args)}) with the traceback ${JSON.stringify(exception.traceback.slice(0, 200))}`;
}

/** The client's next report is one call's outcome, exactly `want`. */
export async function expectOutcome(client: ClientCase, want: CallOutcome): Promise<void> {
  const what = `the client to report ${describeOutcome(want)}`;
  const got = outcomeOf((await client.received(what)).bytes);
  if (!isDeepStrictEqual(got, want)) throw new NonConformance(`expected ${what}; it reported ${describeOutcome(got)}`);
}

// ---- replies of a given size -------------------------------------------------------------------

/** Only the header of a reply to `invoke` announcing `size` bytes of body: a claim the client must not wait for. */
export function lengthClaim(invoke: Invoke, size: number): Buffer {
  const header = Buffer.from(encodeMessage(replyTo(invoke, Buffer.alloc(0), { annotations: NO_ANNOTATIONS })).subarray(0, HEADER_SIZE));
  header.writeInt32BE(size, 12);
  return fixChecksum(header);
}

/** A result body of exactly `size` bytes in the serializer (a str of "x"), and the value it carries. */
export function resultOfSize(serializer: Serializer, size: number): { body: Buffer; value: string } {
  const value = 'x'.repeat(size - serializer.encode('').length);
  return { body: serializer.encode(value), value };
}

// ---- live fuzzing ----------------------------------------------------------------------------

/** What the client is told and sent back as JSON and both serializers carry alike: no -0, no integral float past 2^53, no `__class__` key. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0) && (!Number.isInteger(d) || Number.isSafeInteger(d))),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => k !== '__class__'), tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

const keyword = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const call: fc.Arbitrary<ToldCall> = fc.record({
  method: fc.constant('echo'),
  args: fc.array(jsonValue, { maxLength: 3 }),
  kwargs: fc.dictionary(keyword, jsonValue, { maxKeys: 2, noNullPrototype: true }),
  oneway: fc.constant(false),
});

/** Annotation chunks a daemon may add to a reply (HMAC excluded: it asks for a key the client has not got). */
const annotations = fc.uniqueArray(
  fc.tuple(fc.stringMatching(/^[A-Z]{4}$/).filter((k) => k !== 'HMAC'), fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b))),
  { maxLength: 2, selector: ([key]) => key },
).map((chunks) => new Map(chunks));

/**
 * A header bit a single flip makes undecodable: the magic, the version, the checksum, or a
 * field the checksum covers. Not the reserved field (nothing checks it), and not the high
 * half of the data length, where a flip changes the sum by a multiple of 65536: the header
 * stays valid and merely claims a longer body (a case of its own: SRS-RPC-107).
 */
const HEADER_BYTES = [...Array(HEADER_SIZE).keys()].filter((i) => i !== 12 && i !== 13 && i !== 20 && i !== 21);
const headerBit = fc.record({ byte: fc.constantFrom(...HEADER_BYTES), bit: fc.integer({ min: 0, max: 7 }) });

/** One run: a client process against the case's scripted name server and daemon (stopped after the client is). */
async function withRpc(ctx: LiveContext, body: (client: ClientCase, rpc: ScriptedRpc) => Promise<void>): Promise<void> {
  let rpc: ScriptedRpc | undefined;
  try {
    await withClient(ctx, async (client) => {
      rpc = new ScriptedRpc(client);
      await body(client, rpc);
    });
  } finally {
    rpc?.stop();
  }
}

/** The client is told the call; the daemon accepts its handshake (CONNECTOK in `writes`) and reads the INVOKE. */
async function callArrives(client: ClientCase, rpc: ScriptedRpc, told: ToldCall, writes: Segmentation, judge: boolean): Promise<Invoke> {
  client.tell(callAction(told));
  const connect = await rpc.expectDaemonConnect();
  await answer(rpc.conn, encodeMessage(connectOk(connect)), WHOLE, writes);
  const invoke = await rpc.expectInvoke(`the INVOKE of ${told.method}()`);
  if (judge) expectCall(invoke, told);
  return invoke;
}

const liveCalls: PropertyCase = {
  name: 'rpc client live: any arguments go out exactly, and any result comes back exactly in any segmentation',
  ids: ['SRS-RPC-100', 'SRS-RPC-105'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(call, jsonValue, annotations, segmentation, segmentation, (told, value, extra, okWrites, resultWrites) =>
    withRpc(ctx, async (client, rpc) => {
      const invoke = await callArrives(client, rpc, told, okWrites, true);
      await answer(rpc.conn, encodeMessage(resultOf(invoke, value, { annotations: extra })), WHOLE, resultWrites);
      const { received, end } = await client.collect();
      const got = received.map(outcomeOf);
      expectConform(got.length <= 1 && (got.length === 0 || isDeepStrictEqual(got[0], { result: value })), () =>
        `the result ${describeValue(value)} was reported as ${got.map(describeOutcome).join(', then ')}`);
      expectEndAllowed(end, ['done'], got.length === 1, `${got.length} of 1 results`);
    })),
  describe: ([told, value, extra, okWrites, resultWrites]) => {
    const { args, kwargs } = told as ToldCall;
    const chunks = [...(extra as Map<string, Buffer>)].map(([k, v]) => `${k}: ${v.length} bytes`).join(', ') || 'none';
    return `echo(${(args as unknown[]).map(describeValue).join(', ')}, keywords ${describeValue(kwargs)}) answered ${describeValue(value)} ` +
      `with annotations ${chunks}; CONNECTOK in ${describeWrites(okWrites)}, the RESULT in ${describeWrites(resultWrites)}`;
  },
};

const liveBitFlip: PropertyCase = {
  name: 'rpc client live: a reply header with any one bit flipped is a protocol error, never the result, in any segmentation',
  ids: ['SRS-RPC-106'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(jsonValue, headerBit, segmentation, (value, { byte, bit }, writes) =>
    withRpc(ctx, async (client, rpc) => {
      const invoke = await callArrives(client, rpc, { method: 'echo', args: [value], kwargs: {}, oneway: false }, { sizes: [], gapMs: 0 }, false);
      const bytes = Buffer.from(encodeMessage(resultOf(invoke, value)));
      bytes[byte] ^= 1 << bit;
      await answer(rpc.conn, bytes, WHOLE, writes); // a client that refuses the header may close before the rest (answer stops there)
      const { received, end } = await client.collect();
      expectConform(received.length === 0, () => `the corrupt reply was delivered: ${received.map((u) => describeOutcome(outcomeOf(u))).join(', ')}`);
      expectEndAllowed(end, ['protocol-error'], false, 'nothing delivered');
    })),
  describe: ([value, flip, writes]) => {
    const { byte, bit } = flip as { byte: number; bit: number };
    return `the RESULT of echo(${describeValue(value)}) with bit ${bit} of header byte ${byte} flipped, in ${describeWrites(writes)}`;
  },
};

const liveCut: PropertyCase = {
  name: 'rpc client live: the daemon\'s answers cut at any offset by a close or a reset end the call with that reported',
  ids: ['SRS-RPC-112'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(jsonValue, segmentation, cutEnding, (value, writes, end) =>
    withRpc(ctx, async (client, rpc) => {
      const told: ToldCall = { method: 'echo', args: [value], kwargs: {}, oneway: false };
      client.tell(callAction(told));
      const connect = await rpc.expectDaemonConnect();
      const ok = encodeMessage(connectOk(connect));
      // The RESULT's length before the INVOKE is in (its seq and annotations do not change it: the offset is folded in again below).
      const total = ok.length + encodeMessage(pyroMessage(MSG_RESULT, 0, connect.serializer.encode(value))).length;
      const cut = end.kind === 'whole' ? total : end.offset % total;
      if (cut < ok.length) {
        await answer(rpc.conn, ok, { kind: end.kind, offset: cut } as Ending, writes);
      } else {
        await rpc.conn.write(ok);
        const invoke = await rpc.expectInvoke(`the INVOKE of ${told.method}()`);
        await answer(rpc.conn, encodeMessage(resultOf(invoke, value)), { kind: end.kind, offset: cut - ok.length } as Ending, writes);
      }
      const { received, end: report } = await client.collect();
      expectConform(received.length === 0, () => `a cut reply was delivered: ${received.map((u) => describeOutcome(outcomeOf(u))).join(', ')}`);
      expectEndAllowed(report, endsAfterCut(end), false, 'nothing delivered');
    })),
  describe: ([value, writes, end]) =>
    `echo(${describeValue(value)}): CONNECTOK then the RESULT, in ${describeWrites(writes, end as Ending)} (offset counted over both)`,
};

export const rpcClient: ClientSupport = {
  /** {port} is the name server; the daemon listens on the second, which the client learns from the lookup only. */
  ports: 2,
  /** wireproof's own maximum message (Pyro4's MAX_MESSAGE_SIZE); Pyro4's default is none at all. */
  defaultMaxBytes: MAX_MESSAGE_SIZE,
  properties: [liveCalls, liveBitFlip, liveCut],
};
