/**
 * report.html: one self-contained page (inline CSS and script, nothing fetched) with the
 * run header, the failures first with their wire traces, and the filterable traceability
 * matrix. Every interpolated value goes through the `html` template, which escapes it:
 * a server under test controls the bytes in traces and messages.
 */
import { createHash } from 'node:crypto';
import {
  SUMMARY_COUNTS, baselineGroups, baselineNote, describeReportExit, distinct, failingCases, failuresFirst, formatDuration,
  formatPercent, runErrorTitle, showHiddenCharacters, traceRows, untracedMusts, withDefaults, type FailingCase,
} from './present';
import { loadSectionHtml } from './load-section';
import { sourceParts } from './sources';
import type { BaselineStatus, BaselineSummary, CaseResult, Report, RequirementResult, RunError, SecuritySection, TraceEvent } from './types';

export interface HtmlOptions {
  /** Trace events shown per failing case; the rest are counted in a note. */
  maxTraceRows?: number;
  /** Bytes shown per chunk; the rest are counted in the row. */
  maxChunkBytes?: number;
}

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly markup: string) {}
}

type Fragment = SafeHtml | string | number | undefined | false | readonly Fragment[];

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return showHiddenCharacters(text).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

function fragmentMarkup(fragment: Fragment): string {
  if (fragment instanceof SafeHtml) return fragment.markup;
  if (Array.isArray(fragment)) return fragment.map(fragmentMarkup).join('');
  if (fragment === undefined || fragment === false) return '';
  return escapeHtml(String(fragment));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, text, i) => out + fragmentMarkup(values[i - 1]) + text));
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; }
[hidden] { display: none !important; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 110rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 .4rem; } h4 { margin: .8rem 0 .3rem; font-size: .9rem; }
code, pre, .trace td, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: .5rem .7rem; white-space: pre-wrap; word-break: break-all; max-height: 24rem; overflow: auto; margin: 0; }
.sub, .note { color: var(--muted); font-size: 12px; }
.exit { font-weight: 600; margin: 0 0 .6rem; } .exit-0 { color: #1a7f37; } .exit-1, .exit-2, .exit-3 { color: #cf222e; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 .6rem; } .meta dt { color: var(--muted); } .meta dd { margin: 0; }
.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; margin: .4rem 0; }
.v { display: inline-block; border-radius: 4px; padding: 0 .45rem; font-weight: 600; font-size: 12px; white-space: nowrap; }
.v-PASS { background: #dafbe1; color: #116329; } .v-FAIL { background: #ffebe9; color: #a40e26; }
.v-NON-STRICT { background: #fff8c5; color: #7d4e00; } .v-ERROR { background: #fbefff; color: #6e40c9; }
.v-INFO { background: #ddf4ff; color: #0550ae; } .v-UNSUPPORTED { background: #eaeef2; color: #424a53; }
.v-UNTRACED { background: #fff1e5; color: #953800; }
.v-NA, .v-NOTRUN { background: #eaeef2; color: #424a53; }
.b { display: inline-block; border-radius: 4px; padding: 0 .4rem; margin-left: .3rem; font-size: 11px; border: 1px solid currentColor; white-space: nowrap; }
.b-new { color: #a40e26; } .b-known { color: #59636e; } .b-fixed { color: #116329; }
.run-error { border: 1px solid #cf222e; border-left-width: 6px; border-radius: 6px; padding: .6rem .9rem; margin: .8rem 0; background: #fff8f8; }
details.trace-box > summary { cursor: pointer; font-weight: 600; margin: .8rem 0 .3rem; font-size: .9rem; }
.b-regression { color: #a40e26; } .b-fix { color: #116329; } .b-changed { color: #59636e; }
.chg-regression { background: #fff0f0; } .chg-fix { background: #f0fff4; }
.cell-cases summary { cursor: pointer; color: var(--muted); font-size: 12px; } .cell-case { margin: .3rem 0; }
.counts .v { font-size: 13px; padding: .2rem .6rem; }
#filters { position: sticky; top: 0; background: #fff; padding: .5rem 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; z-index: 1; }
#filters input[type=search] { min-width: 18rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
.matrix tbody { border-top: 2px solid #afb8c1; }
.failure { border: 1px solid var(--line); border-left: 4px solid #cf222e; border-radius: 6px; padding: .7rem .9rem; margin: .8rem 0; }
.failure.f-NON-STRICT { border-left-color: #d4a72c; } .failure.f-ERROR { border-left-color: #8250df; }
.replay { display: flex; gap: .5rem; align-items: flex-start; } .replay pre { flex: 1; }
.trace td { word-break: break-all; } .trace .bytes { white-space: pre-wrap; } .req-text { white-space: pre-line; }
.trace .dir-TX td:nth-child(3) { color: #0550ae; } .trace .dir-RX td:nth-child(3) { color: #116329; } .trace .dir-EV { color: var(--muted); }
.trace .num { text-align: right; white-space: nowrap; }
.loads td { font-size: 12.5px; } .loads .num { text-align: right; } .chart { display: block; margin-top: .2rem; }
`;

/**
 * The filters of report.html and the compare page: a select keeps the items whose
 * data-NAME lists its value; the search box keeps those whose data-search holds its text.
 * data-filterable names what an item counts as ("requirements", "failing cases").
 */
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var shown = document.getElementById('shown');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-filterable]'));
  var fields = Array.prototype.slice.call(form.querySelectorAll('select[name], input[name]'));
  function matches(el, field) {
    var value = field.value.trim();
    if (!value) return true;
    var data = el.getAttribute('data-' + field.name) || '';
    if (field.type === 'search') return data.indexOf(value.toLowerCase()) >= 0;
    return (' ' + data + ' ').indexOf(' ' + value + ' ') >= 0;
  }
  function apply() {
    var labels = [], counts = [];
    items.forEach(function (el) {
      var visible = fields.every(function (field) { return matches(el, field); });
      el.hidden = !visible;
      var label = el.getAttribute('data-filterable'), i = labels.indexOf(label);
      if (i < 0) { labels.push(label); counts.push(0); i = labels.length - 1; }
      if (visible) counts[i]++;
    });
    shown.textContent = labels.map(function (label, i) { return counts[i] + ' ' + label; }).join(', ') + ' shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-copy]');
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Selected: press Ctrl+C';
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    }
    function selectAndCopy() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
      done(copied);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent).then(function () { done(true); }, selectAndCopy);
    } else {
      selectAndCopy();
    }
  });
  apply();
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Nothing may be fetched, and only this page's own style and script may run. */
const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}`;

/** A requirement's source, each RFC section it names a link to the section. */
function sourceMarkup(source: string): SafeHtml {
  return html`${sourceParts(source).map((part) => (part.href ? html`<a href="${part.href}">${part.text}</a>` : part.text))}`;
}

export function verdictBadge(verdict: string): SafeHtml {
  return html`<span class="v v-${verdict.replace(/[^A-Z-]/g, '')}">${verdict}</span>`;
}

/** What the text filter searches: ids, texts and case names, lower-cased. */
function searchText(requirement: RequirementResult, cases: readonly CaseResult[]): string {
  return [requirement.id, requirement.protocol, requirement.text, requirement.source, ...cases.map((c) => c.name)]
    .join(' ')
    .toLowerCase();
}

function filterAttributes(counted: string, requirement: RequirementResult, verdicts: string[], cases: readonly CaseResult[]): SafeHtml {
  return html`data-filterable="${counted}" data-verdict="${distinct(verdicts).join(' ')}" data-protocol="${requirement.protocol}" data-level="${requirement.level}" data-baseline="${requirement.baseline?.status ?? ''}" data-search="${searchText(requirement, cases)}"`;
}

function header(report: Report): SafeHtml {
  const coverage = report.coverage;
  return html`<header>
<h1>wireproof verification report</h1>
<p class="exit exit-${report.exitCode}">${describeReportExit(report)}</p>
<dl class="meta">
<dt>Target</dt><dd class="mono">${report.target}</dd>
<dt>Seed</dt><dd class="mono">${report.seed}</dd>
<dt>Suite</dt><dd>wireproof ${report.suite.version} <span class="mono">${report.suite.commit}</span></dd>
<dt>Started</dt><dd>${report.started}</dd>
<dt>Duration</dt><dd>${formatDuration(report.durationMs)}</dd>
<dt>Exit code</dt><dd>${report.exitCode}</dd>
${report.robustness && html`<dt>Load</dt><dd><a href="#robustness">${verdictBadge(report.robustness.verdict)}</a> ${report.robustness.runs.filter((r) => r.verdict !== 'N/A').length} loads</dd>`}
${report.security && html`<dt>Security</dt><dd><a href="#security">${verdictBadge(report.security.verdict)}</a></dd>`}
${coverage && html`<dt>Coverage</dt><dd>lines <b>${formatPercent(coverage.lines)}</b> · statements ${formatPercent(coverage.statements)} · functions ${formatPercent(coverage.functions)} · branches ${formatPercent(coverage.branches)} <span class="sub">(reference run)</span></dd>`}
</dl>
<ul class="counts" aria-label="Requirements by verdict">
${SUMMARY_COUNTS.map(({ key, verdict }) => html`<li><span class="v v-${verdict}">${verdict} ${report.summary[key]}</span></li>`)}
</ul>
</header>`;
}

function filters(report: Report): SafeHtml {
  const protocols = distinct(report.requirements.map((r) => r.protocol));
  return html`<form id="filters" role="search">
<label>Verdict <select name="verdict"><option value="">all</option>${SUMMARY_COUNTS.map(
    ({ key, verdict }) => html`<option value="${verdict}">${verdict} (${report.summary[key]})</option>`,
  )}</select></label>
<label>Protocol <select name="protocol"><option value="">all</option>${protocols.map(
    (p) => html`<option value="${p}">${p}</option>`,
  )}</select></label>
<label>Level <select name="level"><option value="">all</option><option value="must">must</option><option value="should">should</option><option value="may">may</option></select></label>
${report.baseline && baselineFilter(report.baseline)}
<label>Search <input type="search" name="search" placeholder="id, text or case name"></label>
<button type="reset">Clear</button>
<span id="shown" class="note"></span>
</form>`;
}

export function traceTable(trace: readonly TraceEvent[], options: Required<HtmlOptions>): SafeHtml {
  const { rows, rowsOmitted } = traceRows(trace, options.maxTraceRows, options.maxChunkBytes);
  return html`<details class="trace-box"><summary>Wire trace (${trace.length} events, one row per chunk read or written)</summary>
<table class="trace">
<thead><tr><th>t (ms)</th><th>conn</th><th>dir</th><th>bytes</th><th>hex</th><th>text</th></tr></thead>
<tbody>
${rows.map((row) => html`<tr class="dir-${row.dir}"><td class="num">${row.t}</td><td class="num">${row.conn}</td><td>${row.dir}</td><td class="num">${row.byteCount}</td><td>${row.hex}${row.bytesOmitted > 0 && html` <span class="note">… +${row.bytesOmitted} bytes</span>`}</td><td class="bytes">${row.byteCount === undefined ? row.note : row.text}${row.byteCount !== undefined && row.note !== undefined && html` <span class="note">(${row.note})</span>`}</td></tr>
`)}</tbody>
</table>
${rowsOmitted > 0 && html`<p class="note">First ${rows.length} of ${trace.length} events shown; the full trace is in report.json.</p>`}
</details>`;
}

function failureArticle({ requirement, testCase }: FailingCase, index: number, options: Required<HtmlOptions>): SafeHtml {
  const replayId = `replay-${index}`;
  return html`<article class="failure f-${testCase.verdict}" id="failure-${index}" ${filterAttributes('failing cases', requirement, [testCase.verdict], [testCase])}>
<h3>${verdictBadge(testCase.verdict)}${baselineBadge(requirement)} <a href="#req-${requirement.id}">${requirement.id}</a> · ${testCase.name}</h3>
<p><span class="req-text">${requirement.text}</span> <span class="sub">(${requirement.level}, ${requirement.protocol}, ${requirement.scope}; ${sourceMarkup(requirement.source)})</span></p>
<p class="sub">${testCase.kind}, ${formatDuration(testCase.durationMs)}</p>
${testCase.message !== undefined && html`<pre class="message">${testCase.message}</pre>`}
${testCase.counterexample !== undefined && html`<h4>Shrunk counterexample</h4><pre>${testCase.counterexample}</pre>`}
${testCase.replay !== undefined && html`<h4>Replay</h4><div class="replay"><pre id="${replayId}">${testCase.replay}</pre><button type="button" data-copy="${replayId}">Copy</button></div>`}
${testCase.trace !== undefined && testCase.trace.length > 0 && traceTable(testCase.trace, options)}
</article>`;
}

function failuresSection(report: Report, options: Required<HtmlOptions>): SafeHtml {
  const failures = failingCases(report);
  const untraced = untracedMusts(report);
  return html`<section id="failures">
<h2>Failures (${failures.length})</h2>
${failures.length === 0 && html`<p>${report.requirements.length === 0 ? 'No case ran.' : 'No case failed.'}</p>`}
${untraced.length > 0 && html`<p><span class="v v-UNTRACED">UNTRACED</span> must requirements no selected case verifies: ${untraced.map((r, i) => html`${i > 0 && ', '}<a href="#req-${r.id}">${r.id}</a>`)}</p>`}
${failures.map((failure, index) => failureArticle(failure, index, options))}
</section>`;
}

function matrixBody(requirement: RequirementResult, failureIndex: Map<CaseResult, number>): SafeHtml {
  const cases = failuresFirst(requirement.cases);
  const span = Math.max(1, cases.length);
  const requirementCells = html`<td rowspan="${span}" id="req-${requirement.id}" class="mono">${requirement.id}<div class="sub">${requirement.protocol} · ${requirement.scope}</div></td>
<td rowspan="${span}">${requirement.level}</td>
<td rowspan="${span}">${verdictBadge(requirement.verdict)}${baselineBadge(requirement)}</td>
<td rowspan="${span}"><span class="req-text">${requirement.text}</span><div class="sub">${sourceMarkup(requirement.source)}</div></td>`;
  const caseRows =
    cases.length === 0
      ? [html`<tr>${requirementCells}<td colspan="4" class="note">no selected case verifies this requirement</td></tr>`]
      : cases.map((testCase, i) => {
          const failure = failureIndex.get(testCase);
          return html`<tr>${i === 0 && requirementCells}<td>${testCase.name}${failure === undefined ? testCase.message !== undefined && html`<div class="sub">${testCase.message}</div>` : html` <a href="#failure-${failure}">details</a>`}</td><td>${testCase.kind}</td><td>${verdictBadge(testCase.verdict)}</td><td class="num">${formatDuration(testCase.durationMs)}</td></tr>`;
        });
  const verdicts = [requirement.verdict, ...requirement.cases.map((c) => c.verdict)];
  return html`<tbody ${filterAttributes('requirements', requirement, verdicts, requirement.cases)}>
${caseRows}
</tbody>
`;
}

function securitySection(section: SecuritySection): SafeHtml {
  const { bindAddresses, attempts, evaluation } = section;
  return html`<section id="security">
<h2>Security ${verdictBadge(section.verdict)}</h2>
<h3>Bind addresses</h3>
<p class="note">Each reference server started with its defaults (ephemeral ports); its listening sockets read from /proc.</p>
<table>
<thead><tr><th>Protocol</th><th>Default host</th><th>Listening</th><th>Verdict</th><th>Note</th></tr></thead>
<tbody>
${bindAddresses.map((check) => html`<tr><td>${check.protocol}</td><td class="mono">${check.defaultHost}</td><td class="mono">${check.listening.join(', ')}</td><td>${verdictBadge(check.verdict)}</td><td>${check.note}</td></tr>
`)}</tbody>
</table>
<h3>Hostile requests of the conformance run</h3>
<p class="note">Counted from the requirement results above, each variant a scenario case; at least ${attempts[0]?.minimumVariants ?? 0} per family, every one refused.</p>
<table>
<thead><tr><th>Family</th><th>Requirements (variants, refused)</th><th>Variants</th><th>Refused</th><th>Random variants (properties)</th><th>Verdict</th></tr></thead>
<tbody>
${attempts.map((attempt) => html`<tr><td>${attempt.name}${attempt.notRefused.length > 0 && html`<div class="sub">not refused: ${attempt.notRefused.join('; ')}</div>`}${attempt.variantNames.length > 0 && html`<details><summary class="sub">the ${attempt.variantNames.length} variants</summary><ul>${attempt.variantNames.map((name) => html`<li>${name}</li>`)}</ul></details>`}</td><td class="mono">${attempt.byRequirement.map((r, i) => html`${i > 0 && ', '}<a href="#req-${r.id}">${r.id}</a> (${r.variants}, ${r.refused})`)}</td><td class="num">${attempt.variants}</td><td class="num">${attempt.refused}</td><td>${attempt.properties.map((p) => html`<div>${verdictBadge(p.verdict)} ${p.name}</div>`)}</td><td>${verdictBadge(attempt.verdict)}</td></tr>
`)}</tbody>
</table>
<h3>Evaluation of received data ${verdictBadge(evaluation.verdict)}</h3>
<p class="note">${evaluation.files} source files scanned (comments aside) for: ${evaluation.patterns.join('; ')}.</p>
${evaluation.findings.length === 0 ? html`<p>No finding.</p>` : html`<table>
<thead><tr><th>Where</th><th>Pattern</th><th>Code</th><th>Explanation</th></tr></thead>
<tbody>
${evaluation.findings.map((finding) => html`<tr><td class="mono">${finding.file}:${finding.line}</td><td>${finding.pattern}</td><td class="mono">${finding.text}</td><td>${finding.explained ?? html`${verdictBadge('FAIL')} unexplained: received data may be evaluated here`}</td></tr>
`)}</tbody>
</table>`}
</section>`;
}

/** The run's own error (exit 2 or 3): what happened, before anything else. */
function runErrorSection(error: RunError, exitCode: number): SafeHtml {
  return html`<section id="run-error" class="run-error">
<h2>${runErrorTitle(error, exitCode)}</h2>
<pre class="message">${error.message}</pre>
</section>`;
}

const BASELINE_TITLES: Record<BaselineStatus, string> = { new: 'new failure: not in the baseline', known: 'known failure: in the baseline', fixed: 'fixed: in the baseline, passes now' };

function baselineBadge(requirement: RequirementResult): SafeHtml | undefined {
  const mark = requirement.baseline;
  return mark && html` <span class="b b-${mark.status}" title="${BASELINE_TITLES[mark.status]}${mark.reason ? `: ${mark.reason}` : ''}">${mark.status}</span>`;
}

function baselineFilter(summary: BaselineSummary): SafeHtml {
  return html`<label>Baseline <select name="baseline"><option value="">all</option>${(['new', 'known', 'fixed'] as const).map(
    (status) => html`<option value="${status}">${status} (${summary[status]})</option>`,
  )}</select></label>`;
}

/** --baseline: where the known failures came from, and each requirement marked new, fixed or known. */
function baselineSection(report: Report, summary: BaselineSummary): SafeHtml {
  return html`<section id="baseline">
<h2>Baseline: ${summary.new} new, ${summary.known} known, ${summary.fixed} fixed</h2>
<p class="note">${baselineNote(summary, html`<span class="mono">${summary.source}</span>`)}</p>
${baselineGroups(report).map(({ title, requirements }) => html`<h3>${title} (${requirements.length})</h3><ul>${requirements.map(
  (r) => html`<li>${verdictBadge(r.verdict)} <a href="#req-${r.id}">${r.id}</a> ${r.text}${r.baseline?.reason !== undefined && html` <span class="sub">(${r.baseline.reason})</span>`}</li>`,
)}</ul>
`)}</section>`;
}

function matrixSection(report: Report): SafeHtml {
  const failureIndex = new Map(failingCases(report).map(({ testCase }, index) => [testCase, index]));
  return html`<section id="matrix">
<h2>Traceability matrix: requirements → cases → verdicts</h2>
<table class="matrix">
<thead><tr><th>Requirement</th><th>Level</th><th>Verdict</th><th>Text</th><th>Case</th><th>Kind</th><th>Case verdict</th><th>Time</th></tr></thead>
${failuresFirst(report.requirements).map((requirement) => matrixBody(requirement, failureIndex))}
</table>
</section>`;
}

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const limits = withDefaults<HtmlOptions>({ maxTraceRows: 200, maxChunkBytes: 256 }, options);
  return page(`wireproof report: ${report.target} (exit ${report.exitCode})`, html`${header(report)}
<main>
${report.error && runErrorSection(report.error, report.exitCode)}
${report.baseline && baselineSection(report, report.baseline)}
${filters(report)}
${failuresSection(report, limits)}
${report.robustness && new SafeHtml(loadSectionHtml(report.robustness))}
${report.security && securitySection(report.security)}
${matrixSection(report)}
</main>`);
}

/** A self-contained page: this module's style and script only (the CSP allows nothing else), nothing fetched. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
${body}
<script>${new SafeHtml(SCRIPT)}</script>
</body>
</html>
`.markup;
}
