/**
 * The rpc suite against servers it has never seen: Debian's real Pyro4 name server and
 * daemon must pass the core profile, in serpent and json; the reference server broken in one way at a time
 * (test/fixtures/rpc_broken.ts) must exit 1 with the broken requirement FAIL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, runCli, verdictOf } from './run-cli';
import { ECHO_SERVER, ensurePyro4, SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';
import { ATTEMPT_FAMILIES, MINIMUM_VARIANTS, summarizeAttempts } from '../../src/robustness/security';

const PYRO4_SERVER = `${SYSTEM_PYTHON} ${ECHO_SERVER} --ns-port {port}`;
const broken = (variant: string) =>
  `TS_NODE_TRANSPILE_ONLY=true ${process.execPath} -r ts-node/register ${path.join(ROOT, 'test/fixtures/rpc_broken.ts')} --port {port} --break ${variant}`;

const BREAKS: [string, string][] = [
  ['exposes-hidden', 'SRS-RPC-017'],
  ['proto-pollutes', 'SRS-RPC-021'],
  ['waits-for-oversize', 'SRS-RPC-007'],
  ['lookup-returns-none', 'SRS-RPC-026'],
  ['ignores-checksum', 'SRS-RPC-006'],
  ['replies-to-oneway', 'SRS-RPC-015'],
  ['wrong-seq', 'SRS-RPC-014'],
  ['no-traceback', 'SRS-RPC-016'],
  ['kills-all-on-error', 'SRS-RPC-009'],
  ['serves-before-connect', 'SRS-RPC-010'],
  ['refuses-serpent', 'SRS-RPC-060'],
  ['answers-serpent-in-json', 'SRS-RPC-061'],
  ['sets-as-lists', 'SRS-RPC-062'],
  ['runs-unreadable-serpent', 'SRS-RPC-063'],
];

// Each run spends most of its time starting processes and waiting out a close that never
// comes: three at a time; the broken ones with shorter waits and few property runs (their
// scenarios decide the verdict).
describe('rpc conformance of servers the suite has never seen', { concurrency: 3 }, () => {
  test('Debian\'s Pyro4 name server and daemon pass the rpc core profile', async () => {
    ensurePyro4();
    const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', PYRO4_SERVER]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const { report } = run;
    assert.ok(report && report.requirements.length >= 30, `${report?.requirements.length} requirements`);
    assert.ok(report.requirements.every((r) => r.scope === 'core'), 'profile core against a spawned server');
    for (const r of report.requirements) assert.equal(r.verdict, 'PASS', `${r.id}: ${r.cases.find((c) => c.verdict !== 'PASS')?.message}`);
    // The security section's exposure count, from this run: every attempt in both serializers, and the hostile serpent bodies.
    const exposure = summarizeAttempts(ATTEMPT_FAMILIES.find((f) => f.name === 'rpc exposure')!, report.requirements);
    const count = (pattern: RegExp) => exposure.variantNames.filter((name) => pattern.test(name)).length;
    assert.equal(count(/\(json\)$/), count(/\(serpent\)$/), 'each unexposed-name attempt in both serializers');
    assert.ok(count(/\(serpent\)$/) >= MINIMUM_VARIANTS, `${count(/\(serpent\)$/)} attempts in serpent`);
    assert.ok(count(/^serpent: a serpent body with /) >= 10, `${count(/^serpent: a serpent body with /)} hostile serpent bodies`);
    assert.equal(exposure.verdict, 'PASS', exposure.notRefused.join('; '));
  });

  for (const [variant, id] of BREAKS) {
    test(`the reference server broken by "${variant}" exits 1 with ${id} FAIL`, async () => {
      const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', broken(variant), '--req', id, '--runs', '5', '--timeout-scale', '0.5']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, id), 'FAIL', run.stdout);
    });
  }
});
