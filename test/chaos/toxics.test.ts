import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildChain, createStage, MAX_LATENCY_BYTES, seededRandom, validateToxic, type Stage, type ToxicContext, type ToxicSpec } from '../../src/chaos/toxics';

/** A sink that records every piece, and a context whose sleeps are instant and whose actions are logged. */
function harness(seed = 1) {
  const pieces: Buffer[] = [];
  const actions: string[] = [];
  const sink: Stage = {
    push: async (chunk) => void pieces.push(Buffer.from(chunk)),
    drain: async () => undefined,
    release: () => undefined,
  };
  const context: ToxicContext = {
    random: seededRandom(seed),
    sleep: async () => undefined,
    reset: () => void actions.push(`reset@${Buffer.concat(pieces).length}`),
    close: () => void actions.push(`close@${Buffer.concat(pieces).length}`),
  };
  return { pieces, actions, sink, context };
}

async function pushAll(stage: Stage, chunks: Uint8Array[]) {
  for (const chunk of chunks) await stage.push(Buffer.from(chunk));
  await stage.drain();
}

const chunksArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 12 });

test('slicer: pieces keep every byte in order, each within averageSize ± sizeVariation', async () => {
  await fc.assert(
    fc.asyncProperty(chunksArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer(), async (chunks, averageSize, sizeVariation, seed) => {
      const { pieces, sink, context } = harness(seed);
      await pushAll(createStage({ type: 'slicer', averageSize, sizeVariation }, sink, context), chunks);
      assert.deepEqual(Buffer.concat(pieces), Buffer.concat(chunks));
      for (const piece of pieces) {
        assert.ok(piece.length >= 1 && piece.length <= averageSize + sizeVariation, `piece of ${piece.length}`);
      }
    }),
    { numRuns: 200 },
  );
});

test('the same seed cuts the same pieces; another seed cuts others', async () => {
  const cut = async (seed: number) => {
    const { pieces, sink, context } = harness(seed);
    await pushAll(createStage({ type: 'slicer', averageSize: 8, sizeVariation: 6 }, sink, context), [Buffer.alloc(4000)]);
    return pieces.map((p) => p.length);
  };
  assert.deepEqual(await cut(42), await cut(42));
  assert.notDeepEqual(await cut(42), await cut(43));
});

test('reset and close act once exactly afterBytes have passed, however the bytes are chunked', async () => {
  await fc.assert(
    fc.asyncProperty(chunksArb, fc.integer({ min: 0, max: 2000 }), fc.constantFrom('reset' as const, 'close' as const), async (chunks, afterBytes, type) => {
      const { pieces, actions, sink, context } = harness();
      await pushAll(createStage({ type, afterBytes }, sink, context), chunks);
      const input = Buffer.concat(chunks);
      assert.deepEqual(Buffer.concat(pieces), input.subarray(0, afterBytes));
      if (input.length >= afterBytes && input.length > 0) assert.equal(actions[0], `${type}@${afterBytes}`);
      else assert.deepEqual(actions, []);
    }),
  );
});

test('stall holds everything past afterBytes until released, then lets it go in order', async () => {
  const { pieces, sink, context } = harness();
  const stage = createStage({ type: 'stall', afterBytes: 3 }, sink, context);
  let taken = false;
  const pushed = stage.push(Buffer.from('hello')).then(() => (taken = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(Buffer.concat(pieces).toString(), 'hel');
  assert.equal(taken, false, 'the stall holds the reader back');
  stage.release();
  await pushed;
  await stage.push(Buffer.from(' world'));
  assert.equal(Buffer.concat(pieces).toString(), 'hello world');
});

test('a chain applies only the toxics of its direction, in order', async () => {
  const toxics: ToxicSpec[] = [
    { type: 'close', afterBytes: 5, direction: 'upstream' },
    { type: 'slicer', averageSize: 2 },
    { type: 'reset', afterBytes: 3, direction: 'downstream' },
  ];
  const up = harness();
  await pushAll(buildChain(toxics, 'upstream', up.sink, up.context), [Buffer.from('abcdefgh')]);
  assert.deepEqual(up.pieces.map(String), ['ab', 'cd', 'e']);
  assert.deepEqual(up.actions, ['close@5']);
  const down = harness();
  await pushAll(buildChain(toxics, 'downstream', down.sink, down.context), [Buffer.from('abcdefgh')]);
  assert.deepEqual(down.pieces.map(String), ['ab', 'c']);
  assert.deepEqual(down.actions, ['reset@3']);
});

test('latency keeps order under jitter', async () => {
  const { pieces, sink } = harness();
  const context: ToxicContext = { ...harness().context, sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))) };
  const stage = createStage({ type: 'latency', ms: 5, jitter: 5 }, sink, context);
  const chunks = Array.from({ length: 50 }, (_, i) => Buffer.from(`<${i}>`));
  await pushAll(stage, chunks);
  assert.deepEqual(Buffer.concat(pieces), Buffer.concat(chunks));
});

test('latency stops taking chunks once MAX_LATENCY_BYTES wait behind a destination that takes none', async () => {
  const { context } = harness();
  const stuck: Stage = { push: () => new Promise(() => undefined), drain: async () => undefined, release: () => undefined };
  const stage = createStage({ type: 'latency', ms: 0 }, stuck, context);
  const chunk = Buffer.alloc(64 * 1024);
  let taken = 0;
  for (let i = 0; i < 64; i++) {
    const next = await Promise.race([stage.push(chunk).then(() => 'taken'), new Promise((r) => setImmediate(r, 'blocked'))]);
    if (next === 'blocked') break;
    taken += chunk.length;
  }
  assert.ok(taken > 0 && taken <= MAX_LATENCY_BYTES, `took ${taken} bytes before blocking`);
});

test('validateToxic refuses what no toxic can do, naming the field', () => {
  const bad: [unknown, RegExp][] = [
    [{ type: 'latency' }, /latency: ms is required/],
    [{ type: 'latency', ms: -1 }, /ms must be a number >= 0/],
    [{ type: 'bandwidth', bytesPerSecond: 0 }, /bytesPerSecond must be a number >= 1/],
    [{ type: 'slicer', averageSize: 1.5 }, /averageSize must be an integer/],
    [{ type: 'reset', afterBytes: NaN }, /afterBytes must be/],
    [{ type: 'stall', after: 3 }, /unknown field "after"/],
    [{ type: 'fire', ms: 1 }, /unknown toxic "fire"/],
    [{ type: 'close', afterBytes: 1, direction: 'sideways' }, /direction must be upstream or downstream/],
  ];
  for (const [spec, message] of bad) assert.throws(() => validateToxic(spec as ToxicSpec), message);
  assert.doesNotThrow(() => validateToxic({ type: 'stall' }));
});
