/**
 * The rpc suite against servers it has never seen: Debian's real Pyro4 name server and
 * daemon are a witness, in Pyro4's default configuration (serpent and json, no maximum
 * message size) with every verdict pinned (it fails SRS-RPC-007 alone), and with
 * MAX_MESSAGE_SIZE set, as the suite's echo_server.py sets it, passing 007; the reference
 * server broken in one way at a time (test/fixtures/rpc_broken.ts) must exit 1 with the
 * broken requirement FAIL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertVerdicts, ROOT, runCli, verdictOf, type VerdictTable } from './run-cli';
import { ECHO_SERVER, ensurePyro4, SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';
import { ATTEMPT_FAMILIES, MINIMUM_VARIANTS, summarizeAttempts } from '../../src/robustness/security';

const PYRO4_SERVER = `${SYSTEM_PYTHON} ${ECHO_SERVER} --ns-port {port}`;
/** The same test object with Pyro4's configuration as shipped (MAX_MESSAGE_SIZE 0: no maximum). */
const PYRO4_DEFAULTS = `${PYRO4_SERVER} --pyro4-defaults`;

/** Debian 12's Pyro4 4.82 in its default configuration, profile core, as observed (README, "Witnesses"). */
const PYRO4_VERDICTS: VerdictTable = {
  ...Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`SRS-RPC-${String(i + 1).padStart(3, '0')}`, 'PASS'])),
  ...Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`SRS-RPC-${String(i + 60).padStart(3, '0')}`, 'PASS'])),
  'SRS-RPC-007': 'FAIL', // no maximum message size: an announced 2 GiB body is waited for
};
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
  test('Debian\'s Pyro4 in its default configuration, a witness: every verdict as pinned', async () => {
    ensurePyro4();
    const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', PYRO4_DEFAULTS]);
    assertVerdicts(run, PYRO4_VERDICTS);
    const { report } = run;
    assert.ok(report!.requirements.every((r) => r.scope === 'core'), 'profile core against a spawned server');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    // The security section's exposure count, from this run: every attempt in both serializers, and the hostile serpent bodies.
    const exposure = summarizeAttempts(ATTEMPT_FAMILIES.find((f) => f.name === 'rpc exposure')!, report!.requirements);
    const count = (pattern: RegExp) => exposure.variantNames.filter((name) => pattern.test(name)).length;
    assert.equal(count(/\(json\)$/), count(/\(serpent\)$/), 'each unexposed-name attempt in both serializers');
    assert.ok(count(/\(serpent\)$/) >= MINIMUM_VARIANTS, `${count(/\(serpent\)$/)} attempts in serpent`);
    assert.ok(count(/^serpent: a serpent body with /) >= 10, `${count(/^serpent: a serpent body with /)} hostile serpent bodies`);
    assert.equal(exposure.verdict, 'PASS', exposure.notRefused.join('; '));
  });

  test('Debian\'s Pyro4 with MAX_MESSAGE_SIZE set (echo_server.py: 4 MiB) passes SRS-RPC-007', async () => {
    ensurePyro4();
    const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', PYRO4_SERVER, '--req', 'SRS-RPC-007']);
    assertVerdicts(run, { 'SRS-RPC-007': 'PASS' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  for (const [variant, id] of BREAKS) {
    test(`the reference server broken by "${variant}" exits 1 with ${id} FAIL`, async () => {
      const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', broken(variant), '--req', id, '--runs', '5', '--timeout-scale', '0.5']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, id), 'FAIL', run.stdout);
    });
  }
});
