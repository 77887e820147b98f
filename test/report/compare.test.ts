/**
 * wireproof compare: regressions and fixes against the first run, the order of the rows,
 * the labels, the two pages, and report.md / compare.md within GitHub's job summary limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { changeOf, compareReports, runLabels, type ComparedRun } from '../../src/report/compare';
import { renderCompareHtml } from '../../src/report/compare-html';
import { renderCompareMarkdown } from '../../src/report/compare-markdown';
import { renderMarkdown, SUMMARY_LIMIT_BYTES } from '../../src/report/markdown';
import { renderJson } from '../../src/report/json';
import { main } from '../../src/cli/main';
import type { Report, RequirementResult, RequirementVerdict } from '../../src/report/types';
import { laterReport, sampleReport } from './sample';

const result = (verdict: RequirementVerdict, level: RequirementResult['level'] = 'must'): RequirementResult =>
  ({ id: 'SRS-X-001', protocol: 'x', level, scope: 'core', text: '', source: '', verdict, cases: [] });

test('a regression is a later failure worse than the first run; a fix, a failure that is gone', () => {
  assert.equal(changeOf(result('PASS'), result('FAIL')), 'regression');
  assert.equal(changeOf(result('INFO'), result('ERROR')), 'regression');
  assert.equal(changeOf(result('ERROR'), result('FAIL')), 'regression');
  assert.equal(changeOf(result('PASS'), result('UNTRACED')), 'regression', 'a MUST no case verifies any more');
  assert.equal(changeOf(result('PASS', 'should'), result('NON-STRICT', 'should')), 'regression');
  assert.equal(changeOf(result('FAIL'), result('PASS')), 'fix');
  assert.equal(changeOf(result('ERROR'), result('INFO')), 'fix');
  assert.equal(changeOf(result('FAIL'), result('ERROR')), 'changed', 'still failing, but could not run');
  assert.equal(changeOf(result('PASS'), result('INFO')), 'changed');
  assert.equal(changeOf(result('PASS', 'should'), result('UNTRACED', 'should')), 'changed');
  assert.equal(changeOf(result('FAIL'), result('FAIL')), undefined);
  assert.equal(changeOf(undefined, result('FAIL')), undefined, 'not selected in the first run: nothing to compare');
});

function comparison(...reports: Report[]) {
  const runs: ComparedRun[] = reports.map((report, i) => ({ report, source: `run${i}.json`, label: `run ${i}` }));
  return compareReports(runs);
}

test('rows: regressions first, then fixes, other changes, then the rest failures first', () => {
  const third = laterReport();
  third.requirements[7].verdict = 'FAIL'; // SRS-RPC-001: ERROR → FAIL, a regression in the third run only
  third.requirements[6] = { ...third.requirements[6], verdict: 'PASS' }; // SRS-LENMSG-003: UNTRACED should → PASS
  const c = comparison(sampleReport(), laterReport(), third);
  assert.equal(c.regressions, 2);
  assert.equal(c.fixes, 1);
  assert.deepEqual(c.rows.map((row) => `${row.id} ${row.change ?? ''}`.trim()), [
    'SRS-ONELINE-001 regression', 'SRS-RPC-001 regression', 'SRS-ONELINE-002 fix', 'SRS-LENMSG-003 changed',
    'SRS-LENMSG-002', 'SRS-ONELINE-003', 'SRS-ONELINE-004', 'SRS-LENMSG-001', 'SRS-RPC-002',
  ]);
  assert.deepEqual(c.rows[1].changes, [undefined, undefined, 'regression']);
});

test('labels: --label in order, then the target; a repeated one names its file', () => {
  const reports = [sampleReport(), sampleReport(), laterReport()].map((report, i) => ({ report, source: `r${i}.json` }));
  assert.deepEqual(runLabels(reports, []), ['embedded', 'embedded (r1.json)', 'spawn: ./server-v2 {port}']);
  assert.deepEqual(runLabels(reports, ['v1', 'v2']), ['v1', 'v2', 'spawn: ./server-v2 {port}']);
});

test('compare.md: the differences first, a coloured verdict per run, the changed cells in bold', () => {
  const md = renderCompareMarkdown(comparison(sampleReport(), laterReport()));
  const at = (text: string) => {
    const index = md.indexOf(text);
    assert.ok(index >= 0, `${text}\n${md}`);
    return index;
  };
  assert.ok(md.startsWith('## wireproof comparison: 2 runs, 1 regression and 1 fix on the first run\n'));
  assert.ok(at('### Regressions on the first run (1)') < at('### Fixes (1)'));
  assert.ok(at('### Fixes (1)') < at('<details><summary>All requirements (9)</summary>'));
  at('| SRS-ONELINE-001 | must | 🟩 PASS | 🟥 **FAIL** | A packet is the bytes before LF |');
  at('| SRS-ONELINE-002 | must | 🟥 FAIL | 🟩 **PASS** | Replies use a \\| b &lt;b&gt;bold&lt;/b&gt; syntax<br>across two lines |');
  at('| run 0 (first) | embedded | run0.json |');
  assert.ok(renderCompareMarkdown(comparison(sampleReport(), sampleReport())).includes('No regression and no fix on the first run.'));
});

test('compare.html: one self-contained page, differences first, every server text escaped', () => {
  const page = renderCompareHtml(comparison(sampleReport(), laterReport()));
  assert.doesNotMatch(page, /https?:\/\/|\bsrc\s*=|url\(/i);
  assert.equal(page.match(/<script/g)?.length, 1);
  assert.ok(page.indexOf('id="differences"') < page.indexOf('id="matrix"'));
  const order = [...page.matchAll(/<td id="cmp-(SRS-[A-Z]+-\d+)"/g)].map((m) => m[1]);
  assert.deepEqual(order.slice(0, 2), ['SRS-ONELINE-001', 'SRS-ONELINE-002']);
  assert.match(page, /<td class="chg chg-regression"><span class="v v-FAIL">FAIL<\/span> <span class="b b-regression">regression<\/span><details class="cell-cases">/);
  assert.ok(page.includes('&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;'), 'a hostile message stays text');
  assert.match(page, /<p class="exit exit-1">1 regression and 1 fix on the first run \(run 0\); exit 1<\/p>/);
});

/** A run as big as a protocol suite can grow: most requirements pass, some fail with long messages. */
function bigReport(requirements: number, failing: number): Report {
  const report = sampleReport();
  const template = report.requirements[1];
  report.requirements = Array.from({ length: requirements }, (_, i): RequirementResult => {
    const fails = i % Math.floor(requirements / failing) === 0;
    const verdict = fails ? 'FAIL' : 'PASS';
    return {
      ...template, id: `SRS-BIG-${String(i).padStart(4, '0')}`, verdict, text: `requirement ${i} `.repeat(20),
      cases: Array.from({ length: 3 }, (__, j) => ({ name: `case ${j} of ${i}`, kind: 'scenario', verdict, durationMs: 1, message: fails ? 'x'.repeat(5000) : undefined, trace: template.cases[1].trace })),
    };
  });
  return report;
}

test('report.md and compare.md stay within GitHub\'s 1 MiB job summary: passing rows go, failures never', () => {
  const report = bigReport(6000, 300);
  const md = renderMarkdown(report);
  assert.ok(Buffer.byteLength(md) <= SUMMARY_LIMIT_BYTES, `${Buffer.byteLength(md)} bytes`);
  const failingIds = report.requirements.filter((r) => r.verdict === 'FAIL').map((r) => r.id);
  for (const id of failingIds) assert.ok(md.includes(`| ${id} | oneline | must | FAIL |`), id);
  const omitted = /(\d+) passing rows left out/.exec(md);
  assert.ok(omitted && Number(omitted[1]) > 0 && Number(omitted[1]) < 5700, omitted?.[0]);
  assert.ok(md.includes('... 1000 more characters (report.json has all of it)'), 'a long message is cut, its failure kept');
  const small = renderMarkdown(sampleReport());
  assert.ok(!small.includes('left out'));

  const later = bigReport(6000, 300);
  later.requirements[1].verdict = 'FAIL';
  const cmp = renderCompareMarkdown(comparison(report, later, later));
  assert.ok(Buffer.byteLength(cmp) <= SUMMARY_LIMIT_BYTES, `${Buffer.byteLength(cmp)} bytes`);
  assert.ok(cmp.includes('| SRS-BIG-0001 | oneline | must | 🟩 PASS | 🟥 **FAIL** | 🟥 **FAIL** |'));
  for (const id of failingIds) assert.ok(cmp.includes(`| ${id} | oneline | must | 🟥 FAIL |`), id);
  assert.match(cmp, /\d+ unchanged passing rows left out/);
});

test('wireproof compare: pages in --out, exit 1 on a regression, 0 on a fix, 3 on a file that is not a report', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-compare-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.mock.method(console, 'log', () => undefined);
  const errors: string[] = [];
  t.mock.method(console, 'error', (line: string) => errors.push(line));
  const first = path.join(dir, 'first.json');
  const later = path.join(dir, 'later.json');
  fs.writeFileSync(first, renderJson(sampleReport()));
  fs.writeFileSync(later, renderJson(laterReport()));
  const out = path.join(dir, 'out');
  assert.equal(await main(['compare', first, later, '--label', 'v1', '--label', 'v2', '--out', out]), 1);
  assert.deepEqual(fs.readdirSync(out).sort(), ['compare.html', 'compare.md']);
  assert.match(fs.readFileSync(path.join(out, 'compare.md'), 'utf8'), /\| SRS-ONELINE-001 \| must \| 🟩 PASS \| 🟥 \*\*FAIL\*\* \|/);
  assert.equal(await main(['compare', later, first, '--out', out]), 1, 'the sample fails SRS-ONELINE-001 where the later run passed it');
  const fixedOnly = laterReport();
  fixedOnly.requirements[0] = sampleReport().requirements[0];
  fs.writeFileSync(later, renderJson(fixedOnly));
  assert.equal(await main(['compare', first, later, '--out', out]), 0, 'a fix alone passes');
  const notReport = path.join(dir, 'known.json');
  fs.writeFileSync(notReport, JSON.stringify({ knownFailures: [] }));
  assert.equal(await main(['compare', first, notReport]), 3);
  assert.match(errors.join('\n'), new RegExp(`${notReport.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a wireproof report.json: report.json does not match schema 1`));
  assert.equal(await main(['compare', first, path.join(dir, 'missing.json')]), 3);
  assert.match(errors.join('\n'), /cannot read .*missing\.json: ENOENT/);
  assert.equal(await main(['compare', first]), 3);
  assert.equal(await main(['compare', first, later, '--label', 'a', '--label', 'b', '--label', 'c']), 3);
});
