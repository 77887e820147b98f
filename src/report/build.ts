import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { CoverageSummary, Report, RequirementResult } from './types';
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
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
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
