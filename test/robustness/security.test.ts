import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/conform/srs';
import type { CaseResult, RequirementResult } from '../../src/report/types';
import { scanForEvaluation } from '../../src/robustness/scan';
import { ATTEMPT_FAMILIES, checkBindAddresses, MINIMUM_VARIANTS, summarizeAttempts } from '../../src/robustness/security';

function withTree(files: Record<string, string>, check: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'wireproof-scan-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the scan finds a planted eval, Function constructor, vm import and pickle.loads, with file:line', () => {
  withTree({
    'src/handler.ts': "// a comment may say eval(x)\nconst m = /x/.exec(input);\nconst value = eval(received);\n",
    'src/deep/maker.js': "/* new Function( in a block\n comment */\nconst f = new Function('return ' + body);\nconst vm = require('node:vm');\n",
    'src/load.py': "# exec(x) in a comment\nimport pickle\nobj = pickle.loads(data)\nre.compile('x')\n",
  }, (dir) => {
    const scan = scanForEvaluation([path.join(dir, 'src')], dir);
    assert.equal(scan.files, 3);
    assert.deepEqual(scan.findings.map((f) => `${f.file}:${f.line} ${f.pattern}`), [
      'src/deep/maker.js:3 Function constructor',
      'src/deep/maker.js:4 vm module',
      'src/handler.ts:3 eval',
      'src/load.py:3 pickle/marshal load',
    ]);
    assert.ok(scan.findings.every((f) => f.explained === undefined));
    assert.equal(scan.verdict, 'FAIL');
  });
});

test('the project sources pass the scan: only the cobra tracer runs code, and it is explained', () => {
  const scan = scanForEvaluation([path.join(PROJECT_ROOT, 'src'), path.join(PROJECT_ROOT, 'bin')], PROJECT_ROOT);
  assert.equal(scan.verdict, 'PASS');
  assert.ok(scan.files > 50);
  const tracer = scan.findings.filter((f) => f.file === 'src/impl/cobra/tracer.py').map((f) => f.pattern).sort();
  assert.deepEqual(tracer, ['compile', 'exec'], 'the tracer is listed, not hidden');
  assert.ok(scan.findings.every((f) => f.explained));
});

const scenario = (name: string, verdict: CaseResult['verdict'] = 'PASS'): CaseResult => ({ name, kind: 'scenario', verdict, durationMs: 1 });
const requirement = (id: string, cases: CaseResult[]): RequirementResult =>
  ({ id, protocol: 'rpc', level: 'must', scope: 'core', text: '', source: '', verdict: 'PASS', cases });
const rpcExposure = ATTEMPT_FAMILIES.find((f) => f.name === 'rpc exposure')!;

test('attempts are counted from the report: variants, refusals, the minimum, and what got through', () => {
  const names = Array.from({ length: MINIMUM_VARIANTS }, (_, i) => `exposure: calling "n${i}" is refused`);
  const passing = summarizeAttempts(rpcExposure, [requirement('SRS-RPC-017', [...names.map((n) => scenario(n)), { ...scenario('live property'), kind: 'property' }])]);
  assert.equal(passing.variants, MINIMUM_VARIANTS);
  assert.equal(passing.refused, MINIMUM_VARIANTS);
  assert.deepEqual(passing.properties, [{ name: 'live property', verdict: 'PASS' }]);
  assert.deepEqual(passing.byRequirement, [{ id: 'SRS-RPC-017', variants: MINIMUM_VARIANTS, refused: MINIMUM_VARIANTS }]);
  assert.equal(passing.verdict, 'PASS');

  const oneThrough = summarizeAttempts(rpcExposure, [requirement('SRS-RPC-017', names.map((n, i) => scenario(n, i === 3 ? 'FAIL' : 'PASS')))]);
  assert.equal(oneThrough.refused, MINIMUM_VARIANTS - 1);
  assert.deepEqual(oneThrough.notRefused, [`${names[3]} (FAIL)`]);
  assert.equal(oneThrough.verdict, 'FAIL');

  const tooFew = summarizeAttempts(rpcExposure, [requirement('SRS-RPC-017', names.slice(1).map((n) => scenario(n)))]);
  assert.equal(tooFew.verdict, 'FAIL', `fewer than ${MINIMUM_VARIANTS} variants`);

  assert.equal(summarizeAttempts(rpcExposure, []).verdict, 'NOT RUN');
});

test('a positive control (a link that stays inside the root) is not counted as an attempt', () => {
  const jail = ATTEMPT_FAMILIES.find((f) => f.name === 'cobra root jail')!;
  const summary = summarizeAttempts(jail, [requirement('SRS-COBRA-005', [scenario('jail: the symlink x leads outside the root: refused'), scenario('jail: a symlink that stays inside the root is followed')])]);
  assert.equal(summary.variants, 1);
});

test('the reference oneline and cobra servers listen on 127.0.0.1 only', async () => {
  const checks = await checkBindAddresses(['oneline', 'cobra']);
  for (const check of checks) {
    assert.equal(check.defaultHost, '127.0.0.1');
    assert.equal(check.verdict, 'PASS', check.note);
    assert.ok(check.listening.every((address) => /^127\.0\.0\.1:\d+$/.test(address)));
  }
  assert.equal(checks.find((c) => c.protocol === 'cobra')!.listening.length, 2, 'file and control port');
});
