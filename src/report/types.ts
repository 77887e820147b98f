/** The verification report, schema 1 (CONFORMANCE.md). Scripts depend on this shape. */

export type Verdict = 'PASS' | 'FAIL' | 'NON-STRICT' | 'INFO' | 'UNSUPPORTED' | 'ERROR';
/** A requirement's verdict: the worst of its cases, or UNTRACED when no selected case verifies it. */
export type RequirementVerdict = Verdict | 'UNTRACED';

/** Worst first: a requirement takes the worst verdict of its cases, and reports list failures in this order. */
export const VERDICT_ORDER: readonly RequirementVerdict[] = [
  'FAIL', 'ERROR', 'NON-STRICT', 'UNTRACED', 'UNSUPPORTED', 'INFO', 'PASS',
];
export type Level = 'must' | 'should' | 'may';
export type Scope = 'core' | 'app' | 'client';

/** One timestamped event on a connection the wire driver recorded. */
export interface TraceEvent {
  /** Milliseconds since the connection was opened. */
  t: number;
  /** Which connection of the case (several clients in one case). */
  conn: number;
  dir: 'TX' | 'RX' | 'EV';
  /** TX/RX: the exact bytes of one write or one read, as hex. */
  hex?: string;
  /** EV: connect, FIN received, reset, closed, ... */
  note?: string;
}

export interface CaseResult {
  name: string;
  kind: 'scenario' | 'property';
  verdict: Verdict;
  durationMs: number;
  message?: string;
  trace?: TraceEvent[];
  /** Property failures: the shrunk counterexample, as JSON-friendly text. */
  counterexample?: string;
  /** Property failures: the command that replays this exact failure. */
  replay?: string;
}

export interface RequirementResult {
  id: string;
  protocol: string;
  level: Level;
  scope: Scope;
  text: string;
  source: string;
  verdict: RequirementVerdict;
  cases: CaseResult[];
}

export interface Summary {
  pass: number;
  fail: number;
  nonStrict: number;
  info: number;
  unsupported: number;
  error: number;
  untraced: number;
}

export interface CoverageSummary {
  lines: number;
  statements: number;
  functions: number;
  branches: number;
}

export interface Report {
  schema: 1;
  suite: { version: string; commit: string };
  /** What was verified: "embedded", "HOST:PORT", or "spawn: COMMAND"; one entry per protocol run. */
  target: string;
  seed: number;
  started: string;
  durationMs: number;
  requirements: RequirementResult[];
  summary: Summary;
  /** Statement/line/function/branch percentages of the reference run, when measured. */
  coverage?: CoverageSummary;
  /** Extra sections later issues add (robustness, security); rendered when present. */
  exitCode: number;
}
