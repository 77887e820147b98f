import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CoverageSummary, Report, RequirementResult, RobustnessSection, SecuritySection } from './types';
import { EXIT, exitCode, summarize } from '../conform/verdict';
import { PROJECT_ROOT } from '../conform/srs';

/** One protocol's part of a report (src/conform/run.ts produces these). */
export interface ReportPart {
  protocol: string;
  target: string;
  requirements: RequirementResult[];
  died?: string;
}

export interface ReportMeta {
  seed: number;
  started: Date;
  strict: boolean;
  coverage?: CoverageSummary;
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
  const requirements = parts.flatMap((p) => p.requirements);
  let code = exitCode(requirements, meta.strict);
  if (code === EXIT.ok && parts.some((p) => p.died)) code = EXIT.infrastructure;
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
    exitCode: code,
  };
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
