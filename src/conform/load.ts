/**
 * The load profile (`conform --load`): the loads of src/robustness/ against the target,
 * each judged into cases of the requirements SRS-<P>-093 to 099, the same numbers for
 * every protocol. A protocol's part is its plugin's `load` (src/conform/<p>/load.ts).
 *
 * Where the suite starts the server itself it measures its memory: the embedded target's
 * loads go to a reference server of their own, a child process (the in-process embedded
 * server's memory is the suite's own); a --spawn command is measured as the process tree it
 * started; a --target only with --pid N. Elsewhere the memory cases are INFO, "not measured".
 */
import type { RobustnessRun } from '../report/types';
import { judgeRun, type Judgement } from '../robustness/judge';
import type { Load } from '../robustness/loads';
import { processExists, treeMemory } from '../robustness/memory';
import { FIXED_SIZES, loadsFor, type LoadName, type LoadSizes } from '../robustness/profiles';
import { referenceTarget, runLoadProfile, type LoadTarget } from '../robustness/run';
import { runsInShard, WHOLE, type Shard } from '../robustness/shard';
import type { ProtocolPlugin } from './protocol';
import type { Target, TargetInstance } from './target';
import type { CaseOutcome } from './verdict';

/** What `--load` and its options ask for. */
export interface LoadOptions {
  /** Only the loads of these names (--load-only; default: every load of the profile). */
  only?: string[];
  sizes?: LoadSizes;
  shard?: Shard;
  /** The soak (--duration): the volume and many-clients loads repeat for this long. */
  durationMs?: number;
  /** The target's process, for its memory (--pid, with --target). */
  pid?: number;
}

/** The requirement each load verifies, besides the two every load verifies (kept: 098, memory: 099). */
const LOAD_REQUIREMENT: Readonly<Record<string, number>> = {
  volume: 93,
  'many-clients': 94,
  'oversized-line': 95,
  'length-claims': 95,
  slowloris: 96,
  malformed: 97,
} satisfies Record<LoadName, number>;
const KEPT = 98;
const MEMORY = 99;

const idOf = (protocol: string, n: number) => `SRS-${protocol.toUpperCase()}-${String(n).padStart(3, '0')}`;

/** Whether a requirement id is one of the load profile's (093 to 099): without --load they are not selected. */
export const isLoadRequirement = (id: string) => /-09[3-9]$/.test(id);

/** The loads of a protocol that apply to it (not the N/A ones), at the fixed sizes; with `only`, those of these names. */
function applicableLoads(plugin: ProtocolPlugin, only?: string[]): Load[] {
  if (!plugin.load) return [];
  return loadsFor(plugin, FIXED_SIZES).filter((load): load is Load => !('reason' in load) && (!only || only.includes(load.name)));
}

/**
 * The requirement ids these load options verify (all the protocol's with none): a load's
 * own id for each load that runs (`first` loads only in shard 1), and 098 and 099.
 */
export function loadRequirementIds(plugin: ProtocolPlugin, options: LoadOptions = {}): string[] {
  const shard = options.shard ?? WHOLE;
  const loads = applicableLoads(plugin, options.only).filter((load) => runsInShard(load, shard));
  if (loads.length === 0) return [];
  return [...new Set([...loads.map((load) => LOAD_REQUIREMENT[load.name]), KEPT, MEMORY])].sort((a, b) => a - b).map((n) => idOf(plugin.name, n));
}

/** The three cases of a load: its own requirement, kept (098), memory (099). */
function casesOfLoad(protocol: string, load: string): { name: string; ids: string[] }[] {
  return [
    { name: `load: ${load}`, ids: [idOf(protocol, LOAD_REQUIREMENT[load])] },
    { name: `load: ${load}: the server alive after it, requests accepted before it answered`, ids: [idOf(protocol, KEPT)] },
    { name: `load: ${load}: resident memory`, ids: [idOf(protocol, MEMORY)] },
  ];
}

/** Every case the load profile adds for a protocol, before selection (`wireproof list`). */
export function loadCaseNames(plugin: ProtocolPlugin): { name: string; ids: string[] }[] {
  return applicableLoads(plugin).flatMap((load) => casesOfLoad(plugin.name, load.name));
}

function caseOf(run: RobustnessRun, { name, ids }: { name: string; ids: string[] }, judged: Judgement, replay: string | undefined): CaseOutcome {
  return {
    name,
    kind: 'scenario',
    ids,
    outcome: judged.outcome,
    durationMs: run.durationMs,
    message: judged.message,
    ...(replay && (judged.outcome === 'broken' || judged.outcome === 'error') ? { replay } : {}),
  };
}

/**
 * The cases of load runs: per run, its own requirement, the server alive after it with the
 * accepted requests answered, and its memory. A pure function of the runs: `wireproof
 * merge` judges merged runs with it. `replayBase` (the command line without --seed) gives
 * each failing case the command that runs its load again.
 */
export function loadCases(runs: RobustnessRun[], replay?: { base: string; seed: number }): CaseOutcome[] {
  return runs.filter((run) => run.verdict !== 'N/A').flatMap((run) => {
    const judged = judgeRun(run);
    const again = replay && `${replay.base} --load-only ${run.load} --seed ${replay.seed}${run.shard && !run.shard.includes('-') ? ` --shard ${run.shard}` : ''}`;
    const [own, kept, memory] = casesOfLoad(run.protocol, run.load);
    return [caseOf(run, own, judged.load, again), caseOf(run, kept, judged.kept, again), caseOf(run, memory, judged.memory, again)];
  });
}

/** The target's instance as the loads see it: a spawned server measured as its process tree. */
function spawned(instance: TargetInstance) {
  return {
    endpoint: instance.endpoint,
    ...(instance.pid ? { memory: treeMemory(instance.pid, 'the --spawn command and every process it started') } : {}),
    exited: () => instance.exited(),
  };
}

/** Where the load profile goes for each kind of target (see the top of this file). */
export function loadTargetOf(plugin: ProtocolPlugin, target: Target, pid?: number): LoadTarget {
  switch (target.kind) {
    case 'embedded':
      return referenceTarget(plugin.name);
    case 'spawn': {
      let current = target.main;
      return {
        label: target.label,
        memory: 'VmRSS summed over the process tree the --spawn command started (sh -c and what it runs)',
        async instance() {
          if (current.exited()) current = await target.fresh(); // a load killed it: the next gets a fresh one
          return spawned(current);
        },
        stop: async () => undefined, // the conformance run stops what it spawned
      };
    }
    case 'external': {
      const memory = pid === undefined ? undefined : treeMemory(pid, `--pid ${pid}`);
      return {
        label: target.label,
        instance: async () => ({
          endpoint: target.main.endpoint,
          ...(memory ? { memory } : {}),
          exited: () => (pid !== undefined && !processExists(pid) ? `the process --pid ${pid} is gone` : undefined),
        }),
        memory: memory?.describe ?? 'not measured: the suite does not know the process of a --target (give --pid N)',
        stop: async () => undefined,
      };
    }
  }
}

export interface LoadPhaseContext {
  plugin: ProtocolPlugin;
  target: Target;
  load: LoadOptions;
  /** The requirement ids selected: a load runs when one of its three is. */
  selected: ReadonlySet<string>;
  seed: number;
  timeoutMs: number;
  replayBase: string;
  log(line: string): void;
  onCase(outcome: CaseOutcome): void;
}

/** Runs the selected loads against the target; their cases (selected ids only) and their runs for the report's section. */
export async function runLoadPhase(context: LoadPhaseContext): Promise<{ outcomes: CaseOutcome[]; runs: RobustnessRun[]; memory?: string }> {
  const { plugin, load } = context;
  const { pid, ...profile } = load;
  const wanted = applicableLoads(plugin, load.only)
    .filter((l) => [LOAD_REQUIREMENT[l.name], KEPT, MEMORY].some((n) => context.selected.has(idOf(plugin.name, n))))
    .map((l) => l.name);
  if (wanted.length === 0) return { outcomes: [], runs: [] };
  const target = loadTargetOf(plugin, context.target, pid);
  try {
    context.log(`${plugin.name}: load profile (${wanted.join(', ')}) against ${target.label}`);
    const runs = await runLoadProfile(plugin, target, { ...profile, only: wanted, seed: context.seed, timeoutMs: context.timeoutMs, log: context.log });
    const outcomes = loadCases(runs, { base: context.replayBase, seed: context.seed }).filter((c) => context.selected.has(c.ids[0]));
    outcomes.forEach(context.onCase);
    return { outcomes, runs, memory: target.memory };
  } finally {
    await target.stop();
  }
}
