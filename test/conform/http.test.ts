/**
 * The http suite against servers no one here wrote: Python's own http.server and Debian's
 * nginx are witnesses, each run once with its verdict on every requirement pinned (the
 * README's "Witnesses" table, where every verdict but PASS is explained); the same
 * http.server broken one way at a time must get exactly the verdicts its break earns.
 * The reference server's CLI passes the full profile.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { assertVerdicts, ROOT, runCli, type VerdictTable } from './run-cli';

const PYTHON_SERVER = 'python3 -m http.server --bind 127.0.0.1 {port} --directory {root}';
/** Debian's nginx-light with its stock configuration, only the root and the port set (test/fixtures/nginx_stock.py). */
const NGINX_SERVER = `python3 ${path.join(ROOT, 'test', 'fixtures', 'nginx_stock.py')} --port {port} --root {root}`;
const broken = (name?: string) =>
  ['python3', path.join(ROOT, 'test', 'fixtures', 'http_broken.py'), '--port', '{port}', '--directory', '{root}', ...(name ? ['--break', name] : [])].join(' ');

const ALL_PASS = (ids: string[]): VerdictTable => Object.fromEntries(ids.map((id) => [id, 'PASS']));
const CORE = [
  '001', '002', '003', '004', '005', '006', '007', '008', '009', '010', '011', '012', '013', '014', '015', '016', '017', '018',
  '032', '033', '034', '035', '036', '037', '038', '039',
].map((n) => `SRS-HTTP-${n}`);

/** python3 -m http.server (Python 3.11), profile core, as observed. */
const PYTHON_VERDICTS: VerdictTable = {
  ...ALL_PASS(CORE),
  'SRS-HTTP-009': 'NON-STRICT', // drops the connection on %00 (ValueError in the handler)
  'SRS-HTTP-012': 'NON-STRICT', // answers a request line it cannot read as HTTP/0.9: no status line
  'SRS-HTTP-032': 'NON-STRICT', // drops the connection on an escaped surrogate (UnicodeEncodeError)
  'SRS-HTTP-018': 'INFO', // clamps /../hello.txt to /hello.txt
};

/** nginx 1.22 (Debian 12's nginx-light), stock configuration, profile core, as observed. */
const NGINX_VERDICTS: VerdictTable = {
  ...ALL_PASS(CORE),
  'SRS-HTTP-034': 'FAIL', // 405 without the Allow header RFC 9110 §15.5.6 requires
  'SRS-HTTP-018': 'INFO', // refuses /../hello.txt with 400
};

// Each run is a CLI process of its own on ports of its own: a few at once keep the file short.
describe('http conformance', { concurrency: 4 }, () => {
  test('python3 -m http.server, a witness: every verdict as pinned, every core MUST passed', async () => {
    const run = await runCli(['conform', '--protocol', 'http', '--spawn', PYTHON_SERVER]);
    assertVerdicts(run, PYTHON_VERDICTS);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const r of run.report!.requirements) assert.ok(r.cases.length > 0, `${r.id} has no case`);
  });

  test('nginx (Debian nginx-light, stock configuration), a witness: every verdict as pinned', async () => {
    const installed = spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']).status === 0;
    assert.ok(installed, 'nginx is not installed: apt-get install nginx-light (.ci/run does)');
    const run = await runCli(['conform', '--protocol', 'http', '--spawn', NGINX_SERVER]);
    assertVerdicts(run, NGINX_VERDICTS);
    assert.equal(run.code, 1, run.stdout + run.stderr);
  });

  test('the reference server run by `wireproof serve http` passes the full profile', async () => {
    const run = await runCli(['conform', '--protocol', 'http', '--profile', 'full', '--spawn', `node ${path.join(ROOT, 'bin', 'wireproof.js')} serve http --port {port} --root {root}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const r of run.report!.requirements) assert.ok(['PASS', 'INFO'].includes(r.verdict), `${r.id} ${r.verdict}`);
  });

  /**
   * Each break with the requirements it is run against and the verdicts it must get there:
   * a FAIL exits 1, anything else 0. The rulings RFC 9110/9112 set are shown from both
   * sides: a way the RFC allows (PASS, or NON-STRICT for a SHOULD) and a way it forbids.
   */
  const BREAKS: [string, VerdictTable][] = [
    ['dotdot', { 'SRS-HTTP-006': 'FAIL' }],
    ['absolute', { 'SRS-HTTP-007': 'FAIL' }],
    ['nul', { 'SRS-HTTP-008': 'FAIL' }],
    ['post-200', { 'SRS-HTTP-010': 'FAIL' }],
    ['content-length', { 'SRS-HTTP-001': 'FAIL' }],
    ['options-200', { 'SRS-HTTP-033': 'PASS', 'SRS-HTTP-035': 'PASS', 'SRS-HTTP-036': 'PASS' }],
    ['options-allow-post', { 'SRS-HTTP-035': 'FAIL', 'SRS-HTTP-036': 'PASS' }],
    ['connect-400', { 'SRS-HTTP-010': 'PASS', 'SRS-HTTP-033': 'PASS' }],
    ['connect-200', { 'SRS-HTTP-010': 'FAIL' }],
    ['405-no-allow', { 'SRS-HTTP-033': 'PASS', 'SRS-HTTP-034': 'FAIL' }],
    ['autocorrect-space', { 'SRS-HTTP-011': 'FAIL' }],
    ['autocorrect-version', { 'SRS-HTTP-011': 'PASS', 'SRS-HTTP-037': 'NON-STRICT' }],
    ['no-content-length', { 'SRS-HTTP-001': 'PASS', 'SRS-HTTP-002': 'PASS', 'SRS-HTTP-038': 'NON-STRICT' }],
  ];

  for (const [name, verdicts] of BREAKS) {
    const shown = Object.entries(verdicts).map(([id, v]) => `${id} ${v}`).join(', ');
    test(`http.server broken by "${name}": ${shown}`, async () => {
      const run = await runCli(['conform', '--protocol', 'http', '--spawn', broken(name), ...Object.keys(verdicts).flatMap((id) => ['--req', id])]);
      assertVerdicts(run, verdicts);
      assert.equal(run.code, Object.values(verdicts).includes('FAIL') ? 1 : 0, run.stdout + run.stderr);
    });
  }

  test('a traversal that reaches the canary fails with the canary named, and its property shrinks to a replayable path', async () => {
    const run = await runCli(['conform', '--protocol', 'http', '--spawn', broken('dotdot'), '--case', 'http live: dot segments*', '--seed', '7']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const failed = run.report!.requirements.flatMap((r) => r.cases).find((c) => c.kind === 'property' && c.verdict === 'FAIL');
    assert.ok(failed?.counterexample && failed.replay && failed.trace?.some((e) => e.dir === 'TX'), JSON.stringify(failed));
    assert.match(failed.message ?? '', /canary|etc\/passwd/);
    assert.match(failed.replay, /--seed 7\b/);
  });

  test('without {root} the suite does not own the root: its root-only cases are UNSUPPORTED, not failed', async () => {
    const fixtureRoot = path.join(ROOT, 'features', 'http', 'root');
    const run = await runCli(['conform', '--protocol', 'http', '--spawn', PYTHON_SERVER.replace('{root}', fixtureRoot), '--req', 'SRS-HTTP-001']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [requirement] = run.report!.requirements;
    assert.equal(requirement.verdict, 'UNSUPPORTED');
    const large = requirement.cases.find((c) => c.verdict === 'UNSUPPORTED');
    assert.match(large?.message ?? '', /--spawn with \{root\}/);
    assert.ok(requirement.cases.filter((c) => c.verdict === 'PASS').length >= 7);
  });
});
