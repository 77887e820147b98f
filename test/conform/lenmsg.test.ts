/**
 * The suite against lenmsg centrals it has never seen: an independent central in Python,
 * conforming, and broken in one way at a time. Each broken one must exit 1 with the
 * broken requirement FAIL; the conforming one must pass the core profile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonServer, runCli, verdictOf } from './run-cli';

const central = (broken?: string) => pythonServer('lenmsg_server.py', ...(broken ? ['--break', broken] : []));

test('an independent conforming lenmsg central passes the core profile, its shutdown included', async () => {
  const run = await runCli(['conform', '--protocol', 'lenmsg', '--spawn', central()]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const { report } = run;
  assert.ok(report && report.requirements.length >= 20, `${report?.requirements.length} requirements`);
  for (const r of report.requirements) assert.ok(['PASS', 'INFO'].includes(r.verdict), `${r.id} ${r.verdict}`);
  assert.ok(report.requirements.every((r) => r.cases.length > 0), 'every selected requirement has cases');
  assert.equal(verdictOf(report, 'SRS-LENMSG-019'), 'PASS', 'the stopped central sent shutdown (SIGTERM to a fresh spawn)');
  const kinds = new Set(report.requirements.flatMap((r) => r.cases.map((c) => c.kind)));
  assert.deepEqual([...kinds].sort(), ['property', 'scenario']);
});

/**
 * Each break with the requirement it breaks and the scenario written to catch it. The run
 * is `--req` the requirement, narrowed with `--case` to that scenario: a broken central
 * makes every case of the requirement wait out its timeouts, which is minutes for ten.
 */
const BREAKS: [broken: string, id: string, scenario: string][] = [
  ['little-endian', 'SRS-LENMSG-001', 'framing: a body of 256 bytes*'],
  ['partial-on-close', 'SRS-LENMSG-002', 'framing: a connection that closes mid-frame*'],
  ['partial-on-close', 'SRS-LENMSG-002', 'lenmsg live: a connection that ends mid-frame*'],
  ['no-limit', 'SRS-LENMSG-005', 'limits: a header announcing 16777217 bytes*'],
  ['no-heartbeat', 'SRS-LENMSG-014', 'heartbeat: *'],
  ['slow-heartbeat', 'SRS-LENMSG-014', 'heartbeat: *'],
  ['no-connect-back', 'SRS-LENMSG-011', 'remotes: hello makes the central connect back*'],
  ['garbage-tolerated', 'SRS-LENMSG-008', 'limits: a body that is not JSON (NaN)*'],
  ['junk-skipped', 'SRS-LENMSG-007', 'limits: a body that is not UTF-8 (UTF-16 surrogate)*'],
  ['reorder', 'SRS-LENMSG-010', 'framing: frames merged into one write*'],
  ['one-at-a-time', 'SRS-LENMSG-010', 'remotes: three remotes*'],
];

for (const [broken, id, scenario] of BREAKS) {
  test(`a central that breaks "${broken}" exits 1 with ${id} FAIL (${scenario})`, async () => {
    const run = await runCli(['conform', '--protocol', 'lenmsg', '--spawn', central(broken), '--req', id, '--case', scenario]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(verdictOf(run.report, id), 'FAIL');
    const cases = run.report!.requirements.flatMap((r) => r.cases);
    assert.ok(cases.length > 0 && cases.every((c) => c.verdict === 'FAIL'), JSON.stringify(cases.map((c) => [c.name, c.verdict])));
  });
}
