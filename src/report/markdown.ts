/**
 * report.md: the run as a pull-request comment. The summary and the failures (message,
 * a short trace excerpt, the replay command) come first; the full requirement table is
 * folded below them. Text is escaped for GitHub-flavoured markdown; server bytes appear
 * only inside code fences, as escaped ASCII.
 */
import {
  SUMMARY_COUNTS, baselineGroups, baselineNote, describeReportExit, failingCases, failuresFirst, formatDuration, formatPercent,
  isFailure, runErrorTitle, showHiddenCharacters, traceExcerpt, untracedMusts, withDefaults, type FailingCase,
} from './present';
import { loadSectionMarkdown } from './load-section';
import { sourceParts } from './sources';
import type { BaselineSummary, Report, RunError, SecuritySection } from './types';

export interface MarkdownOptions {
  /** Failing cases detailed; the rest are counted (a PR comment is limited to 65536 characters). */
  maxFailures?: number;
  /** Trace events in each failure's excerpt. */
  maxTraceRows?: number;
  /** Bytes shown per chunk in an excerpt. */
  maxChunkBytes?: number;
  /** Characters of a message or counterexample shown; the rest is in report.json. */
  maxTextChars?: number;
  /** Size limit of the whole page: passing rows of the requirement table go first, failures never. */
  maxBytes?: number;
}

/**
 * GitHub's job summary (`$GITHUB_STEP_SUMMARY`) takes at most 1 MiB per step; report.md stays
 * under it with room for a line or two around it.
 */
export const SUMMARY_LIMIT_BYTES = 1_000_000;

const INLINE_ESCAPES: Record<string, string> = { '\\': '&#92;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text safe inside a markdown paragraph or table cell: no markup, HTML or table
 * breaks. Backslashes become an entity, so every backslash left is an escape.
 */
export function escapeMarkdown(text: string, newline = '<br>'): string {
  return showHiddenCharacters(text)
    .replace(/[\\&<>]/g, (ch) => INLINE_ESCAPES[ch])
    .replace(/[|`*_[\]~]/g, '\\$&')
    .replace(/\n/g, newline);
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
function codeBlock(text: string, info = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${showHiddenCharacters(text)}\n${fence}`;
}

/** A requirement's source, each RFC section it names a link to the section. */
function sourceMarkdown(source: string): string {
  return sourceParts(source).map((part) => (part.href ? `[${escapeMarkdown(part.text)}](${part.href})` : escapeMarkdown(part.text))).join('');
}

export function tableRow(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(report: Report): string[] {
  const lines = [
    `## wireproof verification report (${escapeMarkdown(describeReportExit(report), ' ')})`,
    '',
    [
      `**Target** ${escapeMarkdown(report.target, ' ')}`,
      `**seed** ${report.seed}`,
      `**suite** ${escapeMarkdown(`${report.suite.version} (${report.suite.commit})`, ' ')}`,
      `**started** ${escapeMarkdown(report.started, ' ')}`,
      `**duration** ${formatDuration(report.durationMs)}`,
    ].join(' · '),
    '',
    tableRow(SUMMARY_COUNTS.map(({ verdict }) => verdict)),
    tableRow(SUMMARY_COUNTS.map(() => '---:')),
    tableRow(SUMMARY_COUNTS.map(({ key }) => report.summary[key])),
  ];
  const coverage = report.coverage;
  if (coverage) {
    lines.push(
      '',
      `Coverage of the reference run: lines **${formatPercent(coverage.lines)}** · statements ${formatPercent(coverage.statements)} · functions ${formatPercent(coverage.functions)} · branches ${formatPercent(coverage.branches)}`,
    );
  }
  return lines;
}

function failureDetail({ requirement, testCase }: FailingCase, options: Required<MarkdownOptions>): string[] {
  const lines = [
    `#### ${escapeMarkdown(testCase.verdict, ' ')} ${escapeMarkdown(requirement.id, ' ')}${requirement.baseline ? ` (${requirement.baseline.status})` : ''} · ${escapeMarkdown(testCase.name, ' ')}`,
    '',
    `> ${escapeMarkdown(requirement.text)} (${escapeMarkdown(`${requirement.level}, ${requirement.protocol}, ${requirement.scope}`)}; ${sourceMarkdown(requirement.source)})`,
    '',
  ];
  if (testCase.message !== undefined) lines.push(codeBlock(capped(testCase.message, options.maxTextChars)), '');
  if (testCase.counterexample !== undefined) lines.push('Shrunk counterexample:', '', codeBlock(capped(testCase.counterexample, options.maxTextChars)), '');
  if (testCase.trace !== undefined && testCase.trace.length > 0) {
    lines.push(
      `Wire trace (${testCase.trace.length} events; t, connection, direction, chunk length, text, [hex]):`,
      '',
      codeBlock(traceExcerpt(testCase.trace, options.maxTraceRows, options.maxChunkBytes), 'text'),
      '',
    );
  }
  if (testCase.replay !== undefined) lines.push('Replay:', '', codeBlock(testCase.replay, 'sh'), '');
  return lines;
}

function failures(report: Report, options: Required<MarkdownOptions>): string[] {
  const failing = failingCases(report);
  const untraced = untracedMusts(report);
  const lines = ['', `### Failures (${failing.length})`, ''];
  if (failing.length === 0) lines.push(report.requirements.length === 0 ? 'No case ran.' : 'No case failed.', '');
  if (untraced.length > 0) {
    lines.push(`UNTRACED must requirements (no selected case verifies them): ${untraced.map((r) => escapeMarkdown(r.id)).join(', ')}`, '');
  }
  for (const failure of failing.slice(0, options.maxFailures)) lines.push(...failureDetail(failure, options));
  const notShown = failing.length - options.maxFailures;
  if (notShown > 0) lines.push(`… and ${notShown} more failing cases: see report.html.`, '');
  return lines;
}

function requirementTable(report: Report, budgetBytes: number): string[] {
  const withBaseline = report.baseline !== undefined;
  const rows = failuresFirst(report.requirements).map((r) => ({
    line: tableRow([
      ...[r.id, r.protocol, r.level, r.verdict].map((cell) => escapeMarkdown(cell)),
      ...(withBaseline ? [r.baseline?.status ?? ''] : []),
      r.cases.length,
      escapeMarkdown(r.text),
      sourceMarkdown(r.source),
    ]),
    failing: isFailure(r.verdict) || r.verdict === 'UNTRACED' || r.baseline !== undefined,
  }));
  const { lines, omitted } = fitRows(rows, budgetBytes);
  return [
    `<details><summary>All requirements (${report.requirements.length})</summary>`,
    '',
    tableRow(['Requirement', 'Protocol', 'Level', 'Verdict', ...(withBaseline ? ['Baseline'] : []), 'Cases', 'Text', 'Source']),
    tableRow(['---', '---', '---', '---', ...(withBaseline ? ['---'] : []), '---:', '---', '---']),
    ...lines,
    ...(omitted > 0 ? ['', `${omitted} passing rows left out to keep this page within GitHub's 1 MiB job summary; report.html and report.json have them.`] : []),
    '',
    '</details>',
  ];
}

/**
 * Table rows (failures first) cut to `budgetBytes`: rows that are not `failing` go from the
 * end until the rest fits; failing rows always stay.
 */
export function fitRows(rows: readonly { line: string; failing: boolean }[], budgetBytes: number): { lines: string[]; omitted: number } {
  let total = rows.reduce((sum, row) => sum + Buffer.byteLength(row.line) + 1, 0);
  const keep = rows.map(() => true);
  for (let i = rows.length - 1; i >= 0 && total > budgetBytes; i--) {
    if (rows[i].failing) continue;
    keep[i] = false;
    total -= Buffer.byteLength(rows[i].line) + 1;
  }
  return { lines: rows.filter((_, i) => keep[i]).map((row) => row.line), omitted: keep.filter((k) => !k).length };
}

function capped(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}\n... ${text.length - maxChars} more characters (report.json has all of it)`;
}

/** The run's own error (exit 2 or 3), right under the header. */
function runError(error: RunError, exitCode: number): string[] {
  return ['', `### ${escapeMarkdown(runErrorTitle(error, exitCode))}`, '', codeBlock(error.message)];
}

/** --baseline: counts, then the new failures, the fixed ones and the known ones with their reasons. */
function baseline(report: Report, summary: BaselineSummary): string[] {
  return [
    '',
    `### Baseline: ${summary.new} new, ${summary.known} known, ${summary.fixed} fixed`,
    '',
    baselineNote(summary, escapeMarkdown(summary.source)).join(''),
    '',
    ...baselineGroups(report).flatMap(({ title, requirements }) => [`**${title} (${requirements.length})**`, '', ...requirements.map((r) =>
      `- ${escapeMarkdown(r.verdict)} ${escapeMarkdown(r.id)} ${escapeMarkdown(r.text)}${r.baseline?.reason ? ` (${escapeMarkdown(r.baseline.reason)})` : ''}`), '']),
  ];
}

const cell = (value: string | number | boolean | undefined): string =>
  value === undefined ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : escapeMarkdown(String(value));

function table(head: string[], rows: (string | number | boolean | undefined)[][], align: string[]): string[] {
  return [tableRow(head), tableRow(align), ...rows.map((row) => tableRow(row.map(cell)))];
}

function security(section: SecuritySection): string[] {
  const { evaluation } = section;
  return [
    `### Security: ${escapeMarkdown(section.verdict)}`,
    '',
    'Bind addresses (each reference server with its defaults, its listening sockets from /proc):',
    '',
    ...table(['Protocol', 'Default host', 'Listening', 'Verdict', 'Note'],
      section.bindAddresses.map((c) => [c.protocol, c.defaultHost, c.listening.join(', '), c.verdict, c.note]), ['---', '---', '---', '---', '---']),
    '',
    'Hostile requests of the conformance run (one scenario case per variant):',
    '',
    ...table(['Family', 'Requirements (variants, refused)', 'Variants', 'Refused', 'Properties', 'Verdict', 'Not refused'],
      section.attempts.map((a) => [
        a.name, a.byRequirement.map((r) => `${r.id} (${r.variants}, ${r.refused})`).join(', '), a.variants, a.refused,
        a.properties.map((p) => `${p.verdict} ${p.name}`).join('; '), a.verdict, a.notRefused.join('; '),
      ]),
      ['---', '---', '---:', '---:', '---', '---', '---']),
    '',
    `Evaluation of received data: ${escapeMarkdown(evaluation.verdict)}, ${evaluation.files} source files scanned for ${escapeMarkdown(evaluation.patterns.join('; '))}.`,
    '',
    ...(evaluation.findings.length === 0
      ? ['No finding.']
      : table(['Where', 'Pattern', 'Code', 'Explanation'],
        evaluation.findings.map((f) => [`${f.file}:${f.line}`, f.pattern, f.text, f.explained ?? 'FAIL: unexplained, received data may be evaluated here']),
        ['---', '---', '---', '---'])),
    '',
  ];
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const limits = withDefaults<MarkdownOptions>({ maxFailures: 25, maxTraceRows: 12, maxChunkBytes: 48, maxTextChars: 4000, maxBytes: SUMMARY_LIMIT_BYTES }, options);
  const before = [
    ...header(report),
    ...(report.error ? runError(report.error, report.exitCode) : []),
    ...(report.baseline ? baseline(report, report.baseline) : []),
    ...failures(report, limits),
    ...(report.robustness ? loadSectionMarkdown(report.robustness) : []),
    ...(report.security ? security(report.security) : []),
  ].join('\n');
  // What the table's head, note and closing tags take, beside its rows.
  const tableFrame = 1000;
  return `${before}\n${requirementTable(report, limits.maxBytes - Buffer.byteLength(before) - tableFrame).join('\n')}\n`;
}
