/**
 * Cases side by side. Against a broken target most cases wait out a timeout, one after
 * another. Where the protocol's cases are independent (ProtocolPlugin.casesSideBySide) and
 * the target is seen to serve many clients at once, the runner runs them in lanes: each case
 * on connections of its own, with its own timeouts, trace and verdict; only the waiting overlaps.
 *
 * Scenarios: one cucumber run per lane over the same list, in this process; a lane runs a
 * scenario only if it claims it first (the first Before hook, src/steps/hooks.ts), and skips
 * it otherwise. So the lanes take the scenarios in order, as a queue, whatever each lasts.
 */
import { runScenarios, type ScenarioInfo } from './cucumber';
import { WireDriver, type Endpoint } from './driver';
import type { ProtocolPlugin } from './protocol';
import { session } from './session';
import { TraceRecorder } from './trace';
import type { CaseOutcome } from './verdict';

/** Cases at once, where they may run side by side. */
export const LANES = 6;

/** Which lane runs each scenario: the first to claim it (keys from pickleKey in src/conform/cucumber.ts). */
export class ScenarioClaims {
  private readonly owners = new Map<string, number>();

  /** True if `lane` is the first to claim `key`: that lane runs the scenario, the others skip it. */
  claim(key: string, lane: number): boolean {
    if (!this.owners.has(key)) this.owners.set(key, lane);
    return this.owners.get(key) === lane;
  }

  ownedBy(key: string, lane: number): boolean {
    return this.owners.get(key) === lane;
  }
}

/**
 * How many lanes the target allows: LANES if it answers the liveness probe while LANES
 * other clients are connected to it and idle, else 1 (a server that serves one client at a
 * time would make side-by-side cases wait on each other and fail where they pass alone).
 * `why` says how the target was found, where the protocol's cases may run side by side.
 */
export async function lanesFor(plugin: ProtocolPlugin, endpoint: Endpoint, timeoutMs: number): Promise<{ lanes: number; why?: string }> {
  if (!plugin.casesSideBySide) return { lanes: 1 };
  const idle: WireDriver[] = [];
  try {
    for (let i = 0; i < LANES; i++) idle.push(await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs));
    await plugin.probe(endpoint, timeoutMs);
    return { lanes: LANES, why: `the target answered while ${LANES} other clients were connected` };
  } catch (err) {
    return { lanes: 1, why: `the target did not answer while ${LANES} other clients were connected (${(err as Error).message})` };
  } finally {
    for (const driver of idle) driver.destroy();
  }
}

/** Runs the scenarios in `lanes` cucumber runs at once; each scenario in the lane that claims it first. */
export async function scenariosInLanes(
  protocol: string,
  scenarios: ScenarioInfo[],
  onCase: (outcome: CaseOutcome) => void,
  lanes: number,
): Promise<CaseOutcome[]> {
  const current = session();
  const claims = new ScenarioClaims();
  current.claims = claims;
  try {
    const runs = await Promise.all(Array.from({ length: lanes }, (_, id) =>
      runScenarios(protocol, scenarios, onCase, { id, owns: (key) => claims.ownedBy(key, id) })));
    return runs.flat();
  } finally {
    current.claims = undefined;
  }
}
