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
  /** With --baseline: new / known / fixed (absent where neither the run nor the baseline saw a failure). */
  baseline?: BaselineMark;
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
  /** What was verified: "embedded", "HOST:PORT", "spawn: COMMAND" or "client: COMMAND"; one entry per protocol run. */
  target: string;
  seed: number;
  started: string;
  durationMs: number;
  requirements: RequirementResult[];
  summary: Summary;
  /** Statement/line/function/branch percentages of the reference run, when measured. */
  coverage?: CoverageSummary;
  /** The load runs: hostile loads and, with the load profile, volume and many clients (npm run ver, conform --load). */
  robustness?: RobustnessSection;
  /** Bind addresses, jail/exposure/traversal attempts and the evaluation scan (npm run ver). */
  security?: SecuritySection;
  /** Why the run could not give a full answer: present on every report that exits 2 or 3. */
  error?: RunError;
  /** With --baseline: where the known failures came from, and the counts of each mark. */
  baseline?: BaselineSummary;
  /** The shard of a sharded load run this report is ("2/4"); `wireproof merge` joins the shards. */
  shard?: string;
  exitCode: number;
}

/**
 * usage, invalid-srs, invalid-baseline: exit 3, nothing ran. unreachable: the target did not
 * answer at the start (or a spawned one exited or never listened); target-died: it exited during
 * the run; case-errors: cases could not run (ERROR); suite: the suite itself failed. All exit 2.
 */
export type RunErrorKind = 'usage' | 'invalid-srs' | 'invalid-baseline' | 'unreachable' | 'target-died' | 'case-errors' | 'suite';

export interface RunError {
  /** The exit code this error gives on its own; the run's exitCode is 1 instead when a MUST was proven broken. */
  exit: 2 | 3;
  kind: RunErrorKind;
  message: string;
}

/** new: broken now, not in the baseline; known: broken now and in it; fixed: in it, and no longer broken. */
export type BaselineStatus = 'new' | 'known' | 'fixed';

export interface BaselineMark {
  status: BaselineStatus;
  /** known and fixed: the baseline's reason (a list's own words, or the verdict of the baseline report). */
  reason?: string;
}

export interface BaselineSummary {
  /** The --baseline file as given. */
  source: string;
  /** --baseline-strict: a fixed requirement fails the run until the baseline is updated. */
  strict: boolean;
  new: number;
  known: number;
  fixed: number;
}

/**
 * A run's verdict: N/A where the load does not apply to the protocol (one client at a
 * time) or runs in another shard; ERROR where it could not run (the suite's own limits,
 * a target that did not answer before it).
 */
export type RunVerdict = 'PASS' | 'FAIL' | 'N/A' | 'ERROR';

/**
 * One load against one server, with the figures it is judged on: a hostile load, and
 * (the load profile, issue 12) the volume and many-clients loads. Every field after
 * `note` is optional and additive: robustness.json and report.json stay schema 1.
 */
export interface RobustnessRun {
  protocol: string;
  /** volume, many-clients, oversized-line, length-claims, slowloris or malformed. */
  load: string;
  /** How much of the load: bytes, headers, idle connections or inputs (see unit). */
  count: number;
  unit: string;
  durationMs: number;
  /** Resident memory of the server process (VmRSS) before the load (after a warm-up request) and after it. */
  rssBeforeMiB?: number;
  rssAfterMiB?: number;
  growthMiB?: number;
  /** The liveness probe of the protocol's plugin, before and after the load. */
  aliveBefore?: boolean;
  aliveAfter?: boolean;
  /** Requests accepted before or alongside the load whose answer never came, or came wrong. */
  lostAccepted?: number;
  verdict: RunVerdict;
  note: string;
  /** When it started (ISO 8601): merged shards span from the first start to the last end. */
  startedAt?: string;
  /** The shard that ran it ("2/4"), or the shards merged into it ("1-4/4"). */
  shard?: string;
  /** What the load itself found wrong (its messages, its clients, its inputs): the load's own requirement. */
  problems?: string[];
  /** The load could not run at all (the suite's own limits, or the target not answering before it): its cases are ERROR. */
  notRun?: string;
  /** Why the server process is gone, when it died during the load. */
  died?: string;
  /** Requests placed before the load and answered after it (the keeper), and what was wrong with the first lost. */
  keeper?: { expected: number; lost: number; problem?: string };
  /** "not measured" and why, when the suite does not know the server's process. */
  memory?: string;
  /** Volume and many-clients: what became of every message. */
  messages?: {
    sent: number; answered: number; lost: number; duplicated: number; corrupted: number; reordered: number; unsent: number;
    /** The answers carry no mark of their message: told apart by their place (duplicates and reordering then show as corrupted). */
    byPosition?: boolean;
  };
  /** Many-clients: clients served (every message back exactly once, whole, in order) and not. */
  clients?: { total: number; served: number; failed: number; atOnce: number };
  /** Messages answered per second and MiB sent per second over the load's duration. */
  throughput?: { messagesPerSecond: number; mibPerSecond: number };
  /** Answer latency: percentiles from a log histogram of 16 buckets per doubling from 1 µs (bucket b: 1 µs · 2^(b/16) and up). */
  latency?: { count: number; p50Ms: number; p99Ms: number; maxMs: number; histogram: [number, number][] };
  /** The soak (--duration): how many times the load ran. */
  repetitions?: number;
  /** Hostile loads: how much of the load this run did (inputs sent, connections held, bytes streamed): a shard's share. */
  handled?: number;
}

export interface RobustnessSection {
  seed: number;
  /** Largest resident-memory growth a run may show, in MiB. */
  growthLimitMiB: number;
  durationMs: number;
  verdict: 'PASS' | 'FAIL';
  runs: RobustnessRun[];
  /** The server the loads ran against, and what of its memory is read (absent: the reference servers, each a child process). */
  target?: string;
  memory?: string;
  /** This run's shard of a sharded load ("2/4"), or the shards merged ("1-4/4"). */
  shard?: string;
}

/** NOT RUN: the report holds no result of the requirements (their protocol was not selected). */
export type SecurityVerdict = 'PASS' | 'FAIL' | 'NOT RUN';

export interface BindAddressCheck {
  protocol: string;
  /** The host `wireproof serve` uses when none is given (src/cli/serve.ts). */
  defaultHost: string;
  /** HOST:PORT of every socket the server process listens on, from /proc. */
  listening: string[];
  verdict: SecurityVerdict;
  note?: string;
}

/** A family of hostile requests the conformance run already made, counted from its results. */
export interface AttemptSummary {
  name: string;
  requirements: string[];
  /** Scenario cases that try one fixed variant each, and how many were refused (PASS). */
  variants: number;
  refused: number;
  minimumVariants: number;
  byRequirement: { id: string; variants: number; refused: number }[];
  /** The case name of every variant tried. */
  variantNames: string[];
  /** Cases that did not pass (the variants that got through or could not run). */
  notRefused: string[];
  /** The fuzzing properties that try random variants of the same family. */
  properties: { name: string; verdict: string }[];
  verdict: SecurityVerdict;
}

export interface EvaluationFinding {
  file: string;
  line: number;
  pattern: string;
  text: string;
  /** Why the use is not an evaluation of received data; absent for an unexplained finding (FAIL). */
  explained?: string;
}

export interface EvaluationScan {
  /** Files scanned under src/ (.ts, .js, .py). */
  files: number;
  patterns: string[];
  findings: EvaluationFinding[];
  verdict: SecurityVerdict;
}

export interface SecuritySection {
  verdict: 'PASS' | 'FAIL';
  bindAddresses: BindAddressCheck[];
  attempts: AttemptSummary[];
  evaluation: EvaluationScan;
}
