/**
 * report.md: the run as a pull-request comment. The summary and the failures (message,
 * a short trace excerpt, the replay command) come first; the full requirement table is
 * folded below them. Text is escaped for GitHub-flavoured markdown; server bytes appear
 * only inside code fences, as escaped ASCII.
 */
import {
  SUMMARY_COUNTS, describeExitCode, failingCases, failuresFirst, formatDuration, formatPercent,
  showHiddenCharacters, traceExcerpt, untracedMusts, withDefaults, type FailingCase,
} from './present';
import { loadSectionMarkdown } from './load-section';
import type { Report, SecuritySection } from './types';

export interface MarkdownOptions {
  /** Failing cases detailed; the rest are counted (a PR comment is limited to 65536 characters). */
  maxFailures?: number;
  /** Trace events in each failure's excerpt. */
  maxTraceRows?: number;
  /** Bytes shown per chunk in an excerpt. */
  maxChunkBytes?: number;
}

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

function tableRow(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(report: Report): string[] {
  const lines = [
    `## wireproof verification report (${escapeMarkdown(describeExitCode(report.exitCode), ' ')})`,
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
    `#### ${escapeMarkdown(testCase.verdict, ' ')} ${escapeMarkdown(requirement.id, ' ')} · ${escapeMarkdown(testCase.name, ' ')}`,
    '',
    `> ${escapeMarkdown(requirement.text)} (${escapeMarkdown(`${requirement.level}, ${requirement.protocol}, ${requirement.scope}; ${requirement.source}`)})`,
    '',
  ];
  if (testCase.message !== undefined) lines.push(codeBlock(testCase.message), '');
  if (testCase.counterexample !== undefined) lines.push('Shrunk counterexample:', '', codeBlock(testCase.counterexample), '');
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
  if (failing.length === 0) lines.push('No case failed.', '');
  if (untraced.length > 0) {
    lines.push(`UNTRACED must requirements (no selected case verifies them): ${untraced.map((r) => escapeMarkdown(r.id)).join(', ')}`, '');
  }
  for (const failure of failing.slice(0, options.maxFailures)) lines.push(...failureDetail(failure, options));
  const notShown = failing.length - options.maxFailures;
  if (notShown > 0) lines.push(`… and ${notShown} more failing cases: see report.html.`, '');
  return lines;
}

function requirementTable(report: Report): string[] {
  return [
    `<details><summary>All requirements (${report.requirements.length})</summary>`,
    '',
    tableRow(['Requirement', 'Protocol', 'Level', 'Verdict', 'Cases', 'Text']),
    tableRow(['---', '---', '---', '---', '---:', '---']),
    ...failuresFirst(report.requirements).map((r) =>
      tableRow([...[r.id, r.protocol, r.level, r.verdict].map((cell) => escapeMarkdown(cell)), r.cases.length, escapeMarkdown(r.text)]),
    ),
    '',
    '</details>',
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
  const limits = withDefaults<MarkdownOptions>({ maxFailures: 25, maxTraceRows: 12, maxChunkBytes: 48 }, options);
  return [
    ...header(report),
    ...failures(report, limits),
    ...(report.robustness ? loadSectionMarkdown(report.robustness) : []),
    ...(report.security ? security(report.security) : []),
    ...requirementTable(report),
  ].join('\n') + '\n';
}
