import { SuiteError, TargetUnreachableError } from './errors';
import { openTarget, type ClientTarget, type Target, type TargetSpec } from './target';
import type { ScenarioClaims } from './lanes';
import type { ProtocolPlugin } from './protocol';

/**
 * The run in progress, shared with the cucumber steps (they run in this process).
 * Set by the runner before cucumber starts; steps read it through session().
 */
export interface Session {
  plugin: ProtocolPlugin;
  /** A server (embedded, --target, --spawn), or with --client the client the suite plays the server for. */
  target: Target | ClientTarget;
  /** A normal wait for an answer, already multiplied by --timeout-scale. */
  timeoutMs: number;
  /** The --timeout-scale factor, for steps that wait a fixed quiet time. */
  timeoutScale: number;
  /**
   * Set when a liveness probe went unanswered: the case after which the target stopped
   * answering. Later cases are not run against it (each would only wait out its timeouts).
   */
  hungSince?: string;
  /** Set while scenarios run in lanes: which lane runs each (src/conform/lanes.ts). */
  claims?: ScenarioClaims;
}

/** A normal wait for an answer at --timeout-scale 1. */
const BASE_TIMEOUT_MS = 2000;

/** A normal wait for an answer at this --timeout-scale (Session.timeoutMs). */
export const answerTimeout = (timeoutScale: number): number => BASE_TIMEOUT_MS * timeoutScale;

let current: Session | undefined;

export function setSession(next: Session | undefined): void {
  current = next;
}

/** The session, or undefined when none is open (a cucumber-js run whose target could not be opened). */
export function currentSession(): Session | undefined {
  return current;
}

export function session(): Session {
  if (!current) throw new Error('no conformance session: steps run only under `wireproof conform` or `npx cucumber-js` (cucumber.js)');
  return current;
}

/**
 * Starts or reaches the target (embedded, --target, --spawn), checks that it answers, and makes
 * it the session the steps see: how `wireproof conform` and `npx cucumber-js` both begin.
 * A target that does not answer is stopped again and rejects with TargetUnreachableError.
 */
export async function openSession(plugin: ProtocolPlugin, spec: TargetSpec, timeoutScale: number): Promise<Session> {
  const timeoutMs = answerTimeout(timeoutScale);
  const target = await openTarget(plugin, spec, timeoutMs);
  try {
    await plugin.probe(target.main.endpoint, timeoutMs);
  } catch (err) {
    await target.stop();
    throw err instanceof TargetUnreachableError ? err : new TargetUnreachableError(`the target does not answer: ${(err as Error).message}`);
  }
  const opened: Session = { plugin, target, timeoutMs, timeoutScale };
  setSession(opened);
  return opened;
}

/** Ends the session: the steps see none, and every server the suite started is stopped. */
export async function closeSession(opened: Session): Promise<void> {
  setSession(undefined);
  await opened.target.stop();
}

/** The session's server target; a server step in a --client run is a suite error. */
export function serverTarget(current = session()): Target {
  if (current.target.kind === 'client') throw new SuiteError('suite error: a server step ran in a --client run');
  return current.target;
}

/** The session's client target; a client step in a server run is a suite error. */
export function clientTarget(current = session()): ClientTarget {
  if (current.target.kind !== 'client') throw new SuiteError('suite error: a client step (@client-target) ran against a server');
  return current.target;
}
