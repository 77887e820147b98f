/** The pure parts of the load machinery: messages, the tally, the latency histogram, shards, judging. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryRecord, identifyRecord, identifyText, messageSize, nextRecord, textMessage } from '../../src/robustness/messages';
import { SequenceTally } from '../../src/robustness/tally';
import { LatencyHistogram } from '../../src/robustness/latency';
import { parseShard, shareOf } from '../../src/robustness/shard';
import { judgeRun, runVerdict } from '../../src/robustness/judge';
import type { RobustnessRun } from '../../src/report/types';

test('messages have mixed sizes within their maximum and tell their client, number and wholeness', () => {
  const sizes = Array.from({ length: 2000 }, (_, seq) => textMessage({ client: 3, seq }, 60_000).length);
  assert.ok(Math.min(...sizes) < 32 && Math.max(...sizes) > 16_384 && Math.max(...sizes) <= 60_000, `${Math.min(...sizes)}..${Math.max(...sizes)}`);
  assert.ok(sizes.filter((s) => s <= 64).length > 1000, 'most are small');
  for (const seq of [0, 1, 4999, 9999]) {
    const text = textMessage({ client: 7, seq }, 4096);
    assert.deepEqual(identifyText(text, 4096), { client: 7, seq, intact: true });
    const damaged = Buffer.from(text);
    damaged[damaged.length - 1] ^= 1;
    assert.equal(identifyText(damaged, 4096)?.intact, false);
    const record = binaryRecord({ client: 7, seq }, 4096);
    assert.equal(record.length, messageSize({ client: 7, seq }, 16, 4096));
    assert.deepEqual(identifyRecord(record, 4096), { client: 7, seq, intact: true });
  }
  assert.equal(identifyText(Buffer.from('pong'), 4096), undefined);
});

test('a byte stream of records is taken apart again, and found again after bytes were dropped', () => {
  const records = Array.from({ length: 6 }, (_, seq) => binaryRecord({ client: 2, seq }, 2048));
  assert.ok(records[2].length > 24);
  const damaged = Buffer.concat([records[0], records[1], records[2].subarray(0, records[2].length - 8), records[3], records[4], records[5]]);
  const seen: string[] = [];
  for (let rest = damaged; rest.length > 0;) {
    const piece = nextRecord(rest, 2048);
    if (!piece) break;
    seen.push('garbage' in piece ? 'garbage' : `${piece.record.seq}${piece.record.intact ? '' : ' damaged'}`);
    rest = rest.subarray(piece.consumed);
  }
  assert.deepEqual(seen, ['0', '1', '2 damaged', '3', '4', '5']);
});

test('the tally tells lost, duplicated, corrupted and reordered answers apart', () => {
  const tally = new SequenceTally(8, 'the connection');
  for (let i = 0; i < 8; i++) tally.sent();
  tally.answer(0, true);
  tally.answer(2, true); // 1 comes later: reordered
  tally.answer(1, true);
  tally.answer(2, true); // again: duplicated
  tally.answer(3, false); // corrupted
  tally.answer(undefined, false); // no message's
  tally.answer(5, true); // 4 never: lost
  tally.answer(6, true);
  tally.answer(7, true);
  const counts = tally.counts();
  assert.deepEqual(counts, { sent: 8, answered: 9, lost: 1, duplicated: 1, corrupted: 2, reordered: 1, unsent: 0 });
  assert.ok(tally.findings.some((f) => /message 5 .* never answered/.test(f)), tally.findings.join('\n'));
});

test('the latency histogram stays within 4.4% of the exact percentiles, bounded, and shards add up', () => {
  const samples = Array.from({ length: 20_000 }, (_, i) => 0.05 + ((i * 7919) % 10_000) / 100);
  const whole = new LatencyHistogram();
  const shards = [new LatencyHistogram(), new LatencyHistogram()];
  samples.forEach((ms, i) => { whole.record(ms); shards[i % 2].record(ms); });
  const sorted = [...samples].sort((a, b) => a - b);
  for (const p of [0.5, 0.99]) {
    const exact = sorted[Math.ceil(p * sorted.length) - 1];
    assert.ok(Math.abs(whole.percentile(p) - exact) / exact < 0.045, `p${p * 100}: ${whole.percentile(p)} vs ${exact}`);
  }
  const summary = whole.summary()!;
  assert.ok(summary.histogram.length < 250, `${summary.histogram.length} buckets for 20,000 samples`);
  const merged = new LatencyHistogram();
  merged.add(shards[0].summary()!);
  merged.add(shards[1]);
  assert.deepEqual(merged.summary(), summary);
});

test('N shards take every client exactly once; --shard is checked', () => {
  const all = [1, 2, 3, 4].flatMap((index) => shareOf(1000, { index, count: 4 }));
  assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) assert.throws(() => parseShard(bad), /--shard/);
});

const run = (extra: Partial<RobustnessRun>): RobustnessRun => ({
  protocol: 'channel', load: 'volume', count: 10, unit: 'messages', durationMs: 5, verdict: 'PASS', note: '',
  aliveBefore: true, aliveAfter: true, rssBeforeMiB: 10, rssAfterMiB: 11, growthMiB: 1, keeper: { expected: 2, lost: 0 },
  messages: { sent: 10, answered: 10, lost: 0, duplicated: 0, corrupted: 0, reordered: 0, unsent: 0 }, ...extra,
});

test('a run is judged from its record: the load, liveness and accepted requests, memory (INFO when not measured)', () => {
  assert.deepEqual(Object.values(judgeRun(run({}))).map((j) => j.outcome), ['passed', 'passed', 'passed']);
  assert.equal(judgeRun(run({ messages: { sent: 10, answered: 9, lost: 1, duplicated: 0, corrupted: 0, reordered: 0, unsent: 0 } })).load.outcome, 'broken');
  assert.equal(judgeRun(run({ keeper: { expected: 2, lost: 1 } })).kept.outcome, 'broken');
  assert.equal(judgeRun(run({ aliveAfter: false })).kept.outcome, 'broken');
  assert.equal(judgeRun(run({ growthMiB: 64 })).memory.outcome, 'broken');
  const unmeasured = judgeRun(run({ rssBeforeMiB: undefined, rssAfterMiB: undefined, growthMiB: undefined, memory: 'not measured: no --pid' }));
  assert.deepEqual([unmeasured.memory.outcome, unmeasured.memory.message], ['info', 'not measured: no --pid']);
  assert.equal(runVerdict(run({ growthMiB: 80 })), 'FAIL');
  assert.equal(runVerdict(run({ notRun: 'ulimit' })), 'ERROR');
});
