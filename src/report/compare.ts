/**
 * `wireproof compare`: several report.json files side by side, a column per run and a row
 * per requirement, each later run judged against the first. A regression: a later run's
 * verdict is a failure (FAIL, ERROR, NON-STRICT, an untraced MUST) worse than the first's.
 * A fix: the first run failed the requirement and the later one does not.
 */
import { verdictRank } from './present';
import { isBroken } from '../conform/verdict';
import type { Level, Report, RequirementResult } from './types';

export interface ComparedRun {
  label: string;
  /** The report.json file as given. */
  source: string;
  report: Report;
}

/** How a later run's verdict differs from the first run's. */
export type Change = 'regression' | 'fix' | 'changed';

export interface ComparisonRow {
  id: string;
  protocol: string;
  level: Level;
  text: string;
  /** One per run, in order; undefined where the run did not select the requirement. */
  results: (RequirementResult | undefined)[];
  /** One per run: undefined for the first run, for an equal verdict, or where either run lacks the requirement. */
  changes: (Change | undefined)[];
  /** The row's worst change: regression, then fix, then changed. */
  change?: Change;
}

export interface Comparison {
  runs: ComparedRun[];
  /** Regressions first, then fixes, other changes, then the rest with failures first. */
  rows: ComparisonRow[];
  /** Rows where some later run regresses on the first, and where some later run fixes a failure of the first. */
  regressions: number;
  fixes: number;
}

/** A verdict that counts against a run: a broken requirement, or one that could not be verified. */
export function failing(result: RequirementResult): boolean {
  return isBroken(result) || result.verdict === 'ERROR';
}

export function changeOf(first: RequirementResult | undefined, later: RequirementResult | undefined): Change | undefined {
  if (!first || !later || first.verdict === later.verdict) return undefined;
  if (failing(later) && (!failing(first) || verdictRank(later.verdict) < verdictRank(first.verdict))) return 'regression';
  if (failing(first) && !failing(later)) return 'fix';
  return 'changed';
}

const CHANGE_ORDER: (Change | undefined)[] = ['regression', 'fix', 'changed', undefined];

export function compareReports(runs: ComparedRun[]): Comparison {
  const rows = new Map<string, ComparisonRow>();
  runs.forEach((run, index) => {
    for (const result of run.report.requirements) {
      let row = rows.get(result.id);
      if (!row) {
        row = { id: result.id, protocol: result.protocol, level: result.level, text: result.text, results: runs.map(() => undefined), changes: runs.map(() => undefined) };
        rows.set(result.id, row);
      }
      row.results[index] = result;
    }
  });
  for (const row of rows.values()) {
    row.changes = row.results.map((result, index) => (index === 0 ? undefined : changeOf(row.results[0], result)));
    row.change = CHANGE_ORDER.find((change) => change !== undefined && row.changes.includes(change));
  }
  const worst = (row: ComparisonRow) => Math.min(...row.results.map((r) => (r ? verdictRank(r.verdict) : Infinity)));
  const ordered = [...rows.values()]
    .map((row, index) => ({ row, index }))
    .sort((a, b) => CHANGE_ORDER.indexOf(a.row.change) - CHANGE_ORDER.indexOf(b.row.change) || worst(a.row) - worst(b.row) || a.index - b.index)
    .map(({ row }) => row);
  const rowsWith = (change: Change) => ordered.filter((row) => row.changes.includes(change)).length;
  return { runs, rows: ordered, regressions: rowsWith('regression'), fixes: rowsWith('fix') };
}

/** The exit code of `wireproof compare`: 1 when a later run regresses on the first, for CI. */
export function compareExitCode(comparison: Comparison): number {
  return comparison.regressions > 0 ? 1 : 0;
}

/** Column labels: --label values in order, then each report's target; a repeated label gets its file name. */
export function runLabels(reports: { source: string; report: Report }[], given: readonly string[]): string[] {
  const labels: string[] = [];
  reports.forEach(({ source, report }, index) => {
    const label = given[index] ?? report.target;
    labels.push(labels.includes(label) ? `${label} (${source})` : label);
  });
  return labels;
}
