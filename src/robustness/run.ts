/**
 * The robustness pass: every protocol's reference server as a child process, each
 * hostile load of its profile against it, and per load the figures it is judged on:
 * liveness before and after (the plugin's probe), resident memory before (after a
 * warm-up: the same load, smaller; see warmUpSizes) and after, and the keeper's answers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { protocolPlugin } from '../conform/protocols';
import type { RobustnessRun, RobustnessSection } from '../report/types';
import { KEEPERS, type Keeper, type KeeperResult } from './keepers';
import type { Load, LoadOutcome } from './loads';
import { FIXED_SIZES, loadsFor, warmUpSizes, type LoadSizes } from './profiles';
import { referenceServer, ServerProcess, type ServerCommand } from './process';
import { Rng } from './rng';

/** Resident memory a load may add to a server, in MiB (issue 7). */
export const GROWTH_LIMIT_MIB = 64;

export interface RobustnessOptions {
  protocols: string[];
  seed: number;
  sizes?: LoadSizes;
  /** Only the loads of these names (default: every load of each protocol's profile). */
  loads?: string[];
  /** Every single wait of a load (an answer, a close). */
  timeoutMs?: number;
  /** How to start each protocol's server (default: `wireproof serve` with its defaults). */
  server?: (protocol: string) => ServerCommand;
  log?: (line: string) => void;
}

/** Problems listed in a run's note; the rest are counted. */
const PROBLEMS_SHOWN = 3;

export async function runRobustness(options: RobustnessOptions): Promise<RobustnessSection> {
  const started = performance.now();
  const command = options.server ?? referenceServer;
  const runs: RobustnessRun[] = [];
  for (const protocol of options.protocols) {
    let server: ServerProcess | undefined;
    try {
      const sizes = options.sizes ?? FIXED_SIZES;
      const warmUps = loadsFor(protocol, warmUpSizes(sizes));
      for (const [index, load] of loadsFor(protocol, sizes).entries()) {
        if (options.loads && !options.loads.includes(load.name)) continue;
        if ('reason' in load) {
          runs.push({ protocol, load: load.name, count: 0, unit: '', durationMs: 0, verdict: 'N/A', note: load.reason });
          continue;
        }
        if (!server || server.exited()) server = await ServerProcess.start(command(protocol)); // a load that killed it leaves the next a fresh one
        const run = await runLoad(protocol, load, warmUps[index] as Load, server, options);
        options.log?.(`robustness: ${protocol} ${run.load} ${run.verdict} in ${(run.durationMs / 1000).toFixed(1)} s, RSS ${run.rssBeforeMiB} → ${run.rssAfterMiB ?? '?'} MiB; ${run.note}`);
        runs.push(run);
      }
    } finally {
      await server?.stop();
    }
  }
  return {
    seed: options.seed,
    growthLimitMiB: GROWTH_LIMIT_MIB,
    durationMs: Math.round(performance.now() - started),
    verdict: runs.some((run) => run.verdict === 'FAIL') ? 'FAIL' : 'PASS',
    runs,
  };
}

async function runLoad(protocol: string, load: Load, warmUp: Load, server: ServerProcess, options: RobustnessOptions): Promise<RobustnessRun> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { endpoint } = server;
  const plugin = protocolPlugin(protocol);
  const probe = () => plugin.probe(endpoint, timeoutMs).then(() => true, () => false);
  const problems: string[] = [];

  const aliveBefore = await probe();
  const warm = await warmUp.run({ endpoint, seed: options.seed + 1, timeoutMs, served: async () => undefined }).catch((err: Error) => ({ problems: [err.message] }));
  if (warm.problems.length > 0) problems.push(`the warm-up: ${warm.problems[0]}`);
  const rssBeforeMiB = server.rssMiB();
  let keeper: Keeper | undefined;
  try {
    keeper = await KEEPERS[protocol]?.(endpoint, new Rng(options.seed), timeoutMs);
  } catch (err) {
    problems.push(`the keeper could not place its requests: ${(err as Error).message}`);
  }
  let service: Promise<KeeperResult> | undefined;
  const served = () => (service ??= (async () => {
    const kept = keeper ? await keeper.finish() : { expected: 0, lost: 0 };
    if (kept.problem) problems.push(`a request accepted before the load: ${kept.problem}`);
    if (!(await probe())) problems.push('a new client was not served (liveness probe)');
    return kept;
  })());

  const started = performance.now();
  let outcome: LoadOutcome;
  try {
    outcome = await load.run({ endpoint, seed: options.seed, timeoutMs, served: () => served().then(() => undefined) });
  } catch (err) {
    outcome = { lost: 0, problems: [`the load broke off: ${(err as Error).message}`], note: '' };
  }
  const durationMs = Math.round(performance.now() - started);
  const kept = await served();
  keeper?.close();
  const aliveAfter = await probe();
  const died = server.exited();
  const rssAfterMiB = server.rssMiB();
  const growthMiB = rssAfterMiB === undefined || rssBeforeMiB === undefined ? undefined : Math.round((rssAfterMiB - rssBeforeMiB) * 10) / 10;
  const lostAccepted = outcome.lost + kept.lost;

  const all = [
    ...(aliveBefore ? [] : ['no answer to the liveness probe before the load']),
    ...(growthMiB !== undefined && growthMiB >= GROWTH_LIMIT_MIB ? [`resident memory grew by ${growthMiB} MiB (limit ${GROWTH_LIMIT_MIB})`] : []),
    ...(aliveAfter ? [] : ['no answer to the liveness probe after the load']),
    ...(died ? [died] : growthMiB === undefined ? ['resident memory could not be read: the process is gone'] : []),
    ...(lostAccepted > 0 ? [`${lostAccepted} accepted request${lostAccepted === 1 ? '' : 's'} lost or answered wrong`] : []),
    ...outcome.problems,
    ...problems,
  ];
  const pass = all.length === 0;
  const shown = all.slice(0, PROBLEMS_SHOWN).join('; ') + (all.length > PROBLEMS_SHOWN ? `; and ${all.length - PROBLEMS_SHOWN} more problems` : '');
  const accepted = kept.expected > 0 ? ` ${kept.expected - kept.lost} of ${kept.expected} requests accepted before the load answered after it.` : '';
  return {
    protocol,
    load: load.name,
    count: load.count,
    unit: load.unit,
    durationMs,
    ...(rssBeforeMiB === undefined ? {} : { rssBeforeMiB }),
    ...(rssAfterMiB === undefined ? {} : { rssAfterMiB }),
    ...(growthMiB === undefined ? {} : { growthMiB }),
    aliveBefore,
    aliveAfter,
    lostAccepted,
    verdict: pass ? 'PASS' : 'FAIL',
    note: `${outcome.note}.${accepted} RSS before: after a warm-up of ${amount(warmUp)}.${shown ? ` FAIL: ${shown}` : ''}`.replace(/^\. ?/, ''),
  };
}

/** "64 MiB without LF", "100 idle connections". */
function amount({ count, unit }: Load): string {
  return unit.startsWith('bytes') ? `${count / (1 << 20)} MiB${unit.slice('bytes'.length)}` : `${count} ${unit}`;
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
