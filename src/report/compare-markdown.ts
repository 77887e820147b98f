/**
 * compare.md: the comparison as a pull-request comment or a CI job summary. The runs, then
 * the differences from the first run (regressions, fixes, other changes), then every
 * requirement folded below, a coloured square beside each verdict.
 */
import { SUMMARY_COUNTS, describeReportExit, formatDuration } from './present';
import { escapeMarkdown, fitRows, SUMMARY_LIMIT_BYTES, tableRow } from './markdown';
import { failing, type Change, type Comparison, type ComparisonRow } from './compare';
import type { RequirementVerdict } from './types';
import { counted } from '../conform/bytes-text';

const SQUARES: Record<RequirementVerdict, string> = {
  FAIL: '🟥', ERROR: '🟪', 'NON-STRICT': '🟨', UNTRACED: '🟧', UNSUPPORTED: '⬜', INFO: '🟦', PASS: '🟩',
};

function verdictCell(row: ComparisonRow, index: number): string {
  const result = row.results[index];
  if (!result) return '—';
  const verdict = escapeMarkdown(result.verdict);
  return `${SQUARES[result.verdict] ?? ''} ${row.changes[index] ? `**${verdict}**` : verdict}`;
}

function header(comparison: Comparison): string[] {
  const { runs, regressions, fixes } = comparison;
  return [
    `## wireproof comparison: ${runs.length} runs, ${counted(regressions, 'regression')} and ${counted(fixes, 'fix', 'fixes')} on the first run`,
    '',
    tableRow(['Run', 'Target', 'Report', 'Started', 'Duration', 'Exit', ...SUMMARY_COUNTS.map(({ verdict }) => `${SQUARES[verdict]} ${verdict}`)]),
    tableRow(['---', '---', '---', '---', '---:', '---', ...SUMMARY_COUNTS.map(() => '---:')]),
    ...runs.map((run, index) => tableRow([
      `${escapeMarkdown(run.label)}${index === 0 ? ' (first)' : ''}`,
      escapeMarkdown(run.report.target),
      escapeMarkdown(run.source),
      escapeMarkdown(run.report.started),
      formatDuration(run.report.durationMs),
      escapeMarkdown(describeReportExit(run.report)) + (run.report.error ? `: ${escapeMarkdown(run.report.error.kind)}` : ''),
      ...SUMMARY_COUNTS.map(({ key }) => run.report.summary[key]),
    ])),
  ];
}

function rowLine(comparison: Comparison, row: ComparisonRow, withProtocol: boolean): string {
  return tableRow([
    escapeMarkdown(row.id),
    ...(withProtocol ? [escapeMarkdown(row.protocol)] : []),
    row.level,
    ...comparison.runs.map((_, index) => verdictCell(row, index)),
    escapeMarkdown(row.text),
  ]);
}

function tableHead(comparison: Comparison, withProtocol: boolean): string[] {
  const labels = comparison.runs.map((run) => escapeMarkdown(run.label));
  return [
    tableRow(['Requirement', ...(withProtocol ? ['Protocol'] : []), 'Level', ...labels, 'Text']),
    tableRow(['---', ...(withProtocol ? ['---'] : []), '---', ...labels.map(() => '---'), '---']),
  ];
}

function differences(comparison: Comparison, change: Change, title: string): string[] {
  const rows = comparison.rows.filter((row) => row.changes.includes(change));
  if (rows.length === 0) return [];
  return ['', `### ${title} (${rows.length})`, '', ...tableHead(comparison, false), ...rows.map((row) => rowLine(comparison, row, false))];
}

export function renderCompareMarkdown(comparison: Comparison, maxBytes = SUMMARY_LIMIT_BYTES): string {
  const before = [
    ...header(comparison),
    ...differences(comparison, 'regression', 'Regressions on the first run'),
    ...differences(comparison, 'fix', 'Fixes'),
    ...differences(comparison, 'changed', 'Other changes'),
    ...(comparison.regressions + comparison.fixes === 0 ? ['', 'No regression and no fix on the first run.'] : []),
  ].join('\n');
  const rows = comparison.rows.map((row) => ({
    line: rowLine(comparison, row, true),
    failing: row.change !== undefined || row.results.some((r) => r !== undefined && failing(r)),
  }));
  const tableFrame = 1000 + tableHead(comparison, true).join('\n').length;
  const { lines, omitted } = fitRows(rows, maxBytes - Buffer.byteLength(before) - tableFrame);
  return [
    before,
    '',
    `<details><summary>All requirements (${comparison.rows.length})</summary>`,
    '',
    ...tableHead(comparison, true),
    ...lines,
    ...(omitted > 0 ? ['', `${omitted} unchanged passing rows left out to keep this page within GitHub's 1 MiB job summary; compare.html has them.`] : []),
    '',
    '</details>',
    '',
  ].join('\n');
}
