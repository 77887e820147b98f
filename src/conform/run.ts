import { TargetUnreachableError, UsageError } from './errors';
import { DESTRUCTIVE, listScenarios, runScenarios, STOPS_SERVER, type ScenarioInfo } from './cucumber';
import { inLanes, lanesFor, scenariosInLanes } from './lanes';
import { runProperties } from './properties';
import { caseSelected, globToRegExp, Profile, selectRequirements } from './select';
import { setSession, type Session } from './session';
import { openTarget } from './target';
import { protocolPlugin } from './protocols';
import { requirementResults, type CaseOutcome, type Outcome } from './verdict';
import { faultCases, faultRequirementIds, runFaultCases, type FaultName } from './faults';
import type { Requirement } from './srs';
import type { PropertyCase } from './protocol';
import type { RequirementResult } from '../report/types';

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
  const exclude = [...(options.exclude ?? []), ...withoutFaults];
  const selection = selectRequirements(srs, options.protocol, { profile, req: options.req, exclude });
  if (selection.requirements.length === 0) {
    const asked = withoutFaults.filter((id) => (options.req ?? []).some((glob) => globToRegExp(glob).test(id)));
    throw new UsageError(`empty selection: no ${options.protocol} requirement matches the profile "${profile}" and --req/--exclude` +
      (asked.length ? ` (${asked.join(', ')} only with --faults)` : ''));
  }
  const known = new Set(srs.map((r) => r.id));
  const scenarios = await listScenarios(options.protocol);
  for (const item of [...scenarios.map((s) => ({ name: s.name, ids: s.ids })), ...plugin.properties, { name: 'faults', ids: faultRequirementIds(plugin) }]) {
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
  if (chosenScenarios.length + chosenProperties.length + chosenFaultCases.length === 0) {
    throw new UsageError(`empty selection: no ${options.protocol} case verifies the selected requirements`);
  }

  const timeoutMs = BASE_TIMEOUT_MS * options.timeoutScale;
  const target = await openTarget(plugin, { target: options.target, spawn: options.spawn }, timeoutMs);
  const outcomes: CaseOutcome[] = [];
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
    const { lanes, why } = await lanesFor(plugin, target.main.endpoint, timeoutMs);
    if (plugin.casesSideBySide) options.log(`  ${lanes > 1 ? `${lanes} cases at a time` : 'one case at a time'}: ${why}`);
    const scenarioBatch = async (batch: ScenarioInfo[], expression: string, inParallel = 1) => {
      if (batch.length === 0) return;
      const report = (o: CaseOutcome) => names.has(o.name) && onCase(o);
      const ran = inParallel > 1
        ? await scenariosInLanes(options.protocol, batch, expression, report, inParallel)
        : await runScenarios(options.protocol, batch, expression, report);
      outcomes.push(...ran.filter((o) => names.has(o.name)));
    };
    const stopping = chosenScenarios.filter((s) => s.tags.includes(STOPS_SERVER));
    const running = chosenScenarios.filter((s) => !s.tags.includes(STOPS_SERVER));
    if (lanes === 1) {
      await scenarioBatch(running, `not ${STOPS_SERVER}`);
    } else {
      // Side by side, a destructive case runs only beside other destructive ones: what it may
      // do to the target (close every connection, stop answering) reaches no ordinary case.
      await scenarioBatch(running.filter((s) => !s.tags.includes(DESTRUCTIVE)), `not ${STOPS_SERVER} and not ${DESTRUCTIVE}`, lanes);
      await scenarioBatch(running.filter((s) => s.tags.includes(DESTRUCTIVE)), `${DESTRUCTIVE} and not ${STOPS_SERVER}`, lanes);
      inScenarioOrder(outcomes, chosenScenarios);
    }
    const pure = chosenProperties.filter((p) => p.kind === 'pure');
    outcomes.push(...(await runProperties(pure, { timeoutMs, seed: options.seed, runs: options.runs, replayBase: options.replayBase }, onCase)));
    const live = chosenProperties.filter((p) => p.kind === 'live');
    outcomes.push(...(await inLanes(live, lanes, (property) => runLive(property, options, current, onCase))));
    if (chosenFaultCases.length) {
      const direct = new Map(outcomes.filter((o) => o.kind === 'scenario').map((o) => [o.name, o.outcome]));
      outcomes.push(...(await runFaultCases(chosenFaultCases, { protocol: options.protocol, session: current, seed: options.seed, replayBase: options.replayBase, direct, onCase })));
    }
    // Cases that stop the server run last (CONFORMANCE.md, Targets).
    await scenarioBatch(stopping, STOPS_SERVER);
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
  };
}

/** Puts the scenario outcomes of lanes (in the order they ended) back in the scenarios' order, for a stable report. */
function inScenarioOrder(outcomes: CaseOutcome[], scenarios: ScenarioInfo[]): void {
  const rank = new Map<string, number>();
  scenarios.forEach((s, i) => { if (!rank.has(s.name)) rank.set(s.name, i); });
  outcomes.sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
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
