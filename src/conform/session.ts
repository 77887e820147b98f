import type { ScenarioClaims } from './lanes';
import type { ProtocolPlugin } from './protocol';
import type { Target } from './target';

/**
 * The run in progress, shared with the cucumber steps (they run in this process).
 * Set by the runner before cucumber starts; steps read it through session().
 */
export interface Session {
  plugin: ProtocolPlugin;
  target: Target;
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

let current: Session | undefined;

export function setSession(next: Session | undefined): void {
  current = next;
}

export function session(): Session {
  if (!current) throw new Error('no conformance session: steps run only under `wireproof conform`');
  return current;
}
