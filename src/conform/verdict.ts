import { VERDICT_ORDER, type CaseResult, type Level, type RequirementResult, type RequirementVerdict, type Summary, type TraceEvent, type Verdict } from '../report/types';
import type { Requirement } from './srs';

/** How one case ended, before the level of each requirement it verifies turns it into a verdict. */
export type Outcome = 'passed' | 'broken' | 'error' | 'unsupported' | 'info';

export interface CaseOutcome {
  name: string;
  kind: 'scenario' | 'property';
  ids: string[];
  outcome: Outcome;
  durationMs: number;
  message?: string;
  trace?: TraceEvent[];
  counterexample?: string;
  replay?: string;
}

const BROKEN: Record<Level, Verdict> = { must: 'FAIL', should: 'NON-STRICT', may: 'UNSUPPORTED' };

export function caseVerdict(outcome: Outcome, level: Level): Verdict {
  switch (outcome) {
    case 'passed': return 'PASS';
    case 'broken': return BROKEN[level];
    case 'error': return 'ERROR';
    case 'unsupported': return 'UNSUPPORTED';
    case 'info': return 'INFO';
  }
}

export function worstVerdict(verdicts: Verdict[]): RequirementVerdict {
  if (verdicts.length === 0) return 'UNTRACED';
  return verdicts.reduce((a, b) => (VERDICT_ORDER.indexOf(a) <= VERDICT_ORDER.indexOf(b) ? a : b));
}

/** The traceability matrix: each selected requirement with the cases that verify it. */
export function requirementResults(requirements: Requirement[], outcomes: CaseOutcome[]): RequirementResult[] {
  return requirements.map((req) => {
    const cases: CaseResult[] = outcomes
      .filter((o) => o.ids.includes(req.id))
      .map(({ ids: _ids, outcome, ...rest }) => ({ ...rest, verdict: caseVerdict(outcome, req.level) }));
    return {
      id: req.id,
      protocol: req.protocol,
      level: req.level,
      scope: req.scope,
      text: req.text,
      source: req.source,
      verdict: worstVerdict(cases.map((c) => c.verdict)),
      cases,
    };
  });
}

export function summarize(results: RequirementResult[]): Summary {
  const count = (v: RequirementVerdict) => results.filter((r) => r.verdict === v).length;
  return {
    pass: count('PASS'),
    fail: count('FAIL'),
    nonStrict: count('NON-STRICT'),
    info: count('INFO'),
    unsupported: count('UNSUPPORTED'),
    error: count('ERROR'),
    untraced: count('UNTRACED'),
  };
}

/**
 * The target is proven not to meet the requirement: a broken must or should, or a must no
 * selected case verifies. What a baseline records as a known failure and compare as a regression.
 */
export function isBroken(result: Pick<RequirementResult, 'verdict' | 'level'>): boolean {
  return result.verdict === 'FAIL' || result.verdict === 'NON-STRICT' || (result.verdict === 'UNTRACED' && result.level === 'must');
}

export const EXIT = { ok: 0, nonConformance: 1, infrastructure: 2, usage: 3 } as const;

/**
 * 1 when a must FAILed or is verified by nothing (or, with --strict, a should is
 * NON-STRICT); else 2 when a case could not run; else 0. Proven non-conformance
 * outranks an infrastructure error: it is the more useful answer and never a pass.
 */
export function exitCode(results: RequirementResult[], strict: boolean): number {
  const broken = results.some(
    (r) => r.verdict === 'FAIL' || (r.verdict === 'UNTRACED' && r.level === 'must') || (strict && r.verdict === 'NON-STRICT'),
  );
  if (broken) return EXIT.nonConformance;
  if (results.some((r) => r.verdict === 'ERROR')) return EXIT.infrastructure;
  return EXIT.ok;
}
