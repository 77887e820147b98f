/**
 * What every report format shows the same way: verdict order (failures first), the
 * counts, durations, exit codes, and wire traces turned into rows of hex and text.
 * Pure functions over the report; each writer only adds its own escaping and layout.
 */
import {
  VERDICT_ORDER, type BaselineStatus, type BaselineSummary, type CaseResult, type Report, type RequirementResult, type RequirementVerdict,
  type RunError, type Summary, type TraceEvent,
} from './types';
import { escapeBytes } from '../conform/bytes-text';

export { escapeBytes };

export { VERDICT_ORDER };

/** The summary counters, in VERDICT_ORDER, with the verdict each one counts. */
export const SUMMARY_COUNTS: readonly { key: keyof Summary; verdict: RequirementVerdict }[] = [
  { key: 'fail', verdict: 'FAIL' },
  { key: 'error', verdict: 'ERROR' },
  { key: 'nonStrict', verdict: 'NON-STRICT' },
  { key: 'untraced', verdict: 'UNTRACED' },
  { key: 'unsupported', verdict: 'UNSUPPORTED' },
  { key: 'info', verdict: 'INFO' },
  { key: 'pass', verdict: 'PASS' },
];

/** An unknown verdict (a malformed report) sorts with the failures rather than hiding among passes. */
export function verdictRank(verdict: string): number {
  const rank = VERDICT_ORDER.indexOf(verdict as RequirementVerdict);
  return rank === -1 ? 0 : rank;
}

/** A case outcome that needs a reader's attention: a broken must or should, or a case that could not run. */
export function isFailure(verdict: string): boolean {
  return verdict === 'FAIL' || verdict === 'ERROR' || verdict === 'NON-STRICT';
}

/**
 * A stable copy sorted worst verdict first; equal verdicts keep their srs.json order. With a
 * baseline, known failures come after the failures that count, before the rest.
 */
export function failuresFirst<T extends { verdict: string; baseline?: { status: string } }>(items: readonly T[]): T[] {
  const group = (item: T) => (item.baseline?.status === 'known' ? 1 : verdictRank(item.verdict) <= verdictRank('UNTRACED') ? 0 : 2);
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => group(a.item) - group(b.item) || verdictRank(a.item.verdict) - verdictRank(b.item.verdict) || a.index - b.index)
    .map(({ item }) => item);
}

export interface FailingCase {
  requirement: RequirementResult;
  testCase: CaseResult;
}

/** Every FAIL, ERROR and NON-STRICT case, worst verdict first (known failures after the rest), then in requirement order. */
export function failingCases(report: Report): FailingCase[] {
  const all = report.requirements.flatMap((requirement) =>
    requirement.cases.map((testCase) => ({ requirement, testCase, verdict: testCase.verdict, baseline: requirement.baseline })),
  );
  return failuresFirst(all.filter((entry) => isFailure(entry.verdict))).map(({ requirement, testCase }) => ({
    requirement,
    testCase,
  }));
}

/** Must requirements that no selected case verifies: they fail the gate on their own. */
export function untracedMusts(report: Report): RequirementResult[] {
  return report.requirements.filter((r) => r.level === 'must' && r.verdict === 'UNTRACED');
}

/** Distinct values in first-seen order (protocols for filters and JUnit suites). */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

const EXIT_MEANINGS: Record<number, string> = {
  0: 'conformant: every selected must passes',
  1: 'non-conformant',
  2: 'target unreachable or suite infrastructure error',
  3: 'usage error',
};

function describeExitCode(code: number): string {
  return `exit ${code}: ${EXIT_MEANINGS[code] ?? 'unknown exit code'}`;
}

/** A report's exit code and meaning; with --baseline, exit 0 says it passes with known failures. */
export function describeReportExit(report: Report): string {
  if (report.exitCode === 0 && report.baseline && report.baseline.known > 0) {
    return `exit 0: no new failure (${report.baseline.known} known from the baseline)`;
  }
  return describeExitCode(report.exitCode);
}

/** The heading over the run's own error (exit 2 or 3). */
export function runErrorTitle(error: RunError, exitCode: number): string {
  const outranked = exitCode !== error.exit ? `; the run exits ${exitCode}, a broken MUST outranks it` : '';
  return `The run ended in an error: ${error.kind} (exit ${error.exit}${outranked})`;
}

/** The --baseline rule as a sentence around `source`, the baseline file as the writer shows it. */
export function baselineNote<T>(summary: BaselineSummary, source: T): [string, T, string] {
  const strict = summary.strict ? ', and so do fixed ones (--baseline-strict) until the baseline is updated' : '';
  return ['Known failures from ', source, ` do not fail the run; new ones do${strict}.`];
}

const BASELINE_GROUPS: readonly { status: BaselineStatus; title: string }[] = [
  { status: 'new', title: 'New failures' },
  { status: 'fixed', title: 'Fixed: remove from the baseline' },
  { status: 'known', title: 'Known failures' },
];

/** The requirements --baseline marked, by mark: new failures, then fixed, then known; empty groups left out. */
export function baselineGroups(report: Report): { title: string; requirements: RequirementResult[] }[] {
  return BASELINE_GROUPS
    .map(({ status, title }) => ({ title, requirements: report.requirements.filter((r) => r.baseline?.status === status) }))
    .filter((group) => group.requirements.length > 0);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${((ms - minutes * 60_000) / 1000).toFixed(1)} s`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** Hex byte pairs separated by spaces, as traces are read. */
export function spacedHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** One trace event ready to print: a chunk (TX/RX) or an event note (EV). */
export interface TraceRow {
  t: string;
  conn: number;
  dir: TraceEvent['dir'];
  /** TX/RX: the chunk's full length, also when only its start is shown. */
  byteCount?: number;
  hex: string;
  text: string;
  /** TX/RX: bytes of the chunk not shown (the row was capped). */
  bytesOmitted: number;
  note?: string;
}

export interface TraceRows {
  rows: TraceRow[];
  /** Events after the last row shown. */
  rowsOmitted: number;
}

/**
 * The first `maxRows` events of a trace, one row per recorded chunk (the exact read
 * and write boundaries), each chunk capped at `maxBytesPerRow` bytes.
 */
export function traceRows(trace: readonly TraceEvent[], maxRows: number, maxBytesPerRow: number): TraceRows {
  const rows = trace.slice(0, maxRows).map((event): TraceRow => {
    const row: TraceRow = { t: event.t.toFixed(3), conn: event.conn, dir: event.dir, hex: '', text: '', bytesOmitted: 0 };
    if (event.note !== undefined) row.note = event.note;
    if (event.hex !== undefined) {
      const bytes = Buffer.from(event.hex.replace(/\s+/g, ''), 'hex');
      const shown = bytes.subarray(0, maxBytesPerRow);
      row.byteCount = bytes.length;
      row.hex = spacedHex(shown);
      row.text = escapeBytes(shown);
      row.bytesOmitted = bytes.length - shown.length;
    }
    return row;
  });
  return { rows, rowsOmitted: Math.max(0, trace.length - maxRows) };
}

/** A trace row as one line of plain text (markdown excerpts, JUnit failure bodies). */
export function traceRowLine(row: TraceRow): string {
  const head = `${row.t.padStart(10)} ms  c${row.conn} ${row.dir}`;
  if (row.byteCount === undefined) return `${head} ${row.note ?? ''}`.trimEnd();
  const more = row.bytesOmitted > 0 ? ` ... +${row.bytesOmitted} bytes` : '';
  const note = row.note !== undefined ? `  (${row.note})` : '';
  return `${head} ${String(row.byteCount).padStart(5)} B  "${row.text}"${more}  [${row.hex}]${note}`;
}

/**
 * Plain-text trace excerpt with a closing note when events were left out; `fullTrace` says
 * where all of them are.
 */
export function traceExcerpt(trace: readonly TraceEvent[], maxRows: number, maxBytesPerRow: number, fullTrace = 'full trace in report.json'): string {
  const { rows, rowsOmitted } = traceRows(trace, maxRows, maxBytesPerRow);
  const lines = rows.map(traceRowLine);
  if (rowsOmitted > 0) lines.push(`... ${rowsOmitted} more events (${fullTrace})`);
  return lines.join('\n');
}

/** How much of a trace a failure's text shows by default (junit.xml bodies, `npx cucumber-js` messages). */
export const FAILURE_TRACE_LIMITS = { maxTraceRows: 50, maxChunkBytes: 64 };

/** A failure's wire trace as plain text: a heading that counts its events, then the excerpt. */
export function failureTrace(trace: readonly TraceEvent[], limits = FAILURE_TRACE_LIMITS, fullTrace?: string): string {
  return `wire trace (${trace.length} events):\n${traceExcerpt(trace, limits.maxTraceRows, limits.maxChunkBytes, fullTrace)}`;
}

/**
 * Control characters (except tab and LF), lone surrogates, noncharacters and bidi or
 * zero-width format characters, which could hide or reorder report text, and which
 * XML 1.0 partly forbids.
 */
const HIDDEN_CHARACTERS =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text with every hidden character spelled as \xNN or \uNNNN, so a reader sees all there is. */
export function showHiddenCharacters(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Options over defaults, where an option given as `undefined` keeps its default. */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(given) };
}
