/**
 * The CI gate end to end (issue 13): a run that cannot reach its target still writes every
 * report, saying why; --baseline against an independent server broken in one way; and
 * compare on the reports those runs wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonServer, runCli, verdictOf, type CliRun } from './run-cli';
import { validate } from '../report/junit-schema';
import { main } from '../../src/cli/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-gate-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** SRS-ONELINE-008 (ping → pong) and SRS-ONELINE-002 (a CR is an ordinary byte), each broken by one fixture break. */
const REQS = ['--req', 'SRS-ONELINE-002', '--req', 'SRS-ONELINE-008'];
const broken = (rule: 'case' | 'cr') => ['conform', '--protocol', 'oneline', '--spawn', pythonServer('oneline_server.py', '--break', rule), ...REQS];

function knownFailures(name: string, entries: [string, string][]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ knownFailures: entries.map(([id, reason]) => ({ id, reason })) }, null, 2));
  return file;
}

function assertValidJunit(run: CliRun): string {
  const xml = run.files['junit.xml'];
  assert.ok(xml, `no junit.xml: ${Object.keys(run.files).join(', ')}`);
  const { ok, output } = validate(xml);
  assert.ok(ok, output);
  return xml;
}

const statuses = (run: CliRun) => Object.fromEntries((run.report?.requirements ?? []).map((r) => [r.id, r.baseline?.status]));

test('a spawned server that exits at once: exit 2, and every report says so, each selected case ERROR', async () => {
  const [run, badBaseline] = await Promise.all([
    runCli(['conform', '--protocol', 'oneline', '--spawn', 'echo "cannot bind"; exit 7']),
    runCli(['conform', '--protocol', 'oneline', '--baseline', knownFailures('typo.json', [['SRS-ONELINE-800', 'typo']]), '--format', 'json,junit']),
  ]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const report = run.report!;
  assert.deepEqual(report.error && { ...report.error, message: '' }, { exit: 2, kind: 'unreachable', message: '' });
  assert.match(report.error!.message, /the spawned server exited \(code 7\); its last output: cannot bind/);
  assert.ok(report.requirements.length > 15);
  assert.equal(report.summary.error, report.requirements.length);
  for (const c of report.requirements.flatMap((r) => r.cases)) assert.match(c.message ?? '', /^not run: the target is unreachable: the spawned server exited/);
  const xml = assertValidJunit(run);
  assert.match(xml, /<testcase name="run" classname="wireproof" time="0.000"><error message="target unreachable: the spawned server exited \(code 7\)[^"]*" type="unreachable">/);
  assert.equal(xml.match(/<testcase /g)?.length, xml.match(/<error /g)?.length, 'every testcase an <error>');
  assert.match(run.files['report.md'], /### The run ended in an error: unreachable \(exit 2\)\n\n```\ntarget unreachable: the spawned server exited \(code 7\)/);
  assert.match(run.files['report.html'], /<h2>The run ended in an error: unreachable \(exit 2\)<\/h2>/);

  assert.equal(badBaseline.code, 3, badBaseline.stderr);
  assert.match(badBaseline.stderr, /--baseline .*typo\.json: SRS-ONELINE-800 is not a requirement of srs\.json/);
  assert.deepEqual(Object.keys(badBaseline.files).sort(), ['junit.xml', 'report.json'], '--format is kept');
  assert.equal(badBaseline.report?.error?.kind, 'invalid-baseline');
  assert.match(assertValidJunit(badBaseline), /type="invalid-baseline"/);
});

let knownRun: Promise<CliRun> | undefined;
/** The server answers PONG (SRS-ONELINE-008 broken); the baseline knows that, and lists SRS-ONELINE-002 too. */
function runWithKnownFailures(): Promise<CliRun> {
  knownRun ??= runCli([...broken('case'), '--baseline', knownFailures('known.json', [['SRS-ONELINE-008', 'answers PONG (#12)'], ['SRS-ONELINE-002', 'strips CR (#9)']])]);
  return knownRun;
}

test('--baseline: a known failure does not fail the run, a listed requirement that passes is fixed', async () => {
  const [run, strict] = await Promise.all([
    runWithKnownFailures(),
    runCli([...broken('cr'), '--baseline', knownFailures('strict.json', [['SRS-ONELINE-002', 'strips CR (#9)'], ['SRS-ONELINE-008', 'answers PONG (#12)']]), '--baseline-strict']),
  ]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(verdictOf(run.report, 'SRS-ONELINE-008'), 'FAIL');
  assert.deepEqual(statuses(run), { 'SRS-ONELINE-002': 'fixed', 'SRS-ONELINE-008': 'known' });
  assert.deepEqual(run.report?.baseline, { source: path.join(dir, 'known.json'), strict: false, new: 0, known: 1, fixed: 1 });
  assert.match(run.stdout, /^FIXED {7}SRS-ONELINE-002 \(must\) passes now: remove it from the baseline \(strips CR \(#9\)\)$/m);
  const xml = assertValidJunit(run);
  assert.match(xml, /classname="SRS-ONELINE-008" time="[\d.]+"><skipped message="known failure: answers PONG \(#12\) \(FAIL: /);
  assert.doesNotMatch(xml, /<failure /, 'a CI system sees no failure');
  assert.match(run.files['report.md'], /^## wireproof verification report \(exit 0: no new failure \(1 known from the baseline\)\)/);

  // The same break known, the other requirement fixed, and --baseline-strict: fails until the baseline is updated.
  assert.equal(strict.code, 1, strict.stdout + strict.stderr);
  assert.deepEqual(statuses(strict), { 'SRS-ONELINE-002': 'known', 'SRS-ONELINE-008': 'fixed' });
  assert.match(assertValidJunit(strict), /<testcase name="\(baseline: fixed\)" classname="SRS-ONELINE-008" time="0.000"><failure message="fixed: [^"]*" type="FIXED">/);
});

test('--baseline with an earlier report.json: a new failure fails the run, and compare shows the regression and the fix', async () => {
  const earlier = await runWithKnownFailures();
  const earlierFile = path.join(dir, 'earlier.json');
  fs.writeFileSync(earlierFile, earlier.files['report.json']);
  const run = await runCli([...broken('cr'), '--baseline', earlierFile]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual(statuses(run), { 'SRS-ONELINE-002': 'new', 'SRS-ONELINE-008': 'fixed' });
  assert.equal(run.report?.requirements.find((r) => r.id === 'SRS-ONELINE-008')?.baseline?.reason, 'answers PONG (#12)', 'the reason carries over');
  assert.match(assertValidJunit(run), /classname="SRS-ONELINE-002" time="[\d.]+"><failure message="new failure \(not in the baseline\): /);

  const laterFile = path.join(dir, 'later.json');
  fs.writeFileSync(laterFile, run.files['report.json']);
  const out = path.join(dir, 'compare');
  const log: string[] = [];
  const original = console.log;
  console.log = (line: string) => log.push(line);
  try {
    assert.equal(await main(['compare', earlierFile, laterFile, '--label', 'pong-broken', '--label', 'cr-broken', '--out', out]), 1);
  } finally {
    console.log = original;
  }
  assert.deepEqual(log.filter((line) => /^(REGRESSION|FIX)/.test(line)), [
    'REGRESSION SRS-ONELINE-002 (must): pong-broken PASS -> cr-broken FAIL',
    'FIX        SRS-ONELINE-008 (must): pong-broken FAIL -> cr-broken PASS',
  ]);
  const md = fs.readFileSync(path.join(out, 'compare.md'), 'utf8');
  assert.ok(md.indexOf('### Regressions on the first run (1)') < md.indexOf('### Fixes (1)'), md);
  assert.match(fs.readFileSync(path.join(out, 'compare.html'), 'utf8'), /<th>pong-broken<\/th><th>cr-broken<\/th>/);
});
