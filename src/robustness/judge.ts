/**
 * How a load run is judged, from its record alone: the live run and `wireproof merge`
 * (which adds the shards' records up first) judge with this one function. Three
 * judgements per run: the load's own requirement (every message, client and input as the
 * protocol says), the server's liveness with the requests accepted before the load, and
 * its resident memory.
 */
import type { Outcome } from '../conform/verdict';
import type { RobustnessRun, RobustnessSection, RunVerdict } from '../report/types';
import { counted } from '../conform/bytes-text';
import { wrongCount } from './tally';

export interface Judgement {
  outcome: Outcome;
  message: string;
}

export interface RunJudgement {
  load: Judgement;
  kept: Judgement;
  memory: Judgement;
}

/** Resident memory a load may add to a server, in MiB (issue 7). */
export const GROWTH_LIMIT_MIB = 64;


/** The figures of a volume or many-clients run in one line: counts, throughput, latency. */
export function figures(run: RobustnessRun): string {
  const parts: string[] = [];
  const m = run.messages;
  if (m) parts.push(`${m.sent} messages sent, ${m.answered} answers: ${m.lost} lost, ${m.duplicated} duplicated, ${m.corrupted} corrupted, ${m.reordered} reordered${m.unsent ? `, ${m.unsent} never sent` : ''}`);
  if (run.clients) parts.push(`${run.clients.served} of ${run.clients.total} clients served (${run.clients.atOnce} at once)`);
  if (run.throughput) parts.push(`${run.throughput.messagesPerSecond} messages/s, ${run.throughput.mibPerSecond} MiB/s`);
  if (run.latency) parts.push(`latency p50 ${run.latency.p50Ms} ms, p99 ${run.latency.p99Ms} ms, max ${run.latency.maxMs} ms`);
  return parts.join('; ');
}

function judgeLoad(run: RobustnessRun): Judgement {
  const m = run.messages;
  const wrong = m ? wrongCount(m) : 0;
  const problems = run.problems ?? [];
  const summary = figures(run) || `${run.count} ${run.unit}`;
  if (problems.length === 0 && wrong === 0 && !run.clients?.failed) return { outcome: 'passed', message: summary };
  return { outcome: 'broken', message: `${problems.slice(0, 3).join('; ') || 'messages went wrong'}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''} (${summary})` };
}

/** What broke of the server's life during the load: no answer to the probe after it, the process gone. */
export function livenessFailures(run: RobustnessRun): string[] {
  return [...(run.aliveAfter === false ? ['no answer to the liveness probe after the load'] : []), ...(run.died ? [run.died] : [])];
}

function judgeKept(run: RobustnessRun): Judgement {
  const keeper = run.keeper;
  const accepted = keeper && keeper.expected > 0 ? `${keeper.expected - keeper.lost} of ${keeper.expected} requests accepted before the load answered after it` : 'no keeper: the load checks every answer of its own (one client at a time)';
  const wrong = [
    ...livenessFailures(run),
    ...(keeper && keeper.lost > 0 ? [`${counted(keeper.lost, 'accepted request')} lost or answered wrong${keeper.problem ? ` (${keeper.problem})` : ''}`] : []),
  ];
  return wrong.length === 0
    ? { outcome: 'passed', message: `alive before and after; ${accepted}` }
    : { outcome: 'broken', message: wrong.join('; ') };
}

function judgeMemory(run: RobustnessRun): Judgement {
  if (run.growthMiB !== undefined) {
    const figure = `resident memory ${run.rssBeforeMiB} → ${run.rssAfterMiB} MiB, growth ${run.growthMiB} MiB (limit ${GROWTH_LIMIT_MIB})`;
    return { outcome: run.growthMiB < GROWTH_LIMIT_MIB ? 'passed' : 'broken', message: figure };
  }
  if (run.memory) return { outcome: 'info', message: run.memory };
  return { outcome: 'error', message: 'resident memory could not be read after the load: the process is gone' };
}

export function judgeRun(run: RobustnessRun): RunJudgement {
  if (run.notRun) {
    const notRun: Judgement = { outcome: 'error', message: `not run: ${run.notRun}` };
    return { load: notRun, kept: notRun, memory: notRun };
  }
  return { load: judgeLoad(run), kept: judgeKept(run), memory: judgeMemory(run) };
}

/** A run's verdict (from its judgement, when the caller has it already): FAIL when any judgement is broken, ERROR when it could not run. */
export function runVerdict(run: RobustnessRun, judged?: RunJudgement): RunVerdict {
  if (run.verdict === 'N/A') return 'N/A';
  const { load, kept, memory } = judged ?? judgeRun(run);
  if ([load, kept, memory].some((judgement) => judgement.outcome === 'broken')) return 'FAIL';
  return run.notRun ? 'ERROR' : 'PASS';
}

/** A section's verdict: FAIL when any of its runs failed. */
export const sectionVerdict = (runs: RobustnessRun[]): RobustnessSection['verdict'] => (runs.some((run) => run.verdict === 'FAIL') ? 'FAIL' : 'PASS');
