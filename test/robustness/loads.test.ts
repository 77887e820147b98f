/**
 * The load profile's loads and counts per protocol, and the proof that the memory check
 * can fail: an oneline server without a line maximum. (`npm run ver` runs every load
 * against every reference server and exits 1 when one fails.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PROTOCOL_NAMES, protocolPlugin } from '../../src/conform/protocols';
import { loadRequirementIds } from '../../src/conform/load';
import { loadSrs } from '../../src/conform/srs';
import type { Load } from '../../src/robustness/loads';
import { FIXED_SIZES, loadsFor, scaledSizes } from '../../src/robustness/profiles';
import { GROWTH_LIMIT_MIB, runRobustness } from '../../src/robustness/run';

const loadsOf = (protocol: string) => loadsFor(protocolPlugin(protocol), FIXED_SIZES);
const count = (protocol: string, name: string) => (loadsOf(protocol).find((l) => l.name === name) as Load | undefined)?.count;

test('every protocol gets the volume and many-clients loads and its hostile loads, at the counts of issues 7 and 12', () => {
  for (const protocol of PROTOCOL_NAMES) {
    assert.equal(count(protocol, 'volume'), 10_000, `${protocol}: 10,000 messages on one connection`);
    assert.equal(count(protocol, 'many-clients'), 1000, `${protocol}: 1,000 clients`);
    assert.equal(count(protocol, 'malformed'), 10_000, `${protocol}: 10,000 malformed inputs`);
  }
  assert.equal(count('oneline', 'oversized-line'), 1 << 30, '1 GiB without a LF into oneline');
  for (const protocol of ['channel', 'lenmsg', 'rpc']) assert.ok((count(protocol, 'length-claims') ?? 0) > 0, `${protocol}: length claims`);
  for (const protocol of ['channel', 'lenmsg', 'rpc', 'http', 'cobra']) assert.equal(count(protocol, 'slowloris'), 1000);
  for (const protocol of ['oneline', 'echo']) assert.ok(loadsOf(protocol).some((l) => l.name === 'slowloris' && 'reason' in l), `${protocol}: one client at a time`);
  const scaled = scaledSizes(0.1);
  assert.deepEqual([scaled.volumeMessages, scaled.clients, scaled.messagesPerClient, scaled.clientsAtOnce], [1000, 100, 100, 300]);
});

test('srs.json holds exactly the load requirements each protocol\'s loads verify', () => {
  const srs = loadSrs();
  for (const protocol of PROTOCOL_NAMES) {
    const inSrs = srs.filter((r) => r.protocol === protocol && /-09[3-9]$/.test(r.id)).map((r) => r.id);
    assert.deepEqual(loadRequirementIds(protocolPlugin(protocol)), inSrs, protocol);
    assert.ok(srs.filter((r) => inSrs.includes(r.id)).every((r) => r.scope === 'core' && r.level === 'must'), protocol);
  }
});

test('a server that keeps a line without a maximum fails the oversized-line run on memory', async () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'oneline_unbounded.js');
  const section = await runRobustness({
    protocols: ['oneline'],
    seed: 7,
    sizes: { ...FIXED_SIZES, oversizeBytes: 256 << 20 },
    only: ['oversized-line'],
    server: () => ({ args: [fixture], ports: 1 }),
  });
  assert.deepEqual(section.runs.map((run) => run.load), ['oversized-line']);
  const oversized = section.runs[0];
  assert.equal(oversized.verdict, 'FAIL');
  assert.ok((oversized.growthMiB ?? 0) >= GROWTH_LIMIT_MIB, `grew ${oversized.growthMiB} MiB`);
  assert.match(oversized.note, /resident memory grew by/);
  assert.equal(section.verdict, 'FAIL');
});
