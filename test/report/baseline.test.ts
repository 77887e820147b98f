/**
 * --baseline and the run's error in the report: the marks (new / known / fixed), the exit
 * codes they give, and how every format shows them. The CLI runs are in test/conform/gate.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidBaselineError, loadBaseline, type Baseline } from '../../src/report/baseline';
import { buildReport, errorReport, type ReportPart } from '../../src/report/build';
import { renderJson, reportSchemaErrors } from '../../src/report/json';
import { renderJunit } from '../../src/report/junit';
import { renderMarkdown } from '../../src/report/markdown';
import { renderHtml } from '../../src/report/html';
import { UsageError } from '../../src/conform/errors';
import type { Report } from '../../src/report/types';
import { sampleReport } from './sample';
import { validate } from './junit-schema';

const IDS = new Set(sampleReport().requirements.map((r) => r.id));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-baseline-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
}

const list = (...entries: [string, string][]): Baseline => ({ source: 'known.json', known: new Map(entries) });
const started = new Date('2025-05-01T12:00:00Z');

/** sampleReport's requirements as one part per protocol, built again with `baseline`. */
function rebuilt(baseline: Baseline | undefined, strict = false, change?: (parts: ReportPart[]) => void): Report {
  const sample = sampleReport();
  const parts = [...new Set(sample.requirements.map((r) => r.protocol))].map((protocol): ReportPart => ({
    protocol, target: 'embedded', requirements: sample.requirements.filter((r) => r.protocol === protocol),
  }));
  change?.(parts);
  return buildReport(parts, { seed: 1, started, strict: false, ...(baseline ? { baseline: { baseline, strict } } : {}) });
}

const marks = (report: Report) => Object.fromEntries(report.requirements.filter((r) => r.baseline).map((r) => [r.id, r.baseline!.status]));

test('a list of known failures is read with its reasons', () => {
  const baseline = loadBaseline(file('ok.json', { knownFailures: [{ id: 'SRS-ONELINE-002', reason: 'answers PONG (#12)' }] }), IDS);
  assert.deepEqual([...baseline.known], [['SRS-ONELINE-002', 'answers PONG (#12)']]);
});

test('a malformed baseline is a usage error that says what is wrong and what is expected', () => {
  const cases: [unknown, RegExp][] = [
    ['{', /not JSON/],
    [[{ id: 'SRS-ONELINE-002', reason: 'x' }], /knownFailures.*\n\/: must be object/],
    [{ knownFailures: [{ id: 'SRS-ONELINE-002' }] }, /\/knownFailures\/0: must have required property 'reason'/],
    [{ knownFailures: [{ id: 'SRS-ONELINE-002', reason: '' }] }, /\/knownFailures\/0\/reason: must NOT have fewer than 1 characters/],
    [{ knownFailures: [{ id: 'oneline-2', reason: 'x' }] }, /\/knownFailures\/0\/id: must match pattern/],
    [{ knownFailures: [{ id: 'SRS-ONELINE-999', reason: 'x' }] }, /SRS-ONELINE-999 is not a requirement of srs.json/],
    [{ knownFailures: [{ id: 'SRS-ONELINE-002', reason: 'x' }, { id: 'SRS-ONELINE-002', reason: 'y' }] }, /listed twice/],
    [{ schema: 1, requirements: [] }, /does not match schema 1/],
  ];
  cases.forEach(([content, message], i) => {
    assert.throws(() => loadBaseline(file(`bad-${i}.json`, content), IDS), (err: Error) => {
      assert.ok(err instanceof InvalidBaselineError && err instanceof UsageError, String(err));
      assert.match(err.message, message);
      assert.ok(err.message.startsWith(`--baseline ${path.join(dir, `bad-${i}.json`)}: `), err.message);
      return true;
    });
  });
  assert.throws(() => loadBaseline(path.join(dir, 'missing.json'), IDS), /cannot read it: ENOENT/);
});

test('a report.json baseline: its broken requirements are known, with the reason they were known by', () => {
  const earlier = rebuilt(list(['SRS-ONELINE-002', 'answers PONG (#12)']));
  const baseline = loadBaseline(file('report.json', renderJson(earlier)), IDS);
  assert.deepEqual([...baseline.known.keys()], ['SRS-ONELINE-002', 'SRS-ONELINE-003', 'SRS-ONELINE-004', 'SRS-LENMSG-002']);
  assert.equal(baseline.known.get('SRS-ONELINE-002'), 'answers PONG (#12)');
  assert.equal(baseline.known.get('SRS-LENMSG-002'), 'FAIL in the baseline run of 2025-05-01T12:00:00.000Z');
  assert.equal(baseline.known.has('SRS-RPC-001'), false, 'an ERROR is not a known failure');
  assert.equal(baseline.warning, undefined);
  const failed = errorReport('embedded', { seed: 1, started, strict: false }, { exit: 2, kind: 'unreachable', message: 'refused' });
  assert.match(loadBaseline(file('error.json', renderJson(failed)), IDS).warning ?? '', /ended in exit 2 \(unreachable\)/);
});

test('marks: broken and listed is known, broken and not listed is new, listed and passing is fixed', () => {
  const report = rebuilt(list(['SRS-ONELINE-002', 'PONG'], ['SRS-ONELINE-001', 'was broken'], ['SRS-RPC-001', 'flaky'], ['SRS-LENMSG-003', 'slow']));
  assert.deepEqual(marks(report), {
    'SRS-ONELINE-001': 'fixed', // PASS now
    'SRS-ONELINE-002': 'known', // FAIL, listed
    'SRS-ONELINE-003': 'new', // NON-STRICT, not listed
    'SRS-ONELINE-004': 'new', // an untraced MUST, not listed
    'SRS-LENMSG-002': 'new', // FAIL, not listed
    // SRS-RPC-001 is ERROR: neither failing nor fixed. SRS-LENMSG-003 is an untraced SHOULD: not judged.
  });
  assert.equal(report.requirements.find((r) => r.id === 'SRS-ONELINE-002')?.baseline?.reason, 'PONG');
  assert.deepEqual(report.baseline, { source: 'known.json', strict: false, new: 3, known: 1, fixed: 1 });
  assert.deepEqual(reportSchemaErrors(JSON.parse(renderJson(report))), []);
});

test('exit codes: known failures do not fail the run, new ones do, fixed ones only with --baseline-strict, ERROR is never excused', () => {
  const onlyOneline = (parts: ReportPart[]) => parts.splice(1);
  const allKnown = list(['SRS-ONELINE-002', 'a'], ['SRS-ONELINE-004', 'b']);
  assert.equal(rebuilt(undefined, false, onlyOneline).exitCode, 1);
  assert.equal(rebuilt(allKnown, false, onlyOneline).exitCode, 0, 'FAIL and untraced MUST known; NON-STRICT does not fail without --strict');
  assert.equal(rebuilt(list(['SRS-ONELINE-002', 'a']), false, onlyOneline).exitCode, 1, 'SRS-ONELINE-004 is new');
  const withFixed = list(['SRS-ONELINE-002', 'a'], ['SRS-ONELINE-004', 'b'], ['SRS-ONELINE-001', 'c']);
  assert.equal(rebuilt(withFixed, false, onlyOneline).exitCode, 0);
  assert.equal(rebuilt(withFixed, true, onlyOneline).exitCode, 1, '--baseline-strict: fixed fails until the baseline is updated');
  const rpc = (parts: ReportPart[]) => parts.splice(0, 2);
  assert.equal(rebuilt(list(['SRS-RPC-001', 'flaky']), false, rpc).exitCode, 2, 'ERROR stays exit 2');
});

test('the run error: unreachable and died parts, cases that could not run, and their exit codes', () => {
  const unreachable = rebuilt(undefined, false, (parts) => { parts.splice(1); parts[0].unreachable = 'connect ECONNREFUSED'; });
  assert.deepEqual(unreachable.error, { exit: 2, kind: 'unreachable', message: 'target unreachable: connect ECONNREFUSED' });
  assert.equal(unreachable.exitCode, 2, 'an unreachable target proves nothing: its FAILs and untraced MUSTs do not make exit 1');
  const died = rebuilt(undefined, false, (parts) => { parts[2].died = 'the spawned server exited (code 1)'; });
  assert.deepEqual(died.error, { exit: 2, kind: 'target-died', message: 'rpc: the spawned server exited (code 1)' });
  assert.equal(died.exitCode, 1, 'a broken MUST outranks it');
  const errored = rebuilt(undefined, false, (parts) => parts.splice(0, 2));
  assert.equal(errored.exitCode, 2);
  assert.equal(errored.error?.kind, 'case-errors');
  assert.match(errored.error?.message ?? '', /^1 case could not run \(ERROR\); the first, "handshake "\]\]> & <x>": connect ECONNREFUSED/);
  assert.equal(rebuilt(undefined, false, (parts) => parts.splice(1, 2)).error, undefined, 'no error where every case ran');
});

test('an error report: no requirement, the error in every format, and a schema-valid JUnit <error>', () => {
  const report = errorReport('spawn: ./server {port}', { seed: 7, started, strict: false }, { exit: 3, kind: 'usage', message: 'empty selection: <none> & "more"' });
  assert.equal(report.exitCode, 3);
  assert.equal(report.target, 'spawn: ./server {port}');
  assert.deepEqual(report.requirements, []);
  assert.deepEqual(reportSchemaErrors(JSON.parse(renderJson(report))), []);
  const xml = renderJunit(report);
  const { ok, output } = validate(xml);
  assert.ok(ok, output);
  assert.match(xml, /<testsuite name="wireproof" id="0" tests="1" failures="0" errors="1" skipped="0"/);
  assert.match(xml, /<testcase name="run" classname="wireproof" time="0.000"><error message="empty selection: &lt;none&gt; &amp; &quot;more&quot;" type="usage">usage \(exit 3\): /);
  const md = renderMarkdown(report);
  assert.match(md, /^## wireproof verification report \(exit 3: usage error\)/);
  assert.ok(md.includes('### The run ended in an error: usage (exit 3)\n\n```\nempty selection: <none> & "more"\n```'), md);
  assert.ok(md.includes('No case ran.'));
  const page = renderHtml(report);
  assert.ok(page.includes('<h2>The run ended in an error: usage (exit 3)</h2>\n<pre class="message">empty selection: &lt;none&gt; &amp; &quot;more&quot;</pre>'));
});

test('JUnit: a known failure is skipped with its reason, a new one says so, a fixed one is a FIXED failure only with --baseline-strict', () => {
  const baseline = list(['SRS-ONELINE-002', 'answers PONG (#12)'], ['SRS-ONELINE-004', 'not built'], ['SRS-ONELINE-001', 'was broken']);
  for (const strict of [false, true]) {
    const xml = renderJunit(rebuilt(baseline, strict));
    const { ok, output } = validate(xml);
    assert.ok(ok, output);
    assert.match(xml, /<testcase name="hostile reply is reported" classname="SRS-ONELINE-002" time="0.009"><skipped message="known failure: answers PONG \(#12\) \(FAIL: expected &quot;ok&quot;/);
    assert.match(xml, /classname="SRS-ONELINE-004" time="0.000"><skipped message="known failure: not built \(UNTRACED: /);
    assert.match(xml, /classname="SRS-LENMSG-002" time="0.812"><failure message="new failure \(not in the baseline\): Property failed after 7 tests" type="FAIL">/);
    const fixed = /<testcase name="\(baseline: fixed\)" classname="SRS-ONELINE-001" time="0.000">(<[a-z-]+)/.exec(xml)?.[1];
    assert.equal(fixed, strict ? '<failure' : '<system-out');
    const oneline = /<testsuite name="oneline" id="\d" tests="6" failures="(\d)" errors="0" skipped="(\d)"/.exec(xml);
    assert.deepEqual(oneline?.slice(1), [strict ? '1' : '0', '2'], 'known failures are skipped, not failures');
  }
});

test('HTML and Markdown mark every requirement new, known or fixed, with the reasons', () => {
  const report = rebuilt(list(['SRS-ONELINE-002', 'answers PONG (#12)'], ['SRS-ONELINE-001', 'was <broken>']));
  const page = renderHtml(report);
  assert.ok(page.includes('<h2>Baseline: 3 new, 1 known, 1 fixed</h2>'));
  assert.match(page, /<span class="v v-PASS">PASS<\/span> <span class="b b-fixed" title="fixed: in the baseline, passes now: was &lt;broken&gt;">fixed<\/span>/);
  assert.match(page, /<option value="known">known \(1\)<\/option>/);
  assert.match(page, /<tbody data-filterable="requirements" data-verdict="FAIL PASS" data-protocol="oneline" data-level="must" data-baseline="known"/);
  const failureOrder = [...page.matchAll(/<article class="failure[^>]*data-search="(srs-[a-z]+-\d+)/g)].map((m) => m[1]);
  assert.deepEqual(failureOrder, ['srs-lenmsg-002', 'srs-rpc-001', 'srs-oneline-003', 'srs-oneline-002'], 'known failures after the others');
  const md = renderMarkdown(report);
  assert.ok(md.includes('### Baseline: 3 new, 1 known, 1 fixed'));
  assert.ok(md.includes('**Fixed: remove from the baseline (1)**\n\n- PASS SRS-ONELINE-001 A packet is the bytes before LF (was &lt;broken&gt;)'));
  assert.ok(md.includes('#### FAIL SRS-ONELINE-002 (known) · hostile reply is reported'));
  assert.ok(md.includes('| Requirement | Protocol | Level | Verdict | Baseline | Cases | Text |'));
  assert.ok(md.includes('| SRS-ONELINE-001 | oneline | must | PASS | fixed | 1 |'));
  const passing = rebuilt(list(['SRS-LENMSG-002', 'x']), false, (parts) => parts.splice(0, 1));
  assert.ok(renderMarkdown(passing).startsWith('## wireproof verification report (exit 2'), 'rpc ERROR remains');
  const knownOnly = rebuilt(list(['SRS-LENMSG-002', 'x']), false, (parts) => { parts.splice(0, 1); parts.splice(1, 1); });
  assert.ok(renderMarkdown(knownOnly).startsWith('## wireproof verification report (exit 0: no new failure (1 known from the baseline))'));
});
