import fc from 'fast-check';
import { NonConformance, ERROR_TYPES } from './errors';
import { TraceRecorder } from './trace';
import type { Endpoint } from './driver';
import type { LiveContext, PropertyCase } from './protocol';
import type { ClientTarget } from './target';
import type { CaseOutcome } from './verdict';

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

async function runProperty(property: PropertyCase, options: PropertyRunOptions): Promise<CaseOutcome> {
  let lastTrace: TraceRecorder | undefined;
  const ctx: LiveContext = {
    endpoint: options.endpoint ?? { host: '127.0.0.1', port: 0 },
    root: options.root,
    client: options.client,
    timeoutMs: options.timeoutMs,
    trace: () => (lastTrace = new TraceRecorder()),
  };
  const prop = property.build(ctx);
  const numRuns = options.runs ?? property.runs ?? 100;
  const started = performance.now();
  const details = await fc.check(prop as fc.IAsyncProperty<unknown[]>, { seed: options.seed, numRuns });
  const base = { name: property.name, kind: 'property' as const, ids: property.ids };
  if (!details.failed) {
    return { ...base, outcome: 'passed', durationMs: Math.round(performance.now() - started), message: `${details.numRuns} runs, seed ${options.seed}` };
  }
  const counterexample = details.counterexample as unknown[] | null;
  if (counterexample && property.kind === 'live') {
    // Run the shrunk counterexample once more, so the trace is the one of the failure shown.
    await fc.check(prop as fc.IAsyncProperty<unknown[]>, { seed: details.seed, path: details.counterexamplePath!, numRuns: 1, endOnFailure: true });
  }
  const error = details.errorInstance as Error | undefined;
  const type = error?.name ?? '';
  const outcome = type === 'Unsupported' ? 'unsupported' : ERROR_TYPES.has(type) ? 'error' : 'broken';
  const runs = options.runs !== undefined ? ` --runs ${options.runs}` : '';
  return {
    ...base,
    outcome,
    durationMs: Math.round(performance.now() - started),
    message: `${error?.message ?? 'property failed'} (after ${details.numRuns} runs and ${details.numShrinks} shrinks; seed ${details.seed}, path ${details.counterexamplePath})`,
    counterexample: counterexample ? (property.describe?.(counterexample) ?? fc.stringify(counterexample)) : undefined,
    replay: `${options.replayBase} --case ${shellQuote(property.name)} --seed ${details.seed}${runs}`,
    ...(lastTrace && property.kind === 'live' ? { trace: lastTrace.events } : {}),
  };
}

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Assertion for property bodies: a NonConformance carries the verdict FAIL/NON-STRICT. */
export function expectConform(condition: boolean, message: () => string): void {
  if (!condition) throw new NonConformance(message());
}

