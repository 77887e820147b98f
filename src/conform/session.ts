import { SuiteError } from './errors';
import type { ProtocolPlugin } from './protocol';
import type { ClientTarget, Target } from './target';

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
}

let current: Session | undefined;

export function setSession(next: Session | undefined): void {
  current = next;
}

export function session(): Session {
  if (!current) throw new Error('no conformance session: steps run only under `wireproof conform`');
  return current;
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
