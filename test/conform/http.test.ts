/**
 * The http suite against servers no one here wrote: Python's own http.server (it must
 * pass the core profile), and the same server broken one way at a time (each must exit 1
 * with the broken requirement FAIL). The reference server's CLI passes the full profile.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, runCli, verdictOf } from './run-cli';

const PYTHON_SERVER = 'python3 -m http.server --bind 127.0.0.1 {port} --directory {root}';
const broken = (name?: string) =>
  ['python3', path.join(ROOT, 'test', 'fixtures', 'http_broken.py'), '--port', '{port}', '--directory', '{root}', ...(name ? ['--break', name] : [])].join(' ');

/** What Python's http.server genuinely does differently from the SHOULDs (see srs.json notes). */
const PYTHON_SHOULDS = {
  'SRS-HTTP-009': 'NON-STRICT', // drops the connection on %00 (ValueError in the handler)
  'SRS-HTTP-012': 'NON-STRICT', // answers a request line it cannot read as HTTP/0.9: no status line
  'SRS-HTTP-032': 'NON-STRICT', // drops the connection on an escaped surrogate (UnicodeEncodeError)
  'SRS-HTTP-018': 'INFO', // clamps /../hello.txt to /hello.txt
};

// Each run is a CLI process of its own on ports of its own: a few at once keep the file short.
describe('http conformance', { concurrency: 4 }, () => {
  test('python3 -m http.server passes every core MUST', async () => {
    const run = await runCli(['conform', '--protocol', 'http', '--spawn', PYTHON_SERVER]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = run.report!;
    assert.ok(report.requirements.length >= 19, `${report.requirements.length} requirements`);
    for (const r of report.requirements) {
      const expected = PYTHON_SHOULDS[r.id as keyof typeof PYTHON_SHOULDS] ?? 'PASS';
      assert.equal(r.verdict, expected, `${r.id}: ${r.cases.filter((c) => c.verdict !== 'PASS').map((c) => c.message).join('; ')}`);
      assert.ok(r.cases.length > 0, `${r.id} has no case`);
    }
  });

  test('the reference server run by `wireproof serve http` passes the full profile', async () => {
    const run = await runCli(['conform', '--protocol', 'http', '--profile', 'full', '--spawn', `node ${path.join(ROOT, 'bin', 'wireproof.js')} serve http --port {port} --root {root}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const r of run.report!.requirements) assert.ok(['PASS', 'INFO'].includes(r.verdict), `${r.id} ${r.verdict}`);
  });

  const BREAKS: [string, string][] = [
    ['dotdot', 'SRS-HTTP-006'],
    ['absolute', 'SRS-HTTP-007'],
    ['nul', 'SRS-HTTP-008'],
    ['post-200', 'SRS-HTTP-010'],
    ['content-length', 'SRS-HTTP-001'],
  ];

  for (const [name, id] of BREAKS) {
    test(`http.server broken by "${name}" exits 1 with ${id} FAIL`, async () => {
      const run = await runCli(['conform', '--protocol', 'http', '--spawn', broken(name), '--req', id]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, id), 'FAIL');
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
