/**
 * `wireproof merge`: report.json files into one report and one verdict. The shards of one
 * sharded load run (each report says which it is: `shard` "I/N") are added up: a load's
 * counts, clients, keeper answers and latency histograms sum to what one unsharded run
 * would have counted, liveness holds only where every shard saw it hold, memory keeps the
 * largest growth any shard read, and the load cases are judged again from the sums with
 * the same function the live run uses. Reports that are not shards (say, one per
 * protocol) are joined: their requirements side by side.
 */
import { loadCases } from '../conform/load';
import { caseVerdict, EXIT, exitCode, summarize, worstVerdict } from '../conform/verdict';
import { figures, runVerdict, sectionVerdict } from '../robustness/judge';
import { loadSection } from '../robustness/run';
import { parseShard } from '../robustness/shard';
import { LatencyHistogram } from '../robustness/latency';
import { addCounts, NO_MESSAGES } from '../robustness/tally';
import { withSections } from './build';
import type { CaseResult, Report, RequirementResult, RobustnessRun, RobustnessSection } from './types';
import { VERDICT_ORDER } from './types';

/** Reports that cannot be merged into one run (shards missing or twice, different seeds): a usage error. */
export class MergeError extends Error {
  override name = 'MergeError';
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const endOf = (run: RobustnessRun) => (run.startedAt ? Date.parse(run.startedAt) : 0) + run.durationMs;

/** The shard count the reports are shards of, or undefined when none is a shard; throws when they are not one whole run. */
function shardCount(reports: Report[]): number | undefined {
  const labels = reports.map((r) => r.shard);
  if (labels.every((label) => label === undefined)) return undefined;
  if (labels.some((label) => label === undefined)) throw new MergeError('some reports are shards (--shard) and some are not: merge the shards of one run, or whole runs');
  const shards = labels.map((label) => {
    try {
      return parseShard(label!);
    } catch (err) {
      throw new MergeError(`a report's shard: ${(err as Error).message}`);
    }
  });
  const count = shards[0].count;
  if (shards.some((s) => s.count !== count)) throw new MergeError(`the reports are shards of different splits (${labels.join(', ')})`);
  const seen = new Set<number>();
  for (const s of shards) {
    if (seen.has(s.index)) throw new MergeError(`shard ${s.index}/${count} is given twice`);
    seen.add(s.index);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the merged counts would not be one run's`);
  const seeds = [...new Set(reports.map((r) => r.seed))];
  if (seeds.length > 1) throw new MergeError(`the shards ran with different seeds (${seeds.join(', ')}): their shares are not one run's`);
  return count;
}

/** One load's runs in every shard, added up into one run. */
function mergeRuns(runs: RobustnessRun[], shards: number): RobustnessRun {
  const real = runs.filter((run) => run.verdict !== 'N/A');
  const { shard: _shard, ...first } = real[0] ?? runs[0];
  if (real.length === 0) return first;
  const starts = real.filter((run) => run.startedAt).map((run) => Date.parse(run.startedAt!));
  const start = starts.length ? Math.min(...starts) : undefined;
  const durationMs = start === undefined ? Math.max(...real.map((run) => run.durationMs)) : Math.max(...real.map(endOf)) - start;
  const measured = real.filter((run) => run.growthMiB !== undefined);
  const grown = measured.length ? measured.reduce((a, b) => (b.growthMiB! > a.growthMiB! ? b : a)) : undefined;
  const problems = real.flatMap((run) => (run.problems ?? []).map((p) => `${run.shard ? `shard ${run.shard}: ` : ''}${p}`));
  const notRun = real.find((run) => run.notRun);
  const died = real.find((run) => run.died)?.died;
  const keepers = real.filter((run) => run.keeper);
  const messages = real.filter((run) => run.messages).map((run) => run.messages!);
  const clients = real.filter((run) => run.clients).map((run) => run.clients!);
  const latencies = real.filter((run) => run.latency);
  const histogram = new LatencyHistogram();
  for (const run of latencies) histogram.add(run.latency!);
  const latency = histogram.summary();
  const seconds = Math.max(durationMs, 1) / 1000;
  const merged: RobustnessRun = {
    protocol: first.protocol,
    load: first.load,
    count: first.count,
    unit: first.unit,
    durationMs,
    ...(start === undefined ? {} : { startedAt: new Date(start).toISOString() }),
    ...(grown ? { rssBeforeMiB: grown.rssBeforeMiB, rssAfterMiB: grown.rssAfterMiB, growthMiB: grown.growthMiB } : {}),
    aliveBefore: real.every((run) => run.aliveBefore !== false),
    aliveAfter: real.every((run) => run.aliveAfter !== false),
    lostAccepted: sum(real.map((run) => run.lostAccepted ?? 0)),
    verdict: 'PASS',
    note: '',
    shard: `1-${shards}/${shards}`,
    ...(problems.length ? { problems: problems.slice(0, 20) } : {}),
    ...(notRun ? { notRun: `shard ${notRun.shard ?? '?'}: ${notRun.notRun}` } : {}),
    ...(died ? { died } : {}),
    ...(keepers.length ? { keeper: { expected: sum(keepers.map((r) => r.keeper!.expected)), lost: sum(keepers.map((r) => r.keeper!.lost)), ...(keepers.find((r) => r.keeper!.problem) ? { problem: keepers.find((r) => r.keeper!.problem)!.keeper!.problem } : {}) } } : {}),
    ...(grown ? {} : first.memory ? { memory: first.memory } : {}),
    ...(messages.length ? {
      messages: { ...messages.reduce(addCounts, NO_MESSAGES), ...(messages.some((m) => m.byPosition) ? { byPosition: true } : {}) },
    } : {}),
    ...(clients.length ? { clients: { total: sum(clients.map((c) => c.total)), served: sum(clients.map((c) => c.served)), failed: sum(clients.map((c) => c.failed)), atOnce: sum(clients.map((c) => c.atOnce)) } } : {}),
    ...(messages.length ? {
      throughput: {
        messagesPerSecond: Math.round(sum(messages.map((m) => m.answered)) / seconds),
        mibPerSecond: Math.round((sum(real.map((run) => (run.throughput?.mibPerSecond ?? 0) * run.durationMs)) / Math.max(durationMs, 1)) * 100) / 100,
      },
    } : {}),
    ...(latency ? { latency } : {}),
    ...(real.some((run) => run.repetitions) ? { repetitions: Math.max(...real.map((run) => run.repetitions ?? 1)) } : {}),
    ...(real.some((run) => run.handled !== undefined) ? { handled: sum(real.map((run) => run.handled ?? 0)) } : {}),
  };
  merged.verdict = runVerdict(merged);
  merged.note = `${real.length} of ${shards} shards ran it, merged: ${figures(merged) || `${merged.count} ${merged.unit}`}` +
    `${merged.growthMiB === undefined ? `; memory ${merged.memory ?? 'not read'}` : `; the largest growth a shard read: ${merged.growthMiB} MiB`}` +
    `${merged.verdict === 'FAIL' ? `; FAIL: ${[...(merged.problems ?? []), ...(merged.aliveAfter ? [] : ['no answer to the liveness probe after the load'])].slice(0, 3).join('; ')}` : ''}`;
  return merged;
}

/** The robustness sections of the shards, each load's runs merged (in the order the first shard ran them). */
function mergeSections(sections: RobustnessSection[], shards: number): RobustnessSection {
  const all = sections.flatMap((s) => s.runs);
  const keys: string[] = [];
  const groups = new Map<string, RobustnessRun[]>();
  for (const run of all) {
    const key = `${run.protocol} ${run.load}`;
    if (!groups.has(key)) {
      keys.push(key);
      groups.set(key, []);
    }
    groups.get(key)!.push(run);
  }
  const runs = keys.map((key) => mergeRuns(groups.get(key)!, shards));
  const timed = all.filter((r) => r.startedAt);
  const starts = timed.map((r) => Date.parse(r.startedAt!));
  const ends = timed.map(endOf);
  const section = loadSection(runs, {
    seed: sections[0].seed,
    durationMs: starts.length ? Math.max(...ends) - Math.min(...starts) : Math.max(...sections.map((s) => s.durationMs)),
    target: sections[0].target,
    memory: sections.find((s) => s.memory)?.memory,
  });
  return { ...section, shard: `1-${shards}/${shards}` };
}

const rank = (verdict: string) => VERDICT_ORDER.indexOf(verdict as (typeof VERDICT_ORDER)[number]);

/** Every report's requirements side by side; a case present in several keeps its worst verdict. */
function joinRequirements(reports: Report[]): RequirementResult[] {
  const byId = new Map<string, RequirementResult>();
  for (const requirement of reports.flatMap((r) => r.requirements)) {
    const known = byId.get(requirement.id);
    if (!known) {
      byId.set(requirement.id, { ...requirement, cases: [...requirement.cases] });
      continue;
    }
    for (const c of requirement.cases) {
      const at = known.cases.findIndex((k) => k.name === c.name);
      if (at === -1) known.cases.push(c);
      else if (rank(c.verdict) < rank(known.cases[at].verdict)) known.cases[at] = c;
    }
  }
  return [...byId.values()];
}

/** The load cases judged again from the merged runs, in place of the shards' own. */
function rejudgeLoadCases(requirements: RequirementResult[], runs: RobustnessRun[]): void {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const fresh = loadCases(runs);
  for (const requirement of requirements) {
    if (fresh.some((c) => c.ids.includes(requirement.id))) requirement.cases = requirement.cases.filter((c) => !c.name.startsWith('load: '));
  }
  for (const outcome of fresh) {
    const requirement = byId.get(outcome.ids[0]);
    if (!requirement) continue; // not selected in the shards' runs
    const { ids: _ids, outcome: how, ...rest } = outcome;
    requirement.cases.push({ ...rest, verdict: caseVerdict(how, requirement.level) } as CaseResult);
  }
}

export function mergeReports(reports: Report[], options: { strict?: boolean } = {}): Report {
  if (reports.length === 0) throw new MergeError('no report to merge');
  const shards = shardCount(reports);
  const requirements = joinRequirements(reports);
  const sections = reports.filter((r) => r.robustness).map((r) => r.robustness!);
  let robustness: RobustnessSection | undefined;
  if (sections.length && shards !== undefined) {
    robustness = mergeSections(sections, shards);
    rejudgeLoadCases(requirements, robustness.runs);
  } else if (sections.length) {
    const runs = sections.flatMap((s) => s.runs);
    robustness = { ...sections[0], runs, verdict: sectionVerdict(runs), durationMs: sum(sections.map((s) => s.durationMs)) };
  }
  for (const requirement of requirements) requirement.verdict = worstVerdict(requirement.cases.map((c) => c.verdict));
  const started = Math.min(...reports.map((r) => Date.parse(r.started)));
  const ended = Math.max(...reports.map((r) => Date.parse(r.started) + r.durationMs));
  let code = exitCode(requirements, options.strict ?? false);
  if (code === EXIT.ok && reports.some((r) => r.exitCode === EXIT.infrastructure)) code = EXIT.infrastructure;
  const targets = [...new Set(reports.map((r) => r.target))];
  const security = reports.find((r) => r.security)?.security;
  const coverage = reports.find((r) => r.coverage)?.coverage;
  const merged: Report = {
    schema: 1,
    suite: reports[0].suite,
    target: targets.join('; '),
    seed: reports[0].seed,
    started: new Date(started).toISOString(),
    durationMs: ended - started,
    requirements,
    summary: summarize(requirements),
    ...(coverage ? { coverage } : {}),
    exitCode: code,
  };
  return withSections(merged, { ...(robustness ? { robustness } : {}), ...(security ? { security } : {}) });
}
