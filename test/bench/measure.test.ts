import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Measurement, compare, measureSideBySide, median, rate, roundOrder } from '../../bench/measure';
import { lineChunks } from '../../bench/oneline';
import { formatReport } from '../../bench/run';

function measurement(name: string, figure: number, unit: Measurement['unit'] = 'MB/s'): Measurement {
  return { name, unit, figure, rounds: [figure], passesPerRound: 1 };
}

const measured = new Map(
  [measurement('fast', 300), measurement('slow', 100), measurement('copy', 1000)].map((m) => [m.name, m]),
);

describe('bench helpers', () => {
  it('median takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), RangeError);
  });

  it('rate turns work and nanoseconds into MB/s or ops/s', () => {
    assert.equal(rate('MB/s', 2_000_000, 1e9), 2);
    assert.equal(rate('ops/s', 500, 0.5e9), 1000);
  });

  it('roundOrder rotates so each contender takes each position in turn', () => {
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 5), ['c', 'a', 'b']);
  });

  it('compare gives figures, ratios and whether the target was met', () => {
    const result = compare(measured, {
      name: 'fast vs others',
      subject: 'fast',
      baselines: ['slow', 'copy'],
      target: { baseline: 'slow', ratio: 1.5 },
    });
    assert.deepEqual(result, {
      name: 'fast vs others',
      unit: 'MB/s',
      figure: 300,
      comparisons: { slow: 100, copy: 1000 },
      ratios: { slow: 3, copy: 0.3 },
      target: { baseline: 'slow', ratio: 1.5 },
      met: true,
    });
    const missed = compare(measured, {
      name: 'x',
      subject: 'fast',
      baselines: ['copy'],
      target: { baseline: 'copy', ratio: 0.5 },
    });
    assert.equal(missed.met, false);
  });

  it('compare reports a row without a target as met, and formatReport counts no target for it', () => {
    const row = compare(measured, { name: 'side by side', subject: 'fast', baselines: ['slow'] });
    assert.equal(row.target, undefined);
    assert.equal(row.met, true);
    const text = formatReport([{ module: 'm', seconds: 1, results: [row] }]);
    assert.match(text, /reported only: no target/);
    assert.match(text, /Targets met: 0 of 0\./);
  });

  it('compare refuses a target baseline it does not compare, unknown names and mixed units', () => {
    const target = { baseline: 'copy', ratio: 1 };
    assert.throws(() => compare(measured, { name: 'x', subject: 'fast', baselines: ['slow'], target }), /not compared/);
    assert.throws(() => compare(measured, { name: 'x', subject: 'nope', baselines: ['copy'], target }), /no measurement/);
    const mixed = new Map([...measured, ['ops', measurement('ops', 5, 'ops/s')]]);
    assert.throws(
      () => compare(mixed, { name: 'x', subject: 'ops', baselines: ['copy'], target }),
      /in MB\/s, not ops\/s/,
    );
    const wall = new Map([...measured, ['wall', measurement('wall', 2, 's')]]);
    assert.throws(() => compare(wall, { name: 'x', subject: 'wall', baselines: ['copy'] }), /in MB\/s, not s/, 'a wall time is no rate');
  });

  it('measureSideBySide measures every contender in every round', async () => {
    const passes = { a: 0, b: 0 };
    const result = await measureSideBySide(
      [
        { name: 'a', pass: () => ++passes.a && 7, expect: 7 },
        { name: 'b', pass: async () => ++passes.b && 7, expect: 7 },
      ],
      { unit: 'ops/s', workPerPass: 1, warmupPasses: 2, rounds: 3, minRoundMs: 0 },
    );
    assert.deepEqual([...result.keys()], ['a', 'b']);
    for (const m of result.values()) {
      assert.equal(m.rounds.length, 3);
      assert.equal(m.figure, median(m.rounds));
      assert.ok(m.figure > 0);
    }
    // 2 warm-up + 1 calibration + 3 rounds of passesPerRound each
    assert.equal(passes.a, 3 + 3 * result.get('a')!.passesPerRound);
  });

  it('measureSideBySide aborts when a contender tallies the wrong answer', async () => {
    await assert.rejects(
      measureSideBySide([{ name: 'broken', pass: () => 1, expect: 2 }], {
        unit: 'ops/s',
        workPerPass: 1,
        warmupPasses: 1,
        rounds: 1,
        minRoundMs: 0,
      }),
      /"broken" tallied 1, expected 2/,
    );
  });

  it('a synchronous contender lets timers run between its passes (live contenders keep their heartbeats)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const busy = () => {
        const until = performance.now() + 2;
        while (performance.now() < until); // a pass that never awaits anything
        return 1;
      };
      await measureSideBySide([{ name: 'busy', pass: busy, expect: 1 }], {
        unit: 'ops/s', workPerPass: 1, warmupPasses: 10, rounds: 3, minRoundMs: 20,
      });
    } finally {
      clearInterval(timer);
    }
    // Awaiting only microtasks, the whole measurement would have run without one tick.
    assert.ok(ticks > 0);
  });

  it('formatReport prints every ratio and says clearly which targets were not met', () => {
    const met = compare(measured, { name: 'good', subject: 'fast', baselines: ['slow'], target: { baseline: 'slow', ratio: 2 } });
    const missed = compare(measured, { name: 'bad', subject: 'fast', baselines: ['copy'], target: { baseline: 'copy', ratio: 0.5 } });
    const text = formatReport([{ module: 'demo', seconds: 1, results: [met, missed] }]);
    assert.match(text, /vs slow +100 MB\/s +3\.00x +target >= 2x +MET/);
    assert.match(text, /vs copy +1000 MB\/s +0\.30x +target >= 0\.5x +NOT MET/);
    assert.match(text, /Targets met: 1 of 2\.\n {2}NOT MET: demo: bad$/);
  });
});

describe('oneline bench input', () => {
  it('is whole LF-terminated printable lines in chunks of the asked size', () => {
    const chunks = lineChunks(8, 32, 96);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [32, 32, 32],
    );
    const input = Buffer.concat(chunks);
    for (let i = 0; i < input.length; i++) {
      if (i % 8 === 7) assert.equal(input[i], 0x0a, `byte ${i}`);
      else assert.ok(input[i] >= 0x20 && input[i] < 0x7f, `byte ${i} is printable`);
    }
  });
});
