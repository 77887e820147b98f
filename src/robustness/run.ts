/**
 * The load runner: every load of a protocol's profile (src/robustness/profiles.ts) against
 * one target, and per load the figures it is judged on (src/robustness/judge.ts): liveness
 * before and after (the plugin's probe), resident memory before (after a warm-up: the same
 * load, smaller; see warmUpSizes) and after where the suite knows the server's process,
 * the keeper's answers, and the load's own counts, throughput and latency.
 *
 * `wireproof robustness` and `npm run ver` run it against each reference server as a child
 * process of its own; `conform --load` and `wireproof robustness --target/--spawn` against
 * the user's server (src/conform/load.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Endpoint } from '../conform/driver';
import type { LoadOptions } from '../conform/load';
import type { ProtocolPlugin } from '../conform/protocol';
import { protocolPlugin } from '../conform/protocols';
import type { RobustnessRun, RobustnessSection } from '../report/types';
import { GROWTH_LIMIT_MIB, judgeRun, livenessFailures, runVerdict, sectionVerdict, type RunJudgement } from './judge';
import type { Keeper, KeeperResult } from './keepers';
import type { Load, LoadOutcome } from './loads';
import type { MemoryMeter } from './memory';
import { FIXED_SIZES, loadsFor, warmUpSizes } from './profiles';
import { referenceServer, ServerProcess, type ServerCommand } from './process';
import { Rng } from './rng';
import { runsInShard, shardLabel, WHOLE, type Shard } from './shard';
import { counted } from '../conform/bytes-text';

export { GROWTH_LIMIT_MIB };

/** The server a load runs against now. */
export interface LoadInstance {
  endpoint: Endpoint;
  /** Its resident memory, where the suite knows its process. */
  memory?: MemoryMeter;
  /** Why it is gone, when it died. */
  exited(): string | undefined;
}

/** Where the loads go: a server the suite may start again after a load killed it, or one it cannot. */
export interface LoadTarget {
  label: string;
  /** The server for the next load: a fresh one where the suite starts servers and the last one died. */
  instance(): Promise<LoadInstance>;
  /** What of its memory is read, or "not measured: " and why (then no instance has a meter). */
  memory: string;
  stop(): Promise<void>;
}

/** The load options of the command line (but the process, which is the target's business), and the run's own. */
export interface LoadProfileOptions extends Omit<LoadOptions, 'pid'> {
  seed: number;
  /** Every single wait of a load (an answer, a close). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** Every wait of a load, unless told otherwise: a big answer behind many others takes a while on a loaded machine. */
export const LOAD_TIMEOUT_MS = 10_000;

/** Problems listed in a run's note; the rest are counted. */
const PROBLEMS_SHOWN = 3;

/** Runs every selected load of the protocol's profile against the target, in order. */
export async function runLoadProfile(plugin: ProtocolPlugin, target: LoadTarget, options: LoadProfileOptions): Promise<RobustnessRun[]> {
  const sizes = options.sizes ?? FIXED_SIZES;
  const shard = options.shard ?? WHOLE;
  const warmUps = loadsFor(plugin, warmUpSizes(sizes));
  const runs: RobustnessRun[] = [];
  for (const [index, load] of loadsFor(plugin, sizes).entries()) {
    if (options.only && !options.only.includes(load.name)) continue;
    const base = { protocol: plugin.name, load: load.name, count: 0, unit: '', durationMs: 0, verdict: 'N/A' as const };
    if ('reason' in load) {
      runs.push({ ...base, note: load.reason });
      continue;
    }
    if (!runsInShard(load, shard)) {
      runs.push({ ...base, note: `not divisible: runs whole in shard 1/${shard.count}`, shard: shardLabel(shard) });
      continue;
    }
    const run = await runLoad(plugin, load, warmUps[index] as Load, await target.instance(), target.memory, { ...options, shard });
    options.log?.(`load: ${plugin.name} ${run.load} ${run.verdict} in ${(run.durationMs / 1000).toFixed(1)} s` +
      `${run.growthMiB === undefined ? '' : `, RSS ${run.rssBeforeMiB} → ${run.rssAfterMiB} MiB`}; ${run.note}`);
    runs.push(run);
  }
  return runs;
}

async function runLoad(plugin: ProtocolPlugin, load: Load, warmUp: Load, server: LoadInstance, memoryNote: string, options: LoadProfileOptions & { shard: Shard }): Promise<RobustnessRun> {
  const timeoutMs = options.timeoutMs ?? LOAD_TIMEOUT_MS;
  const { endpoint, memory } = server;
  const probe = () => plugin.probe(endpoint, timeoutMs).then(() => true, () => false);
  const problems: string[] = [];
  const startedAt = new Date().toISOString();
  const base = {
    protocol: plugin.name, load: load.name, count: load.count, unit: load.unit, startedAt,
    ...(options.shard.count > 1 ? { shard: shardLabel(options.shard) } : {}),
  };

  const aliveBefore = await probe();
  if (!aliveBefore) {
    const notRun = 'the target did not answer the liveness probe before the load';
    return { ...base, durationMs: 0, aliveBefore, notRun, verdict: 'ERROR', note: `ERROR: ${notRun}` };
  }
  if (memory) {
    const warm = await warmUp.run({ endpoint, seed: options.seed + 1, timeoutMs, shard: options.shard, served: async () => undefined }).catch((err: Error) => ({ problems: [err.message], notRun: undefined }));
    if (warm.problems.length > 0) problems.push(`the warm-up: ${warm.problems[0]}`);
  }
  const rssBeforeMiB = memory?.readMiB();
  let keeper: Keeper | undefined;
  try {
    keeper = await plugin.load?.keeper?.(endpoint, new Rng(options.seed), timeoutMs);
  } catch (err) {
    problems.push(`the keeper could not place its requests: ${(err as Error).message}`);
  }
  const servedProblems: string[] = [];
  let service: Promise<KeeperResult> | undefined;
  const served = () => (service ??= (async () => {
    const kept = keeper ? await keeper.finish() : { expected: 0, lost: 0 };
    if (!(await probe())) servedProblems.push('a new client was not served while the load held its connections (liveness probe)');
    return kept;
  })());

  const started = performance.now();
  let outcome: LoadOutcome;
  try {
    outcome = await load.run({ endpoint, seed: options.seed, timeoutMs, shard: options.shard, durationMs: options.durationMs, served: () => served().then(() => undefined) });
  } catch (err) {
    outcome = { lost: 0, problems: [`the load broke off: ${(err as Error).message}`], note: '' };
  }
  const durationMs = Math.round(performance.now() - started);
  const kept = await served();
  keeper?.close();
  const aliveAfter = await probe();
  const died = server.exited();
  const rssAfterMiB = memory?.readMiB();
  const growthMiB = rssAfterMiB === undefined || rssBeforeMiB === undefined ? undefined : Math.round((rssAfterMiB - rssBeforeMiB) * 10) / 10;
  const seconds = Math.max(durationMs, 1) / 1000;
  const all = [...outcome.problems, ...servedProblems, ...problems];
  const answered = outcome.messages?.answered;

  const run: RobustnessRun = {
    ...base,
    durationMs,
    ...(rssBeforeMiB === undefined ? {} : { rssBeforeMiB }),
    ...(rssAfterMiB === undefined ? {} : { rssAfterMiB }),
    ...(growthMiB === undefined ? {} : { growthMiB }),
    aliveBefore,
    aliveAfter,
    lostAccepted: outcome.lost + kept.lost,
    verdict: 'PASS',
    note: '',
    // A new client not served while the load held its connections is the load's own finding (slowloris).
    ...(all.length ? { problems: all } : {}),
    ...(outcome.notRun ? { notRun: outcome.notRun } : {}),
    ...(died ? { died } : {}),
    ...(keeper ? { keeper: { expected: kept.expected, lost: kept.lost, ...(kept.problem ? { problem: kept.problem } : {}) } } : {}),
    ...(memory ? {} : { memory: memoryNote }),
    ...(outcome.messages ? { messages: outcome.messages } : {}),
    ...(outcome.clients ? { clients: outcome.clients } : {}),
    ...(answered !== undefined ? { throughput: { messagesPerSecond: Math.round(answered / seconds), mibPerSecond: Math.round(((outcome.bytes ?? 0) / seconds / (1 << 20)) * 100) / 100 } } : {}),
    ...(outcome.latency ? { latency: outcome.latency } : {}),
    ...(outcome.repetitions ? { repetitions: outcome.repetitions } : {}),
    ...(outcome.handled !== undefined ? { handled: outcome.handled } : {}),
  };
  const judged = judgeRun(run);
  run.verdict = runVerdict(run, judged);
  run.note = note(run, judged, outcome, warmUp, memory !== undefined);
  return run;
}

/** The run in words: what the load did, the accepted requests, where the memory reading starts, and what failed (as judged). */
function note(run: RobustnessRun, judged: RunJudgement, outcome: LoadOutcome, warmUp: Load, measured: boolean): string {
  if (run.notRun) return `ERROR: not run: ${run.notRun}`;
  const failures = [
    ...livenessFailures(run),
    ...(judged.memory.outcome === 'broken' ? [`resident memory grew by ${run.growthMiB} MiB (limit ${GROWTH_LIMIT_MIB})`] : []),
    ...(run.lostAccepted ? [`${counted(run.lostAccepted, 'accepted request')} lost or answered wrong`] : []),
    ...(run.problems ?? []),
  ];
  const shown = failures.slice(0, PROBLEMS_SHOWN).join('; ') + (failures.length > PROBLEMS_SHOWN ? `; and ${failures.length - PROBLEMS_SHOWN} more problems` : '');
  const accepted = run.keeper && run.keeper.expected > 0 ? ` ${run.keeper.expected - run.keeper.lost} of ${run.keeper.expected} requests accepted before the load answered after it.` : '';
  const soak = run.repetitions ? ` Soak: ${run.repetitions} repetitions.` : '';
  const rss = measured ? ` RSS before: after a warm-up of ${amount(warmUp)}.` : ` Memory ${run.memory}.`;
  return `${outcome.note}.${accepted}${soak}${rss}${run.verdict === 'FAIL' ? ` FAIL: ${shown}` : ''}`.replace(/^\. ?/, '');
}

/** "64 MiB without LF", "100 idle connections". */
function amount({ count, unit }: Load): string {
  return unit.startsWith('bytes') ? `${count / (1 << 20)} MiB${unit.slice('bytes'.length)}` : `${count} ${unit}`;
}

/** The section of the report (and of robustness.json) over runs of one or more protocols. */
export function loadSection(runs: RobustnessRun[], meta: { seed: number; durationMs: number; target?: string; memory?: string; shard?: Shard }): RobustnessSection {
  return {
    seed: meta.seed,
    growthLimitMiB: GROWTH_LIMIT_MIB,
    durationMs: meta.durationMs,
    verdict: sectionVerdict(runs),
    runs,
    ...(meta.target ? { target: meta.target } : {}),
    ...(meta.memory ? { memory: meta.memory } : {}),
    ...(meta.shard && meta.shard.count > 1 ? { shard: shardLabel(meta.shard) } : {}),
  };
}

/** A reference server as a child process: started on first use, and again when a load killed it. */
export function referenceTarget(protocol: string, command: (protocol: string) => ServerCommand = referenceServer): LoadTarget {
  let server: ServerProcess | undefined;
  return {
    label: `the reference ${protocol} server, a child process`,
    memory: 'VmRSS of the reference server, a child process of the suite, with any process it starts',
    async instance() {
      if (!server || server.exited()) server = await ServerProcess.start(command(protocol));
      const current = server;
      return { endpoint: current.endpoint, memory: current.memory(), exited: () => current.exited() };
    },
    stop: async () => { await server?.stop(); },
  };
}

export interface RobustnessOptions extends LoadProfileOptions {
  protocols: string[];
  /** How to start each protocol's server (default: `wireproof serve` with its defaults). */
  server?: (protocol: string) => ServerCommand;
}

/** The load profile of each protocol against its reference server, each a child process of its own. */
export async function runRobustness(options: RobustnessOptions): Promise<RobustnessSection> {
  const started = performance.now();
  const runs: RobustnessRun[] = [];
  for (const protocol of options.protocols) {
    const target = referenceTarget(protocol, options.server);
    try {
      runs.push(...(await runLoadProfile(protocolPlugin(protocol), target, options)));
    } finally {
      await target.stop();
    }
  }
  return loadSection(runs, { seed: options.seed, durationMs: Math.round(performance.now() - started), shard: options.shard });
}

/** reports/robustness.json: the section with its own schema number (1) and when it was written. */
function robustnessFile(section: RobustnessSection): object {
  return { schema: 1, written: new Date().toISOString(), ...section };
}

export async function writeRobustnessJson(section: RobustnessSection, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'robustness.json');
  await writeFile(file, JSON.stringify(robustnessFile(section), null, 2) + '\n', 'utf8');
  return file;
}
