import fc from 'fast-check';
import { NonConformance, ERROR_TYPES } from './errors';
import { TraceRecorder } from './trace';
import type { Endpoint } from './driver';
import type { LiveContext, PropertyCase } from './protocol';
import type { ClientTarget } from './target';
import type { CaseOutcome } from './verdict';
import { shellQuote } from './bytes-text';

export interface PropertyRunOptions {
  /** Where live properties connect; pure ones ignore it. */
  endpoint?: Endpoint;
  /** The target's root when the suite owns it (LiveContext.root). */
  root?: string;
  /** In a --client run: the client under test (LiveContext.client). */
  client?: ClientTarget;
  timeoutMs: number;
  seed: number;
  /** Overrides every property's own number of runs. */
  runs?: number;
  /** The conform command line without --case/--seed, for the replay command of a failure. */
  replayBase: string;
}

/** Runs the properties one by one; a failure keeps its shrunk counterexample, its trace and its replay command. */
export async function runProperties(
  properties: PropertyCase[],
  options: PropertyRunOptions,
  onCase: (outcome: CaseOutcome) => void,
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const property of properties) {
    const outcome = await runProperty(property, options);
    outcomes.push(outcome);
    onCase(outcome);
  }
  return outcomes;
}

/**
 * Shrinking is bounded: once a run fails, shrink candidates run for at most this many
 * timeouts; past it fast-check is told each is skipped, and the smallest failure found
 * so far is the counterexample. Against a target where every run waits out a timeout,
 * shrinking would otherwise cost a timeout per candidate.
 */
export const SHRINK_BUDGET_TIMEOUTS = 3;

async function runProperty(property: PropertyCase, options: PropertyRunOptions): Promise<CaseOutcome> {
  let lastTrace: TraceRecorder | undefined;
  const ctx: LiveContext = {
    endpoint: options.endpoint ?? { host: '127.0.0.1', port: 0 },
    root: options.root,
    client: options.client,
    timeoutMs: options.timeoutMs,
    caseName: property.name,
    trace: () => (lastTrace = new TraceRecorder()),
  };
  const shrinkBudgetMs = SHRINK_BUDGET_TIMEOUTS * options.timeoutMs;
  const built = property.build(ctx) as fc.IRawProperty<unknown[]>;
  // Live runs are async and may each wait out a timeout; pure ones are quick and synchronous.
  const bounded = property.kind === 'live' ? new BoundedShrink(built as fc.IAsyncProperty<unknown[]>, shrinkBudgetMs, () => lastTrace) : undefined;
  const numRuns = options.runs ?? property.runs ?? 100;
  const started = performance.now();
  const details = await fc.check(bounded ?? built, { seed: options.seed, numRuns });
  const base = { name: property.name, kind: 'property' as const, ids: property.ids };
  if (!details.failed) {
    return { ...base, outcome: 'passed', durationMs: Math.round(performance.now() - started), message: `${details.numRuns} runs, seed ${options.seed}` };
  }
  const counterexample = details.counterexample as unknown[] | null;
  const error = details.errorInstance as Error | undefined;
  const type = error?.name ?? '';
  const outcome = type === 'Unsupported' ? 'unsupported' : ERROR_TYPES.has(type) ? 'error' : 'broken';
  const runs = options.runs !== undefined ? ` --runs ${options.runs}` : '';
  const cut = bounded && bounded.skipped > 0 ? `; shrinking stopped at its budget of ${shrinkBudgetMs / 1000} s` : '';
  return {
    ...base,
    outcome,
    durationMs: Math.round(performance.now() - started),
    message: `${error?.message ?? 'property failed'} (after ${details.numRuns} runs and ${details.numShrinks} shrinks${cut}; seed ${details.seed}, path ${details.counterexamplePath})`,
    counterexample: counterexample ? (property.describe?.(counterexample) ?? fc.stringify(counterexample)) : undefined,
    replay: `${options.replayBase} --case ${shellQuote(property.name)} --seed ${details.seed}${runs}`,
    ...(bounded?.failingTrace ? { trace: bounded.failingTrace.events } : {}),
  };
}

/**
 * The property as fast-check runs it, plus two things fast-check does not do: it keeps the
 * trace of the last failing run (the counterexample's: shrinking ends on it), and once a run
 * failed it gives shrinking `budgetMs`, after which every further candidate is skipped.
 */
class BoundedShrink<Ts> implements fc.IAsyncProperty<Ts> {
  failingTrace: TraceRecorder | undefined;
  /** Shrink candidates skipped once the budget was spent. */
  skipped = 0;
  private shrinkUntil: number | undefined;

  constructor(
    private readonly inner: fc.IAsyncProperty<Ts>,
    private readonly budgetMs: number,
    private readonly lastTrace: () => TraceRecorder | undefined,
  ) {}

  isAsync(): true {
    return true;
  }

  generate(random: fc.Random, runId?: number) {
    return this.inner.generate(random, runId);
  }

  shrink(value: fc.Value<Ts>) {
    return this.inner.shrink(value);
  }

  runBeforeEach = () => this.inner.runBeforeEach();
  runAfterEach = () => this.inner.runAfterEach();

  async run(value: Ts): Promise<fc.PreconditionFailure | fc.PropertyFailure | null> {
    if (this.shrinkUntil !== undefined && performance.now() > this.shrinkUntil) {
      this.skipped++;
      return new fc.PreconditionFailure();
    }
    const result = await this.inner.run(value);
    if (result !== null && !fc.PreconditionFailure.isFailure(result)) {
      this.failingTrace = this.lastTrace();
      this.shrinkUntil ??= performance.now() + this.budgetMs;
    }
    return result;
  }
}

/** Assertion for property bodies: a NonConformance carries the verdict FAIL/NON-STRICT. */
export function expectConform(condition: boolean, message: () => string): void {
  if (!condition) throw new NonConformance(message());
}

