import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CoverageSummary, Report, RequirementResult, RobustnessSection, RunError, SecuritySection } from './types';
import { EXIT, exitCode, summarize } from '../conform/verdict';
import { PROJECT_ROOT } from '../conform/srs';
import { baselineSummary, markRequirements, type Baseline } from './baseline';
import { counted } from '../conform/bytes-text';

/** One protocol's part of a report (src/conform/run.ts produces these). */
export interface ReportPart {
  protocol: string;
  target: string;
  requirements: RequirementResult[];
  died?: string;
  /** Set when the target did not answer at the start: every case is ERROR, nothing was proven. */
  unreachable?: string;
}

export interface ReportMeta {
  seed: number;
  started: Date;
  strict: boolean;
  coverage?: CoverageSummary;
  /** --baseline (and --baseline-strict): known failures do not fail the run; with strict, fixed ones do. */
  baseline?: { baseline: Baseline; strict: boolean };
  /** An error that stopped the run before any result (usage, srs.json, the suite itself). */
  error?: RunError;
}

function suiteVersion(): Report['suite'] {
  const { version } = require(path.join(PROJECT_ROOT, 'package.json')) as { version: string };
  let commit = 'unknown';
  // Only a checkout of wireproof itself: an installed package sits in the user's repository, whose commit is not the suite's.
  if (!fs.existsSync(path.join(PROJECT_ROOT, '.git'))) return { version, commit };
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* git is not installed */
  }
  return { version, commit };
}

/** Assembles report.json (schema 1) from the protocols' results. */
export function buildReport(parts: ReportPart[], meta: ReportMeta): Report {
  const marked = meta.baseline ? parts.map((p) => ({ ...p, requirements: markRequirements(p.requirements, meta.baseline!.baseline) })) : parts;
  const requirements = marked.flatMap((p) => p.requirements);
  // An unreachable target proved nothing, and a known failure does not fail the run.
  const judged = marked.filter((p) => !p.unreachable).flatMap((p) => p.requirements).filter((r) => r.baseline?.status !== 'known');
  let code = exitCode(judged, meta.strict);
  if (meta.baseline?.strict && requirements.some((r) => r.baseline?.status === 'fixed')) code = EXIT.nonConformance;
  const error = meta.error ?? partsError(marked);
  if (error && code !== EXIT.nonConformance) code = error.exit;
  const targets = [...new Set(parts.map((p) => p.target))];
  return {
    schema: 1,
    suite: suiteVersion(),
    target: targets.length === 1 ? targets[0] : parts.map((p) => `${p.protocol}: ${p.target}`).join('; '),
    seed: meta.seed,
    started: meta.started.toISOString(),
    durationMs: Date.now() - meta.started.getTime(),
    requirements,
    summary: summarize(requirements),
    ...(meta.coverage ? { coverage: meta.coverage } : {}),
    ...(error ? { error } : {}),
    ...(meta.baseline ? { baseline: baselineSummary(requirements, meta.baseline.baseline, meta.baseline.strict) } : {}),
    exitCode: code,
  };
}

/** What kept the protocols' runs from a full answer: the target unreachable or dead, or cases that could not run. */
function partsError(parts: readonly ReportPart[]): RunError | undefined {
  const named = (part: ReportPart, message: string) => (parts.length > 1 ? `${part.protocol}: ${message}` : message);
  const unreachable = parts.find((p) => p.unreachable);
  if (unreachable) return { exit: EXIT.infrastructure, kind: 'unreachable', message: named(unreachable, `target unreachable: ${unreachable.unreachable}`) };
  const died = parts.find((p) => p.died);
  if (died) return { exit: EXIT.infrastructure, kind: 'target-died', message: named(died, died.died!) };
  const errored = new Map<string, string | undefined>();
  for (const r of parts.flatMap((p) => p.requirements)) for (const c of r.cases) if (c.verdict === 'ERROR') errored.set(c.name, c.message);
  if (errored.size === 0) return undefined;
  const [name, message] = [...errored][0];
  return {
    exit: EXIT.infrastructure,
    kind: 'case-errors',
    message: `${counted(errored.size, 'case')} could not run (ERROR); the first, "${name}": ${(message ?? 'no message').split('\n', 1)[0]}`,
  };
}

/** The report of a run that stopped before any result: no requirement, the error, its exit code. */
export function errorReport(target: string, meta: Omit<ReportMeta, 'error'>, error: RunError): Report {
  return { ...buildReport([], { ...meta, error }), target };
}

/**
 * Adds the robustness and security sections (npm run ver). A FAIL in either makes a
 * run that otherwise passes exit 1: a server that falls over under load, or a source
 * that evaluates what it receives, is not conformant. Worse exit codes stay.
 */
export function withSections(report: Report, sections: { robustness?: RobustnessSection; security?: SecuritySection }): Report {
  const { exitCode, ...rest } = report;
  const failed = sections.robustness?.verdict === 'FAIL' || sections.security?.verdict === 'FAIL';
  return {
    ...rest,
    ...(sections.robustness ? { robustness: sections.robustness } : {}),
    ...(sections.security ? { security: sections.security } : {}),
    exitCode: failed && exitCode === EXIT.ok ? EXIT.nonConformance : exitCode,
  };
}
