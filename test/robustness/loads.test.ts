/**
 * The fixed-count hostile-load test of issue 7 against every reference server, and the
 * proof that the check can fail: an oneline server without a line maximum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROTOCOL_NAMES } from '../../src/conform/protocols';
import { robustnessFileErrors } from '../../src/report/json';
import { FIXED_SIZES } from '../../src/robustness/profiles';
import { GROWTH_LIMIT_MIB, runRobustness, writeRobustnessJson } from '../../src/robustness/run';

test('every reference server passes the fixed-count hostile loads', async () => {
  const section = await runRobustness({ protocols: PROTOCOL_NAMES, seed: 20_240_607 });
  const failed = section.runs.filter((run) => run.verdict === 'FAIL');
  assert.deepEqual(failed, [], 'no load fails');
  assert.equal(section.verdict, 'PASS');

  const measured = section.runs.filter((run) => run.verdict !== 'N/A');
  for (const run of measured) {
    const where = `${run.protocol} ${run.load}`;
    assert.equal(run.aliveBefore, true, `${where}: alive before`);
    assert.equal(run.aliveAfter, true, `${where}: alive after`);
    assert.ok(run.growthMiB !== undefined && run.growthMiB < GROWTH_LIMIT_MIB, `${where}: grew ${run.growthMiB} MiB`);
    assert.equal(run.lostAccepted, 0, `${where}: lost accepted`);
  }
  const count = (protocol: string, load: string) => section.runs.find((r) => r.protocol === protocol && r.load === load)?.count;
  assert.equal(count('oneline', 'oversized-line'), 1 << 30, '1 GiB without a LF into oneline');
  for (const protocol of ['channel', 'lenmsg', 'rpc']) assert.ok((count(protocol, 'length-claims') ?? 0) > 0, `${protocol}: length claims`);
  for (const protocol of ['channel', 'lenmsg', 'rpc', 'http', 'cobra']) assert.equal(count(protocol, 'slowloris'), FIXED_SIZES.idleConnections);
  for (const protocol of ['oneline', 'echo']) {
    assert.equal(section.runs.find((r) => r.protocol === protocol && r.load === 'slowloris')?.verdict, 'N/A', `${protocol}: one client at a time`);
  }
  for (const protocol of PROTOCOL_NAMES) assert.equal(count(protocol, 'malformed'), FIXED_SIZES.malformedCount, `${protocol}: 10,000 malformed inputs`);

  const dir = mkdtempSync(path.join(tmpdir(), 'wireproof-robustness-'));
  try {
    const file = await writeRobustnessJson(section, dir);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(robustnessFileErrors(written), []);
    assert.equal(written.schema, 1);
    assert.deepEqual(written.runs, section.runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that keeps a line without a maximum fails the oversized-line run on memory', async () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'oneline_unbounded.js');
  const section = await runRobustness({
    protocols: ['oneline'],
    seed: 7,
    sizes: { ...FIXED_SIZES, oversizeBytes: 256 << 20 },
    loads: ['oversized-line'],
    server: () => ({ args: [fixture], ports: 1 }),
  });
  assert.deepEqual(section.runs.map((run) => run.load), ['oversized-line']);
  const oversized = section.runs[0];
  assert.equal(oversized.verdict, 'FAIL');
  assert.ok((oversized.growthMiB ?? 0) >= GROWTH_LIMIT_MIB, `grew ${oversized.growthMiB} MiB`);
  assert.match(oversized.note, /resident memory grew by/);
  assert.equal(section.verdict, 'FAIL');
});
