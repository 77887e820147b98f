/**
 * What `npx cucumber-js` adds to the step files (cucumber.js loads this file first, so its Before
 * hook runs before those of ../hooks.ts, and its After hook after theirs). `wireproof conform`
 * never loads it.
 *
 * - The session: the one `wireproof conform` opens (openSession: the target started or reached,
 *   the liveness probe), opened when a protocol's first scenario starts and closed when the next
 *   protocol's starts or the run ends. The target comes from the environment:
 *   WIREPROOF_TARGET (HOST:PORT, cobra HOST:PORT,PORT2) or WIREPROOF_SPAWN ("COMMAND" with
 *   {port}, {port2}, {root}); else the embedded reference server. WIREPROOF_PROFILE (core or
 *   full; as conform's default: core against a target or a spawned server, else full) skips the
 *   scenarios outside it. WIREPROOF_TIMEOUT_SCALE multiplies every wait; WIREPROOF_SRS names
 *   another requirements file (conform's --srs).
 * - Verdicts in cucumber's terms, judged as `wireproof conform` judges (thrownOutcome, caseVerdict):
 *   FAIL and ERROR fail the step, the wire trace so far in the message; NON-STRICT (only SHOULDs
 *   broken) is cucumber's pending, so cucumber's --strict is conform's --strict (the profiles set
 *   strict: false, conform's default); UNSUPPORTED and an @info case that threw end skipped. The
 *   verdict and its reason are attached as text/plain (shown by every formatter).
 */
import { After, AfterAll, Before, BeforeAll, setDefinitionFunctionWrapper, Status } from '@cucumber/cucumber';
import { thrownOutcome, TRACE_MEDIA } from '../../conform/cucumber';
import { UsageError } from '../../conform/errors';
import { protocolPlugin } from '../../conform/protocols';
import { closeSession, openSession, type Session } from '../../conform/session';
import { loadSrs, type Requirement } from '../../conform/srs';
import { caseSelected, selectRequirements, type Profile } from '../../conform/select';
import { parseEndpoint, type TargetSpec } from '../../conform/target';
import { caseVerdict, worstVerdict } from '../../conform/verdict';
import { FAILURE_TRACE_LIMITS, failureTrace } from '../../report/present';
import type { TraceEvent } from '../../report/types';
import type { WireWorld } from '../world';

/** The target and the waits of the run, from the environment (what conform's options say). */
function environmentRun(env: NodeJS.ProcessEnv): { spec: TargetSpec; profile: Profile; timeoutScale: number; srs?: string } {
  const spec: TargetSpec = { target: env.WIREPROOF_TARGET || undefined, spawn: env.WIREPROOF_SPAWN || undefined };
  if (spec.target && spec.spawn) throw new UsageError('WIREPROOF_TARGET and WIREPROOF_SPAWN exclude each other');
  if (spec.target) parseEndpoint(spec.target);
  const profile = env.WIREPROOF_PROFILE || (spec.target || spec.spawn ? 'core' : 'full');
  if (profile !== 'core' && profile !== 'full') throw new UsageError(`WIREPROOF_PROFILE is core or full, not "${profile}"`);
  const scale = env.WIREPROOF_TIMEOUT_SCALE;
  const timeoutScale = scale === undefined || scale === '' ? 1 : Number(scale);
  if (!Number.isFinite(timeoutScale) || timeoutScale < 0.1) throw new UsageError(`WIREPROOF_TIMEOUT_SCALE expects a number >= 0.1, got "${scale}"`);
  const seed = env.WIREPROOF_SEED;
  if (seed !== undefined && seed !== '' && !Number.isInteger(Number(seed))) throw new UsageError(`WIREPROOF_SEED expects an integer, got "${seed}"`);
  return { spec, profile, timeoutScale, srs: env.WIREPROOF_SRS || undefined };
}

/** features/<protocol>/...feature → protocol. */
const protocolOf = (uri: string) => {
  const parts = uri.split(/[\\/]/);
  return parts[parts.lastIndexOf('features') + 1];
};

let run: ReturnType<typeof environmentRun>;
let srs: Requirement[];
let opened: { protocol: string; session: Promise<Session> } | undefined;

/** Each running scenario's tags and requirement ids, by its world. */
const cases = new WeakMap<object, { tags: string[]; ids: string[] }>();
/** Worlds whose trace is already in a message or an attachment. */
const traced = new WeakSet<object>();

BeforeAll(function () {
  run = environmentRun(process.env);
  srs = loadSrs(run.srs);
  if (process.env.WIREPROOF_SEED) {
    console.error('wireproof: WIREPROOF_SEED seeds nothing here: no scenario draws random input; the property cases, '
      + 'which do, run under `npx wireproof conform --seed N`');
  }
});

async function sessionFor(protocol: string): Promise<Session> {
  if (opened?.protocol !== protocol) {
    await closeOpened();
    const session = openSession(protocolPlugin(protocol), run.spec, run.timeoutScale);
    session.catch(() => undefined); // each scenario of the protocol awaits it and fails with its error
    opened = { protocol, session };
  }
  return opened.session;
}

async function closeOpened(): Promise<void> {
  const was = opened;
  opened = undefined;
  await was?.session.then(closeSession, () => undefined);
}

Before(async function (this: WireWorld, { pickle }) {
  const tags = pickle.tags.map((t) => t.name);
  const ids = tags.filter((t) => t.startsWith('@SRS-')).map((t) => t.slice(1));
  const protocol = protocolOf(pickle.uri);
  cases.set(this, { tags, ids });
  // The session first, also for a case skipped below: the After hooks of ../hooks.ts see this protocol's target.
  await sessionFor(protocol);
  // As `wireproof conform`: against a server of its own (WIREPROOF_TARGET, WIREPROOF_SPAWN) the core profile, whose cases name core requirements only.
  if (!caseSelected(ids, selectRequirements(srs, protocol, { profile: run.profile }))) {
    this.attach(`not run: it verifies requirements outside the ${run.profile} profile${run.profile === 'core' ? ' (WIREPROOF_PROFILE=full runs it)' : ''}`, 'text/plain');
    return 'skipped';
  }
  return undefined;
});

AfterAll(async function () {
  await closeOpened();
});

/** The trace in a message, as in wireproof's junit.xml; all of it is attached (../hooks.ts). */
const traceText = (events: readonly TraceEvent[]) =>
  failureTrace(events, FAILURE_TRACE_LIMITS, `all of them in the ${TRACE_MEDIA} attachment`);

/**
 * A step or hook of a scenario that threw, in cucumber's terms: rethrown (FAIL, ERROR) with
 * the trace so far in its message, or 'pending' (NON-STRICT) or 'skipped' (UNSUPPORTED, INFO)
 * with the verdict attached.
 */
function judge(world: WireWorld, known: { tags: string[]; ids: string[] }, err: Error): 'pending' | 'skipped' {
  const { outcome, message } = thrownOutcome(known.tags, err.constructor.name, err.message);
  const level = (id: string) => srs.find((r) => r.id === id)?.level ?? 'must';
  const verdict = worstVerdict(known.ids.map((id) => caseVerdict(outcome, level(id))));
  const trace = world.trace.events.length > 0 ? `\n\n${traceText(world.trace.events)}` : '';
  traced.add(world);
  if (verdict === 'NON-STRICT' || verdict === 'UNSUPPORTED' || verdict === 'INFO') {
    world.attach(`${verdict}: ${message}${trace}`, 'text/plain');
    return verdict === 'NON-STRICT' ? 'pending' : 'skipped';
  }
  err.message = `${verdict === 'ERROR' ? 'ERROR (the case could not run): ' : ''}${err.message}${trace}`;
  throw err;
}

setDefinitionFunctionWrapper((code: (...args: unknown[]) => unknown) =>
  async function (this: unknown, ...args: unknown[]) {
    try {
      return await code.apply(this, args);
    } catch (err) {
      const known = typeof this === 'object' && this !== null ? cases.get(this) : undefined;
      if (!known || !(err instanceof Error)) throw err;
      return judge(this as WireWorld, known, err);
    }
  });

/** A scenario that did not pass without a judged error (a step's time limit, an undefined step) still shows its trace. */
After(function (this: WireWorld, { result }) {
  if (result?.status === Status.PASSED || traced.has(this) || this.trace.events.length === 0) return;
  this.attach(traceText(this.trace.events), 'text/plain');
});
