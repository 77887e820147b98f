import { TargetUnreachableError, UsageError } from './errors';
import { ALONE, CLIENT_TARGET, DESTRUCTIVE, listScenarios, runScenarios, STOPS_SERVER, type ScenarioInfo } from './cucumber';
import { lanesFor, scenariosInLanes } from './lanes';
import { runProperties } from './properties';
import { caseSelected, globToRegExp, Profile, requirementTarget, selectRequirements, type Selection, type TargetKind } from './select';
import { answerTimeout, closeSession, openSession, serverTarget, setSession, type Session } from './session';
import { openClientTarget, targetLabel, type ClientTarget } from './target';
import { protocolPlugin } from './protocols';
import { requirementResults, type CaseOutcome, type Outcome } from './verdict';
import { faultCases, faultRequirementIds, runFaultCases, type FaultName } from './faults';
import { isLoadRequirement, loadRequirementIds, runLoadPhase, type LoadOptions } from './load';
import { TraceRecorder } from './trace';
import type { Requirement } from './srs';
import type { PropertyCase, ProtocolPlugin } from './protocol';
import { LOAD_TIMEOUT_MS } from '../robustness/run';
import { pool } from '../robustness/sockets';
import type { RequirementResult, RobustnessRun } from '../report/types';
import { counted } from './bytes-text';

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
  /**
   * --client: the command that starts the client under test ({host}, {port}, {port2}); the
   * suite plays the server (src/conform/client/). Excludes target, spawn, faults and profile.
   */
  client?: string;
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
  /** Set when the target did not answer at the start: every chosen case is ERROR, not run. */
  unreachable?: string;
  /** The load profile's runs and what of the server's memory was read, for the report's load section. */
  load?: { runs: RobustnessRun[]; memory?: string };
}

const MARK: Record<Outcome, string> = { passed: 'ok   ', broken: 'FAIL ', error: 'ERROR', unsupported: 'UNSUP', info: 'INFO ' };

/** Verifies one protocol's target (a server, or with `client` a client) against the selected requirements. */
export async function conformProtocol(srs: Requirement[], options: ConformOptions): Promise<ProtocolRun> {
  if (options.client !== undefined) return conformClient(srs, options);
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
      (asked(withoutLoad).length ? ` (${asked(withoutLoad).join(', ')} only with --load${options.load ? ' and the loads that verify them' : ''})` : '') +
      otherKindAsked(srs, options, 'client'));
  }
  const scenarios = await listScenarios(options.protocol);
  checkCaseIds(srs, plugin, scenarios, loadIds);
  const wanted = caseFilter(selection, options.cases);
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

  let current: Session;
  try {
    current = await openSession(plugin, { target: options.target, spawn: options.spawn }, options.timeoutScale);
  } catch (err) {
    if (!(err instanceof TargetUnreachableError)) throw err;
    const loadCases = loadSelected ? [{ name: 'the load profile', ids: loadIds }] : [];
    return unreachableRun(options, targetLabel(options), selection.requirements, [...chosenScenarios, ...chosenFaultCases, ...loadCases], chosenProperties, err.message);
  }
  const { timeoutMs } = current;
  const target = serverTarget(current);
  const outcomes: CaseOutcome[] = [];
  let load: ProtocolRun['load'];
  const onCase = logCase(options.log);
  try {
    options.log(`${options.protocol}: ${counted(chosenScenarios.length, 'scenario')}, ${counted(chosenProperties.length, 'property', 'properties')}` +
      `${chosenFaultCases.length ? `, ${chosenFaultCases.length} fault cases (${faults.join(', ')})` : ''} against ${target.label} (profile ${profile})`);
    const { lanes, why } = await lanesFor(plugin, target.main.endpoint, timeoutMs);
    if (why) options.log(`  ${lanes > 1 ? `${lanes} cases at a time` : 'one case at a time'}: ${why}`);
    const scenarioBatch = async (batch: ScenarioInfo[], inParallel = 1) => {
      outcomes.push(...(inParallel > 1
        ? await scenariosInLanes(options.protocol, batch, onCase, inParallel)
        : await runScenarios(options.protocol, batch, onCase)));
    };
    const stopping = chosenScenarios.filter((s) => s.tags.includes(STOPS_SERVER));
    const running = chosenScenarios.filter((s) => !s.tags.includes(STOPS_SERVER));
    if (lanes === 1) {
      await scenarioBatch(running);
    } else {
      // Side by side, a destructive case runs only beside other destructive ones: what it may
      // do to the target (close every connection, stop answering) reaches no ordinary case.
      const alone = running.filter((s) => s.tags.includes(ALONE));
      const beside = running.filter((s) => !s.tags.includes(ALONE));
      await scenarioBatch(beside.filter((s) => !s.tags.includes(DESTRUCTIVE)), lanes);
      await scenarioBatch(beside.filter((s) => s.tags.includes(DESTRUCTIVE)), lanes);
      await scenarioBatch(alone);
      inScenarioOrder(outcomes, chosenScenarios);
    }
    const pure = chosenProperties.filter((p) => p.kind === 'pure');
    outcomes.push(...(await runProperties(pure, { timeoutMs, seed: options.seed, runs: options.runs, replayBase: options.replayBase }, onCase)));
    const live = chosenProperties.filter((p) => p.kind === 'live');
    const liveOutcomes: CaseOutcome[] = [];
    await pool(live.length, lanes, async (i) => { liveOutcomes[i] = await runLive(live[i], options, current, onCase); });
    outcomes.push(...liveOutcomes);
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
    await scenarioBatch(stopping);
  } finally {
    await closeSession(current);
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

/** A target that never answered: every chosen case ERROR, so that a CI system's test view shows what was not verified. */
function unreachableRun(options: ConformOptions, label: string, requirements: Requirement[], scenarios: { name: string; ids: string[] }[], properties: PropertyCase[], reason: string): ProtocolRun {
  const what = options.client !== undefined ? 'the client under test cannot be run' : 'the target is unreachable';
  options.log(`  ${options.protocol}: ${what}: ${reason}`);
  const message = `not run: ${what}: ${reason}`;
  const notRun = (kind: CaseOutcome['kind']) => (c: { name: string; ids: string[] }): CaseOutcome =>
    ({ name: c.name, kind, ids: c.ids, durationMs: 0, outcome: 'error', message });
  const outcomes = [...scenarios.map(notRun('scenario')), ...properties.map(notRun('property'))];
  return { protocol: options.protocol, target: label, requirements: requirementResults(requirements, outcomes), cases: 0, unreachable: reason };
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
  const { endpoint, root } = serverTarget(current).main;
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

/**
 * A client run (`--client`): the suite plays the server for the client COMMAND starts, a
 * fresh process and a fresh scripted server per case (src/conform/client/). The cases are
 * the protocol's @client-target scenarios and its client properties; the requirements
 * those of srs.json with `"target": "client"`.
 */
async function conformClient(srs: Requirement[], options: ConformOptions): Promise<ProtocolRun> {
  const plugin = protocolPlugin(options.protocol);
  if (!plugin.client) throw new UsageError(`--client: no client cases for ${options.protocol} yet`);
  const selection = selectRequirements(srs, options.protocol, { profile: 'full', target: 'client', req: options.req, exclude: options.exclude });
  if (selection.requirements.length === 0) {
    throw new UsageError(`empty selection: no ${options.protocol} client requirement matches --req/--exclude` + otherKindAsked(srs, options, 'server'));
  }
  const scenarios = await listScenarios(options.protocol);
  checkCaseIds(srs, plugin, scenarios);
  const wanted = caseFilter(selection, options.cases);
  const chosenScenarios = scenarios.filter((s) => s.tags.includes(CLIENT_TARGET) && wanted(s.name, s.ids));
  const chosenProperties = plugin.client.properties.filter((p) => wanted(p.name, p.ids));
  if (chosenScenarios.length + chosenProperties.length === 0) {
    throw new UsageError(`empty selection: no ${options.protocol} client case verifies the selected requirements`);
  }
  const timeoutMs = answerTimeout(options.timeoutScale);
  const target = openClientTarget(plugin, options.client!, { timeoutMs, timeoutScale: options.timeoutScale });
  const unready = await clientStartFailure(target);
  if (unready) return unreachableRun(options, target.label, selection.requirements, chosenScenarios, chosenProperties, unready);
  const outcomes: CaseOutcome[] = [];
  const onCase = logCase(options.log);
  const current: Session = { plugin, target, timeoutMs, timeoutScale: options.timeoutScale };
  setSession(current);
  try {
    options.log(`${options.protocol}: ${counted(chosenScenarios.length, 'client scenario')}, ${counted(chosenProperties.length, 'client property', 'client properties')} against ${target.label}`);
    outcomes.push(...(await runScenarios(options.protocol, chosenScenarios, onCase)));
    const runOptions = { client: target, timeoutMs, seed: options.seed, runs: options.runs, replayBase: options.replayBase };
    outcomes.push(...(await runProperties(chosenProperties, runOptions, onCase)));
  } finally {
    await closeSession(current);
  }
  return { protocol: options.protocol, target: target.label, requirements: requirementResults(selection.requirements, outcomes), cases: outcomes.length };
}

/** The client run's liveness probe: why the client did not start and say ready (reported as an unreachable server is, exit 2), or undefined. */
async function clientStartFailure(target: ClientTarget): Promise<string | undefined> {
  try {
    const started = await target.start(new TraceRecorder());
    await started.stop();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Every id a case names is in srs.json, and of the kind of run the case belongs to: a
 * @client-target scenario or a client property verifies client-run requirements only,
 * every other case none (else it could never be selected). A mistake stops the run (exit 3).
 */
function checkCaseIds(srs: Requirement[], plugin: ProtocolPlugin, scenarios: ScenarioInfo[], loadIds: string[] = []): void {
  const kinds = new Map(srs.map((r) => [r.id, requirementTarget(r)]));
  const cases: { name: string; ids: string[]; kind: TargetKind }[] = [
    ...scenarios.map((s) => ({ name: s.name, ids: s.ids, kind: (s.tags.includes(CLIENT_TARGET) ? 'client' : 'server') as TargetKind })),
    ...plugin.properties.map((p) => ({ name: p.name, ids: p.ids, kind: 'server' as const })),
    ...(plugin.client?.properties ?? []).map((p) => ({ name: p.name, ids: p.ids, kind: 'client' as const })),
    { name: 'faults', ids: faultRequirementIds(plugin), kind: 'server' },
    { name: 'load', ids: loadIds, kind: 'server' },
  ];
  for (const item of cases) {
    const unknown = item.ids.filter((id) => !kinds.has(id));
    if (unknown.length) throw new UsageError(`"${item.name}" names unknown requirement(s) ${unknown.join(', ')} (not in srs.json)`);
    const misplaced = item.ids.filter((id) => kinds.get(id) !== item.kind);
    if (misplaced.length) {
      throw new UsageError(`"${item.name}" (a ${item.kind === 'client' ? '--client' : 'server'} case) names ${misplaced.join(', ')}, ` +
        `verified by ${item.kind === 'client' ? 'server' : '--client'} runs (srs.json "target")`);
    }
  }
}

/** A hint for an empty selection: the --req ids asked for that only the other kind of run verifies. */
function otherKindAsked(srs: Requirement[], options: ConformOptions, other: TargetKind): string {
  const asked = srs.filter((r) => r.protocol === options.protocol && requirementTarget(r) === other &&
    (options.req ?? []).some((glob) => globToRegExp(glob).test(r.id)));
  if (asked.length === 0) return '';
  return ` (${asked.map((r) => r.id).join(', ')} ${other === 'client' ? 'only with --client' : 'only against a server, not with --client'})`;
}

/** Whether a case runs: it verifies the selection (select.ts) and its name matches --case, when given. */
function caseFilter(selection: Selection, cases: string[] | undefined): (name: string, ids: string[]) => boolean {
  const caseGlobs = (cases ?? []).map(globToRegExp);
  return (name, ids) => caseSelected(ids, selection) && (caseGlobs.length === 0 || caseGlobs.some((re) => re.test(name)));
}

function logCase(log: (line: string) => void): (o: CaseOutcome) => void {
  return (o) => log(`  ${MARK[o.outcome]} ${o.kind === 'property' ? '[property] ' : ''}${o.name} (${o.durationMs} ms)` +
    (o.outcome === 'passed' ? '' : `\n         ${(o.message ?? '').split('\n')[0]}`));
}
