/**
 * compare.html: one self-contained page (report.html's style, script and policy) with a
 * column per run and a row per requirement, the differences from the first run first. A
 * cell that does not pass opens to its cases and messages; in a row that changed, to their
 * wire traces too.
 */
import { SUMMARY_COUNTS, describeReportExit, distinct, failuresFirst, formatDuration, isFailure } from './present';
import { html, page, traceTable, verdictBadge, type SafeHtml } from './html';
import { compareExitCode, type Change, type Comparison, type ComparisonRow } from './compare';
import type { RequirementResult } from './types';
import { counted } from '../conform/bytes-text';

const TRACE_LIMITS = { maxTraceRows: 40, maxChunkBytes: 64 };

function runsTable(comparison: Comparison): SafeHtml {
  return html`<table>
<thead><tr><th>Run</th><th>Target</th><th>Report</th><th>Started</th><th>Duration</th><th>Exit</th>${SUMMARY_COUNTS.map(({ verdict }) => html`<th>${verdictBadge(verdict)}</th>`)}</tr></thead>
<tbody>
${comparison.runs.map((run, index) => html`<tr><td>${run.label}${index === 0 && html` <span class="sub">(first)</span>`}</td><td class="mono">${run.report.target}</td><td class="mono">${run.source}</td><td>${run.report.started}</td><td class="num">${formatDuration(run.report.durationMs)}</td><td>${describeReportExit(run.report)}${run.report.error && html`<div class="sub">${run.report.error.kind}: ${run.report.error.message}</div>`}</td>${SUMMARY_COUNTS.map(({ key }) => html`<td class="num">${run.report.summary[key]}</td>`)}</tr>
`)}</tbody>
</table>`;
}

function filters(comparison: Comparison): SafeHtml {
  const protocols = distinct(comparison.rows.map((row) => row.protocol));
  return html`<form id="filters" role="search">
<label>Verdict in any run <select name="verdict"><option value="">all</option>${SUMMARY_COUNTS.map(({ verdict }) => html`<option value="${verdict}">${verdict}</option>`)}</select></label>
<label>Protocol <select name="protocol"><option value="">all</option>${protocols.map((p) => html`<option value="${p}">${p}</option>`)}</select></label>
<label>Change <select name="change"><option value="">all</option><option value="regression">regressions (${comparison.regressions})</option><option value="fix">fixes (${comparison.fixes})</option><option value="changed">other changes</option><option value="same">unchanged</option></select></label>
<label>Search <input type="search" name="search" placeholder="id or text"></label>
<button type="reset">Clear</button>
<span id="shown" class="note"></span>
</form>`;
}

function differenceList(comparison: Comparison, change: Change, title: string): SafeHtml | false {
  const rows = comparison.rows.filter((row) => row.changes.includes(change));
  return rows.length > 0 && html`<h3>${title} (${rows.length})</h3>
<ul>${rows.map((row) => html`<li><a href="#cmp-${row.id}">${row.id}</a> ${row.text}: ${row.changes.map((c, index) => c === change && html` <span class="sub">${comparison.runs[index].label}</span> ${verdictBadge(row.results[0]!.verdict)} → ${verdictBadge(row.results[index]!.verdict)}`)}</li>`)}</ul>`;
}

/** A cell that does not pass: its cases that did not pass, with messages (and traces where the row changed). */
function cellDetails(result: RequirementResult, withTraces: boolean): SafeHtml | false {
  const cases = failuresFirst(result.cases).filter((c) => c.verdict !== 'PASS');
  if (cases.length === 0 && result.verdict !== 'UNTRACED') return false;
  return html`<details class="cell-cases"><summary>${cases.length === 0 ? 'no case' : counted(cases.length, 'case')}</summary>
${cases.length === 0 && html`<p class="note">no selected case verifies this requirement</p>`}
${cases.map((c) => html`<div class="cell-case">${verdictBadge(c.verdict)} ${c.name}${c.message !== undefined && html`<pre class="message">${c.message}</pre>`}${withTraces && isFailure(c.verdict) && c.trace !== undefined && c.trace.length > 0 && traceTable(c.trace, TRACE_LIMITS)}</div>`)}
</details>`;
}

function cell(row: ComparisonRow, index: number): SafeHtml {
  const result = row.results[index];
  if (!result) return html`<td class="note">not selected</td>`;
  const change = row.changes[index];
  return html`<td class="${change ? `chg chg-${change}` : ''}">${verdictBadge(result.verdict)}${change && html` <span class="b b-${change}">${change}</span>`}${result.verdict !== 'PASS' && cellDetails(result, row.change !== undefined)}</td>`;
}

function rowBody(row: ComparisonRow, runs: number): SafeHtml {
  const verdicts = distinct(row.results.flatMap((r) => (r ? [r.verdict] : [])));
  return html`<tbody data-filterable="requirements" data-verdict="${verdicts.join(' ')}" data-protocol="${row.protocol}" data-change="${row.change ?? 'same'}" data-search="${`${row.id} ${row.text}`.toLowerCase()}">
<tr><td id="cmp-${row.id}" class="mono">${row.id}<div class="sub">${row.protocol}</div></td><td>${row.level}</td>${Array.from({ length: runs }, (_, index) => cell(row, index))}<td><span class="req-text">${row.text}</span></td></tr>
</tbody>
`;
}

export function renderCompareHtml(comparison: Comparison): string {
  const { runs, regressions, fixes } = comparison;
  const exit = compareExitCode(comparison);
  return page(`wireproof comparison: ${runs.map((r) => r.label).join(' · ')}`, html`<header>
<h1>wireproof comparison</h1>
<p class="exit exit-${exit}">${counted(regressions, 'regression')} and ${counted(fixes, 'fix', 'fixes')} on the first run (${runs[0].label}); exit ${exit}</p>
${runsTable(comparison)}
</header>
<main>
${filters(comparison)}
<section id="differences">
<h2>Differences from the first run</h2>
${regressions + fixes === 0 && html`<p>No regression and no fix.</p>`}
${differenceList(comparison, 'regression', 'Regressions')}
${differenceList(comparison, 'fix', 'Fixes')}
</section>
<section id="matrix">
<h2>Requirements × runs</h2>
<table class="matrix compare">
<thead><tr><th>Requirement</th><th>Level</th>${runs.map((run) => html`<th>${run.label}</th>`)}<th>Text</th></tr></thead>
${comparison.rows.map((row) => rowBody(row, runs.length))}
</table>
</section>
</main>`);
}
