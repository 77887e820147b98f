/**
 * `--baseline FILE`: the failures a project already knows of. FILE is the report.json of
 * an earlier run (its broken requirements are the known failures) or a list of known
 * failures, each with its reason:
 *
 *   { "knownFailures": [ { "id": "SRS-HTTP-012", "reason": "drops the connection on %00 (#42)" } ] }
 *
 * Each requirement of the run is then marked: new (broken now, not in the baseline), known
 * (broken now and in it: it does not fail the run), fixed (in it, and no longer broken).
 */
import fs from 'node:fs';
import { asReport, closedObject, ReportFormatError, schemaErrors } from './json';
import { isBroken } from '../conform/verdict';
import { UsageError } from '../conform/errors';
import type { BaselineMark, BaselineStatus, BaselineSummary, RequirementResult } from './types';

export interface Baseline {
  /** The file as given on the command line. */
  source: string;
  /** Requirement id → why its failure is known. */
  known: Map<string, string>;
  /** Set when a baseline report ended in an error (exit 2 or 3): it names no failure, which is likely a mistake. */
  warning?: string;
}

/** An unreadable or malformed --baseline file: a usage error, exit 3. */
export class InvalidBaselineError extends UsageError {
  override name = 'InvalidBaselineError';
}

const KNOWN_FAILURES_SCHEMA = closedObject(
  {
    knownFailures: {
      type: 'array',
      items: closedObject(
        { id: { type: 'string', pattern: '^SRS-[A-Z0-9]+-[0-9]{3,}$' }, reason: { type: 'string', minLength: 1 } },
        ['id', 'reason'],
      ),
    },
  },
  ['knownFailures'],
);

const EXPECTED = 'expected the report.json of an earlier run, or {"knownFailures": [{"id": "SRS-...", "reason": "..."}]}';

/**
 * Reads a baseline. `knownIds` (the ids of srs.json) catches a mistyped id in a list of
 * known failures, which would otherwise excuse nothing without a word.
 */
export function loadBaseline(file: string, knownIds: ReadonlySet<string>): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidBaselineError(`--baseline ${file}: cannot read it: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidBaselineError(`--baseline ${file}: not JSON (${(err as Error).message}); ${EXPECTED}`);
  }
  if (value !== null && typeof value === 'object' && 'schema' in value) return fromReport(file, value);
  const errors = schemaErrors(KNOWN_FAILURES_SCHEMA, value);
  if (errors.length > 0) throw new InvalidBaselineError(`--baseline ${file}: ${EXPECTED}; found:\n${errors.join('\n')}`);
  const known = new Map<string, string>();
  for (const { id, reason } of (value as { knownFailures: { id: string; reason: string }[] }).knownFailures) {
    if (!knownIds.has(id)) throw new InvalidBaselineError(`--baseline ${file}: ${id} is not a requirement of srs.json`);
    if (known.has(id)) throw new InvalidBaselineError(`--baseline ${file}: ${id} is listed twice`);
    known.set(id, reason);
  }
  return { source: file, known };
}

/** A baseline report: its broken requirements, each with the reason it was known by, or its verdict then. */
function fromReport(file: string, value: object): Baseline {
  let report;
  try {
    report = asReport(value);
  } catch (err) {
    if (err instanceof ReportFormatError) throw new InvalidBaselineError(`--baseline ${file}: ${err.message}`);
    throw err;
  }
  const known = new Map(
    report.requirements
      .filter(isBroken)
      .map((r) => [r.id, r.baseline?.status === 'known' && r.baseline.reason ? r.baseline.reason : `${r.verdict} in the baseline run of ${report.started}`]),
  );
  // A run that never reached its target (or never started) proves nothing: as a baseline it excuses nothing.
  const verifiedNothing = report.error && (report.error.exit === 3 || report.error.kind === 'unreachable');
  const warning = verifiedNothing ? `the baseline report ended in exit ${report.error!.exit} (${report.error!.kind}): it names no known failure` : undefined;
  return { source: file, known, ...(warning ? { warning } : {}) };
}

function mark(result: RequirementResult, reason: string | undefined): BaselineMark | undefined {
  if (isBroken(result)) return reason === undefined ? { status: 'new' } : { status: 'known', reason };
  // A requirement that could not be verified (ERROR, an untraced should) is neither failing nor fixed.
  if (reason === undefined || result.verdict === 'ERROR' || result.verdict === 'UNTRACED') return undefined;
  return { status: 'fixed', reason };
}

/** The requirements with their marks. */
export function markRequirements(requirements: readonly RequirementResult[], baseline: Baseline): RequirementResult[] {
  return requirements.map((result) => {
    const baselineMark = mark(result, baseline.known.get(result.id));
    return baselineMark ? { ...result, baseline: baselineMark } : result;
  });
}

export function baselineSummary(requirements: readonly RequirementResult[], baseline: Baseline, strict: boolean): BaselineSummary {
  const count = (status: BaselineStatus) => requirements.filter((r) => r.baseline?.status === status).length;
  return { source: baseline.source, strict, new: count('new'), known: count('known'), fixed: count('fixed') };
}
