import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { decodeAll, FramingError } from '../../impl/common/framer';
import { decodeBody, encodeFrame, HEADER_BYTES, LengthPrefixFramer, LenmsgFramer } from '../../impl/lenmsg/framer';
import { cut, pieces } from '../arbitraries';
import { escapeBytes } from '../bytes-text';
import { WireDriver } from '../driver';
import { expectConform } from '../properties';
import type { LiveContext, PropertyCase } from '../protocol';
import type { TraceRecorder } from '../trace';
import {
  dataBody, invalidUtf8Body, malformedBytes, nonJsonBody, oversizeLength, smallBody, writeSizes, type Malformed,
} from './arbitraries';
import { dataFrame, echoModel, preview, sentinel, SuiteRemote } from './remote';

const bodiesOf = (frames: Buffer[]) => frames.map((f) => f.subarray(HEADER_BYTES));
const sameBuffers = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]));
const rawBodies = fc.array(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), { maxLength: 8 });
const showBodies = (bodies: unknown[]) => bodies.map(preview).join(', ');
const showMalformed = (bad: Malformed) =>
  bad.kind === 'oversize' ? `a header announcing ${bad.length} bytes` : `a frame whose body is ${bad.kind}: "${escapeBytes(bad.body.subarray(0, 80))}"`;

// ---- pure: the reference framer --------------------------------------------------------

const everyOffset: PropertyCase = {
  name: 'lenmsg framer: every split offset gives the same bodies',
  ids: ['SRS-LENMSG-001', 'SRS-LENMSG-003'],
  kind: 'pure',
  build: () =>
    fc.property(rawBodies, (bodies) => {
      const stream = Buffer.concat(bodies.map(encodeFrame));
      for (let at = 0; at <= stream.length; at++) {
        const got = decodeAll(new LengthPrefixFramer(), [stream.subarray(0, at), stream.subarray(at)]);
        expectConform(sameBuffers(got, bodies), () => `split at ${at} gave ${got.length} bodies for ${bodies.length}`);
      }
    }),
  describe: ([bodies]) => `bodies: ${(bodies as Buffer[]).map((b) => `"${escapeBytes(b)}"`).join(', ')}`,
};

const randomSplits: PropertyCase = {
  name: 'lenmsg framer: random n-way splits, 1-byte dribble and merges give the same messages',
  ids: ['SRS-LENMSG-003', 'SRS-LENMSG-004'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(dataBody, { maxLength: 6 }), pieces(64), (bodies, sizes) => {
      const frames = bodies.map(dataFrame);
      const stream = Buffer.concat(frames);
      const want = bodies.map((body) => ({ type: 'data', body: echoModel(body) }));
      const same = (got: unknown[]) => isDeepStrictEqual(got, want);
      expectConform(same(decodeAll(new LenmsgFramer(), cut(stream, sizes))), () => `n-way split ${JSON.stringify(sizes)} differs`);
      expectConform(same(decodeAll(new LenmsgFramer(), [stream])), () => 'all frames merged in one chunk differ');
      if (stream.length <= 4096) {
        const dribble = [...stream].map((b) => Buffer.from([b]));
        expectConform(same(decodeAll(new LenmsgFramer(), dribble)), () => '1-byte dribble differs');
      }
      expectConform(sameBuffers(bodiesOf(frames), decodeAll(new LengthPrefixFramer(), cut(stream, sizes))), () => 'bodies differ');
    }),
  describe: ([bodies, sizes]) => `bodies: ${showBodies(bodies as unknown[])}; write sizes: ${JSON.stringify(sizes)}`,
};

const lengthEdges: PropertyCase = {
  name: 'lenmsg framer: a length up to the maximum is read, past it refused at the header, memory bounded',
  ids: ['SRS-LENMSG-005', 'SRS-LENMSG-006'],
  kind: 'pure',
  build: () =>
    fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 80 }), pieces(7), (max, length, sizes) => {
      const framer = new LengthPrefixFramer(max);
      const body = Buffer.alloc(length, 0x61);
      const got: Buffer[] = [];
      let fed = 0;
      let headerChunkEnd: number | undefined; // where the chunk that completes the header ends
      let refusedAt: number | undefined;
      for (const chunk of cut(encodeFrame(body), sizes)) {
        fed += chunk.length;
        if (headerChunkEnd === undefined && fed >= HEADER_BYTES) headerChunkEnd = fed;
        try {
          framer.push(chunk, (b) => got.push(b));
        } catch (err) {
          if (!(err instanceof FramingError)) throw err;
          refusedAt = fed;
          break;
        }
        expectConform(framer.pending <= HEADER_BYTES + max, () => `framer holds ${framer.pending} bytes past the maximum ${max}`);
      }
      if (length <= max) {
        expectConform(refusedAt === undefined && got.length === 1 && got[0].equals(body), () => `a body of ${length} bytes (maximum ${max}) was not read whole`);
      } else {
        // Refused by the chunk that completed the header: no body byte is waited for.
        expectConform(refusedAt === headerChunkEnd && got.length === 0,
          () => `a length of ${length} over the maximum ${max} was ${refusedAt === undefined ? 'not refused' : `refused only after ${refusedAt} bytes`}`);
      }
    }),
  describe: ([max, length, sizes]) => `maximum ${max}, body of ${length} bytes, write sizes ${JSON.stringify(sizes)}`,
};

const badBodies: PropertyCase = {
  name: 'lenmsg framer: a body that is not UTF-8 or not JSON stops the stream',
  ids: ['SRS-LENMSG-007', 'SRS-LENMSG-008'],
  kind: 'pure',
  build: () =>
    fc.property(fc.oneof(invalidUtf8Body, nonJsonBody), pieces(5), (body, sizes) => {
      const framer = new LenmsgFramer();
      let refused = false;
      try {
        decodeAll(framer, cut(Buffer.concat([encodeFrame(body), dataFrame('after')]), sizes));
      } catch (err) {
        if (!(err instanceof FramingError)) throw err;
        refused = true;
      }
      expectConform(refused, () => 'the bad body was decoded');
    }),
  describe: ([body, sizes]) => `body "${escapeBytes(body as Buffer)}"; write sizes ${JSON.stringify(sizes)}`,
};

const protoKeys: PropertyCase = {
  name: 'lenmsg framer: __proto__ keys at any depth never reach a prototype',
  ids: ['SRS-LENMSG-018'],
  kind: 'pure',
  build: () =>
    fc.property(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('__proto__', '\\u005f_proto__', 'constructor', 'prototype'), (value, key) => {
      const text = `{"${key}":{"polluted":true,"nested":[{"${key}":${JSON.stringify(value)}}]},"kept":1}`;
      const decoded = decodeBody(Buffer.from(text)) as Record<string, unknown>;
      expectConform(({} as Record<string, unknown>).polluted === undefined, () => 'Object.prototype was polluted');
      expectConform(Object.getPrototypeOf(decoded) === Object.prototype, () => 'the decoded object has another prototype');
      expectConform(decoded.kept === 1, () => 'an ordinary key was lost');
    }),
  describe: ([value, key]) => `key ${key as string} holding ${preview(value)}`,
};

// ---- live: the target over TCP, against the model -----------------------------------------

/** A remote whose hello went out on its own client; the caller closes both. */
async function openRemote(ctx: LiveContext, trace: TraceRecorder, name: string) {
  const remote = await SuiteRemote.start(name, trace, ctx.timeoutMs, { central: ctx.endpoint, caseName: ctx.caseName });
  const client = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs).catch(async (err) => {
    await remote.close();
    throw err;
  });
  return { remote, client };
}

async function closeAll(parts: { remote: SuiteRemote; client: WireDriver }[]): Promise<void> {
  for (const { remote, client } of parts) {
    client.destroy();
    await remote.close();
  }
}

const liveEcho: PropertyCase = {
  name: 'lenmsg live: random data bodies in random writes are echoed exactly once, whole, in order',
  ids: ['SRS-LENMSG-003', 'SRS-LENMSG-004', 'SRS-LENMSG-010', 'SRS-LENMSG-012', 'SRS-LENMSG-016', 'SRS-LENMSG-018'],
  kind: 'live',
  runs: 100,
  build: (ctx) =>
    fc.asyncProperty(fc.array(dataBody, { minLength: 1, maxLength: 8 }), writeSizes, async (bodies, sizes) => {
      const a = await openRemote(ctx, ctx.trace(), 'A');
      try {
        const end = sentinel('A');
        await a.client.write(Buffer.concat([a.remote.helloFrame(), ...bodies.map(dataFrame), dataFrame(end)]), { pieces: sizes });
        await a.remote.expectEchoes([...bodies, end]);
      } finally {
        await closeAll([a]);
      }
    }),
  describe: ([bodies, sizes]) => `bodies: ${showBodies(bodies as unknown[])}; write sizes: ${JSON.stringify(sizes)}`,
};

const liveRemotes: PropertyCase = {
  name: 'lenmsg live: remotes writing interleaved each get their own echoes, in order',
  ids: ['SRS-LENMSG-010', 'SRS-LENMSG-012', 'SRS-LENMSG-013'],
  kind: 'live',
  runs: 40,
  build: (ctx) =>
    fc.asyncProperty(
      fc.array(fc.array(smallBody, { maxLength: 5 }), { minLength: 2, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 })), { maxLength: 40 }),
      async (perRemote, schedule) => {
        const trace = ctx.trace();
        const parts: { remote: SuiteRemote; client: WireDriver }[] = [];
        try {
          for (let i = 0; i < perRemote.length; i++) parts.push(await openRemote(ctx, trace, String.fromCharCode(65 + i)));
          const ends = parts.map((p) => sentinel(p.remote.name));
          const streams = parts.map((p, i) => Buffer.concat([p.remote.helloFrame(), ...perRemote[i].map(dataFrame), dataFrame(ends[i])]));
          const sent = streams.map(() => 0);
          // Each step writes the next few bytes of one remote's stream: frames cut across remotes' turns.
          for (const [pick, size] of schedule) {
            const i = pick % parts.length;
            await parts[i].client.write(streams[i].subarray(sent[i], sent[i] + size));
            sent[i] = Math.min(streams[i].length, sent[i] + size);
          }
          for (let i = 0; i < parts.length; i++) await parts[i].client.write(streams[i].subarray(sent[i]));
          await Promise.all(parts.map((p, i) => p.remote.expectEchoes([...perRemote[i], ends[i]])));
        } finally {
          await closeAll(parts);
        }
      },
    ),
  describe: ([perRemote, schedule]) =>
    `${(perRemote as unknown[][]).map((bodies, i) => `remote ${String.fromCharCode(65 + i)}: ${showBodies(bodies)}`).join('; ')}; schedule ${JSON.stringify(schedule)}`,
};

/**
 * Remote B sends a malformed frame (after a data message echoed as usual): the target must
 * close B's connection, and remote A's data before and after must all be echoed. One
 * property per kind of error, so that a failure names the rule it breaks.
 */
function liveMalformed(kind: string, ids: string[], frames: fc.Arbitrary<Malformed>): PropertyCase {
  return {
    name: `lenmsg live: ${kind} closes that connection and never affects another remote`,
    ids: [...ids, 'SRS-LENMSG-009'],
    kind: 'live',
    runs: 25,
    build: (ctx) =>
      fc.asyncProperty(frames, fc.array(smallBody, { maxLength: 3 }), pieces(6), async (bad, bodies, sizes) => {
        const trace = ctx.trace();
        const parts = [await openRemote(ctx, trace, 'A')];
        try {
          parts.push(await openRemote(ctx, trace, 'B'));
          const [a, b] = parts;
          await a.client.write(Buffer.concat([a.remote.helloFrame(), ...bodies.map(dataFrame)]));
          await b.client.write(Buffer.concat([b.remote.helloFrame(), dataFrame('before')]));
          await b.remote.expectEchoes(['before']);
          // The target may close as soon as it has seen enough: a write cut short by its close is fine.
          await b.client.write(malformedBytes(bad), { pieces: sizes }).catch(() => undefined);
          await b.client.expectClosed(ctx.timeoutMs, `expected the target to close the connection that sent ${showMalformed(bad)}`);
          const end = sentinel('A');
          await a.client.write(dataFrame(end));
          await a.remote.expectEchoes([...bodies, end]);
        } finally {
          await closeAll(parts);
        }
      }),
    describe: ([bad, bodies, sizes]) =>
      `remote B sends ${showMalformed(bad as Malformed)} in writes of ${JSON.stringify(sizes)}; remote A sends ${showBodies(bodies as unknown[])}`,
  };
}

/**
 * How the last frame is cut: after `at` bytes of it (mod its length), or whole but under a
 * header that claims `extra` more bytes, so that what arrived is valid JSON a careless central
 * could deliver when the connection ends.
 */
type Cut = { at: number } | { extra: number };
const cutOf: fc.Arbitrary<Cut> = fc.oneof(fc.nat().map((at) => ({ at })), fc.integer({ min: 1, max: 1024 }).map((extra) => ({ extra })));

function describeCut(body: unknown, cut: Cut): string {
  return 'at' in cut
    ? `the first bytes (offset ${cut.at}) of the frame of ${preview(body)}`
    : `the frame of ${preview(body)} under a header claiming ${cut.extra} more bytes`;
}

function cutShort(frame: Buffer, cut: Cut): Buffer {
  if ('at' in cut) return frame.subarray(0, 1 + (cut.at % (frame.length - 1)));
  const claimed = Buffer.from(frame);
  claimed.writeUInt32BE(frame.length - HEADER_BYTES + cut.extra);
  return claimed;
}

const liveCutShort: PropertyCase = {
  name: 'lenmsg live: a connection that ends mid-frame delivers the whole frames before it and nothing of the cut one',
  ids: ['SRS-LENMSG-002', 'SRS-LENMSG-010', 'SRS-LENMSG-012'],
  kind: 'live',
  runs: 40,
  build: (ctx) =>
    fc.asyncProperty(fc.array(smallBody, { maxLength: 4 }), smallBody, cutOf, fc.boolean(), async (bodies, cutBody, cut, reset) => {
      const trace = ctx.trace();
      const first = await openRemote(ctx, trace, 'A');
      const parts = [first];
      try {
        // The whole frames share the last write with the start of the cut one: they must not wait for it.
        await first.client.write(Buffer.concat([first.remote.helloFrame(), ...bodies.map(dataFrame), cutShort(dataFrame(cutBody), cut)]));
        await first.remote.expectEchoes(bodies);
        if (reset) first.client.reset();
        else first.client.end();
        // The sentinel goes through another connection, which the central may serve first: its close
        // of this one says it is done with it (one that keeps it half-open gets half a timeout).
        await first.client.closedWithin(ctx.timeoutMs / 2);
        // The same remote says hello again on a new connection, under a new id: its echo marks the end.
        const again = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
        parts.push({ remote: first.remote, client: again });
        const end = sentinel('A');
        await again.write(Buffer.concat([first.remote.helloFrame(), dataFrame(end)]));
        await first.remote.expectEchoes([end]);
      } finally {
        await closeAll(parts);
      }
    }),
  describe: ([bodies, cutBody, cut, reset]) =>
    `whole: ${showBodies(bodies as unknown[])}; then ${describeCut(cutBody, cut as Cut)}, then ${reset ? 'RST' : 'FIN'}`,
};

export const lenmsgProperties: PropertyCase[] = [
  everyOffset, randomSplits, lengthEdges, badBodies, protoKeys,
  liveEcho, liveRemotes,
  liveMalformed('a length over the maximum', ['SRS-LENMSG-005'], oversizeLength.map((length) => ({ kind: 'oversize' as const, length }))),
  liveMalformed('a body that is not UTF-8', ['SRS-LENMSG-007'], invalidUtf8Body.map((body) => ({ kind: 'not UTF-8' as const, body }))),
  liveMalformed('a body that is not JSON', ['SRS-LENMSG-008'], nonJsonBody.map((body) => ({ kind: 'not JSON' as const, body }))),
  liveCutShort,
];
