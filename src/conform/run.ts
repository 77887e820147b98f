import { TargetUnreachableError, UsageError } from './errors';
import { listScenarios, runScenarios, STOPS_SERVER } from './cucumber';
import { runProperties } from './properties';
import { caseSelected, globToRegExp, Profile, selectRequirements } from './select';
import { setSession, type Session } from './session';
import { openTarget } from './target';
import { protocolPlugin } from './protocols';
import { requirementResults, type CaseOutcome, type Outcome } from './verdict';
import { faultCases, faultRequirementIds, runFaultCases, type FaultName } from './faults';
import { isLoadRequirement, loadRequirementIds, runLoadPhase, type LoadOptions } from './load';
import type { Requirement } from './srs';
import type { PropertyCase } from './protocol';
import { LOAD_TIMEOUT_MS } from '../robustness/run';
import type { RequirementResult, RobustnessRun } from '../report/types';

export interface ConformOptions {
  protocol: string;
  target?: string;
  spawn?: string;
  profile?: Profile;
  req?: string[];
  exclude?: string[];
  /** Globs over case names (scenario "feature: name" or property name), for replaying one case. */
  cases?: string[];
  seed: number;
  runs?: number;
  timeoutScale: number;
  /** Also run the pure properties of the reference framer (the main job does). */
  includePure?: boolean;
  /** The fault profile: these faults through the chaos proxy (src/conform/faults.ts); none by default. */
  faults?: FaultName[];
  /** The load profile (src/conform/load.ts); none by default. */
  load?: LoadOptions;
  /** The command line that reproduces this run, without --case/--seed (for replay commands). */
  replayBase: string;
  log: (line: string) => void;
}

export interface ProtocolRun {
  protocol: string;
  target: string;
  requirements: RequirementResult[];
  cases: number;
  /** Set when the target died during the run. */
  died?: string;
  /** The load profile's runs and what of the server's memory was read, for the report's load section. */
  load?: { runs: RobustnessRun[]; memory?: string };
}

const BASE_TIMEOUT_MS = 2000;
const MARK: Record<Outcome, string> = { passed: 'ok   ', broken: 'FAIL ', error: 'ERROR', unsupported: 'UNSUP', info: 'INFO ' };

/** Verifies one protocol's target against the selected requirements. */
export async function conformProtocol(srs: Requirement[], options: ConformOptions): Promise<ProtocolRun> {
  const plugin = protocolPlugin(options.protocol);
  const profile = options.profile ?? (options.target || options.spawn ? 'core' : 'full');
  const faults = options.faults ?? [];
  // The fault requirements count only when their faults run: never UNTRACED otherwise.
  const withoutFaults = faultRequirementIds(plugin).filter((id) => !faultRequirementIds(plugin, faults).includes(id));
  // So do the load requirements; a shard after the first runs its share of the loads and nothing else.
  const loadIds = options.load ? loadRequirementIds(plugin, options.load) : [];
  const withoutLoad = srs.filter((r) => r.protocol === options.protocol && isLoadRequirement(r.id) && !loadIds.includes(r.id)).map((r) => r.id);
  const otherShard = (options.load?.shard?.index ?? 1) > 1 ? srs.filter((r) => r.protocol === options.protocol && !loadIds.includes(r.id)).map((r) => r.id) : [];
  const exclude = [...(options.exclude ?? []), ...withoutFaults, ...withoutLoad, ...otherShard];
  const selection = selectRequirements(srs, options.protocol, { profile, req: options.req, exclude });
  if (selection.requirements.length === 0) {
    const asked = (ids: string[]) => ids.filter((id) => (options.req ?? []).some((glob) => globToRegExp(glob).test(id)));
    throw new UsageError(`empty selection: no ${options.protocol} requirement matches the profile "${profile}" and --req/--exclude` +
      (asked(withoutFaults).length ? ` (${asked(withoutFaults).join(', ')} only with --faults)` : '') +
      (asked(withoutLoad).length ? ` (${asked(withoutLoad).join(', ')} only with --load${options.load ? ' and the loads that verify them' : ''})` : ''));
  }
  const known = new Set(srs.map((r) => r.id));
  const scenarios = await listScenarios(options.protocol);
  for (const item of [...scenarios.map((s) => ({ name: s.name, ids: s.ids })), ...plugin.properties, { name: 'faults', ids: faultRequirementIds(plugin) }, { name: 'load', ids: loadIds }]) {
    const unknown = item.ids.filter((id) => !known.has(id));
    if (unknown.length) throw new UsageError(`"${item.name}" names unknown requirement(s) ${unknown.join(', ')} (not in srs.json)`);
  }
  const caseGlobs = (options.cases ?? []).map(globToRegExp);
  const wanted = (name: string, ids: string[]) =>
    caseSelected(ids, selection) && (caseGlobs.length === 0 || caseGlobs.some((re) => re.test(name)));
  const chosenScenarios = scenarios.filter((s) => wanted(s.name, s.ids));
  const chosenProperties = plugin.properties.filter(
    (p) => (p.kind === 'live' || options.includePure) && wanted(p.name, p.ids),
  );
  const scopes = new Map(srs.map((r) => [r.id, r.scope]));
  const chosenFaultCases = faultCases(plugin, scenarios, (id) => scopes.get(id) === 'core', faults).filter((c) => wanted(c.name, c.ids));
  const loadSelected = loadIds.some((id) => selection.selected.has(id));
  if (chosenScenarios.length + chosenProperties.length + chosenFaultCases.length === 0 && !loadSelected) {
    throw new UsageError(`empty selection: no ${options.protocol} case verifies the selected requirements`);
  }

  const timeoutMs = BASE_TIMEOUT_MS * options.timeoutScale;
  const target = await openTarget(plugin, { target: options.target, spawn: options.spawn }, timeoutMs);
  const outcomes: CaseOutcome[] = [];
  let load: ProtocolRun['load'];
  const onCase = (o: CaseOutcome) => {
    options.log(`  ${MARK[o.outcome]} ${o.kind === 'property' ? '[property] ' : ''}${o.name} (${o.durationMs} ms)` +
      (o.outcome === 'passed' ? '' : `\n         ${(o.message ?? '').split('\n')[0]}`));
  };
  try {
    await plugin.probe(target.main.endpoint, timeoutMs).catch((err: Error) => {
      throw err instanceof TargetUnreachableError ? err : new TargetUnreachableError(`the target does not answer: ${err.message}`);
    });
    const current: Session = { plugin, target, timeoutMs, timeoutScale: options.timeoutScale };
    setSession(current);
    options.log(`${options.protocol}: ${chosenScenarios.length} scenarios, ${chosenProperties.length} properties` +
      `${chosenFaultCases.length ? `, ${chosenFaultCases.length} fault cases (${faults.join(', ')})` : ''} against ${target.label} (profile ${profile})`);
    const names = new Set(chosenScenarios.map((s) => s.name));
    const scenarioBatch = async (stops: boolean) => {
      const batch = chosenScenarios.filter((s) => s.tags.includes(STOPS_SERVER) === stops);
      if (batch.length === 0) return;
      const expression = stops ? STOPS_SERVER : `not ${STOPS_SERVER}`;
      const ran = await runScenarios(options.protocol, batch, expression, (o) => names.has(o.name) && onCase(o));
      outcomes.push(...ran.filter((o) => names.has(o.name)));
    };
    await scenarioBatch(false);
    const pure = chosenProperties.filter((p) => p.kind === 'pure');
    outcomes.push(...(await runProperties(pure, { timeoutMs, seed: options.seed, runs: options.runs, replayBase: options.replayBase }, onCase)));
    for (const property of chosenProperties.filter((p) => p.kind === 'live')) outcomes.push(await runLive(property, options, current, onCase));
    if (chosenFaultCases.length) {
      const direct = new Map(outcomes.filter((o) => o.kind === 'scenario').map((o) => [o.name, o.outcome]));
      outcomes.push(...(await runFaultCases(chosenFaultCases, { protocol: options.protocol, session: current, seed: options.seed, replayBase: options.replayBase, direct, onCase })));
    }
    if (options.load && loadSelected) {
      const phase = await runLoadPhase({ plugin, target, load: options.load, selected: selection.selected, seed: options.seed, timeoutMs: LOAD_TIMEOUT_MS * options.timeoutScale, replayBase: options.replayBase, log: options.log, onCase });
      outcomes.push(...phase.outcomes);
      load = { runs: phase.runs, memory: phase.memory };
    }
    // Cases that stop the server run last (CONFORMANCE.md, Targets).
    await scenarioBatch(true);
  } finally {
    setSession(undefined);
    await target.stop();
  }
  const died = target.main.exited();
  if (died) options.log(`  ${options.protocol}: ${died}`);
  return {
    protocol: options.protocol,
    target: target.label,
    requirements: requirementResults(selection.requirements, outcomes),
    cases: outcomes.length,
    ...(died ? { died } : {}),
    ...(load ? { load } : {}),
  };
}

/** A live property, with the liveness probe before and after it. */
async function runLive(property: PropertyCase, options: ConformOptions, current: Session, onCase: (o: CaseOutcome) => void): Promise<CaseOutcome> {
  const { plugin, timeoutMs } = current;
  const { endpoint, root } = current.target.main;
  const notRun = (message: string): CaseOutcome => {
    const outcome: CaseOutcome = { name: property.name, kind: 'property', ids: property.ids, durationMs: 0, outcome: 'error', message };
    onCase(outcome);
    return outcome;
  };
  if (current.hungSince) return notRun(`not run: the target stopped answering after "${current.hungSince}"`);
  try {
    await plugin.probe(endpoint, timeoutMs);
  } catch (err) {
    current.hungSince = `the case before "${property.name}"`;
    return notRun(`target not answering before the property: ${(err as Error).message}`);
  }
  const [outcome] = await runProperties([property], { endpoint, root, timeoutMs, seed: options.seed, runs: options.runs, replayBase: options.replayBase }, () => undefined);
  try {
    await plugin.probe(endpoint, timeoutMs);
  } catch (err) {
    current.hungSince = property.name;
    outcome.outcome = 'broken';
    outcome.message = `the target stopped answering after this property: ${(err as Error).message}` + (outcome.message ? `; ${outcome.message}` : '');
  }
  onCase(outcome);
  return outcome;
}
