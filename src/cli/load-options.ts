/** The options of the load profile, shared by `conform --load` and `robustness`. */
import { UsageError } from '../conform/errors';
import type { LoadOptions } from '../conform/load';
import { withSections } from '../report/build';
import type { Report, RobustnessRun } from '../report/types';
import { processExists } from '../robustness/memory';
import { LOAD_NAMES, scaledSizes } from '../robustness/profiles';
import { loadSection } from '../robustness/run';
import { parseShard } from '../robustness/shard';
import { toNumber } from './args';

export const LOAD_OPTIONS = {
  'load-only': { type: 'string', multiple: true },
  'load-scale': { type: 'string' },
  duration: { type: 'string' },
  shard: { type: 'string' },
  pid: { type: 'string' },
} as const;

export const LOAD_HELP = `  --load-only NAME      only this load (repeatable): ${LOAD_NAMES.join(', ')}
  --load-scale X        the loads' counts times X (0 < X <= 1): 10,000 volume messages, 1,000 clients x 100
                        messages (300 at once), 1 GiB oversized line, 10,000 malformed inputs, 1,000 idle
                        connections at 1
  --duration D          soak: the volume and many-clients loads each repeat for D (60s, 5m, 1h)
  --shard I/N           this machine's share of the loads' clients (I = 1..N); the loads that cannot be
                        divided (one connection, one stream) and the non-load cases run in shard 1;
                        join the N report.json files with \`wireproof merge\`
  --pid N               the --target's process: its resident memory (with its children's) is read under
                        load; without it the memory cases are INFO "not measured"`;

/** "60s", "5m", "1h", "500ms" or a number of seconds, in ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration is a time such as 60s, 5m or 1h, not "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** --load-scale X: the loads' counts times X (0 < X <= 1). */
export function loadScaleOption(text: string | undefined): number | undefined {
  const scale = toNumber('load-scale', text, { min: 0 });
  if (scale !== undefined && (scale <= 0 || scale > 1)) throw new UsageError(`--load-scale is a number over 0 and at most 1, not "${text}"`);
  return scale;
}

type LoadValues = { [K in keyof typeof LOAD_OPTIONS]?: K extends 'load-only' ? string[] : string };

/** Whether any load option was given (each implies --load). */
export const anyLoadOption = (values: LoadValues) => Object.keys(LOAD_OPTIONS).some((key) => values[key as keyof LoadValues] !== undefined);

/** The load options of a command line, checked against the protocols they are for. */
export function loadOptions(values: LoadValues, target: { target?: string; spawn?: string }): LoadOptions {
  for (const name of values['load-only'] ?? []) {
    if (!(LOAD_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown load "${name}" (known: ${LOAD_NAMES.join(', ')})`);
  }
  const scale = loadScaleOption(values['load-scale']);
  let shard;
  try {
    shard = values.shard === undefined ? undefined : parseShard(values.shard);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const pid = toNumber('pid', values.pid, { min: 1, integer: true });
  if (pid !== undefined) {
    if (!target.target) throw new UsageError('--pid is for a --target: the suite knows the process it starts (--spawn, the embedded server)');
    if (!processExists(pid)) throw new UsageError(`--pid ${pid}: no such process on this machine`);
  }
  return {
    ...(values['load-only'] ? { only: values['load-only'] } : {}),
    ...(scale !== undefined ? { sizes: scaledSizes(scale) } : {}),
    ...(values.duration ? { durationMs: parseDuration(values.duration) } : {}),
    ...(shard ? { shard } : {}),
    ...(pid !== undefined ? { pid } : {}),
  };
}

/** The report with its load section (conform --load), and the shard it is. */
export function withLoadSection(report: Report, part: { target: string; load?: { runs: RobustnessRun[]; memory?: string } }, load: LoadOptions | undefined): Report {
  if (!load || !part.load) return report;
  const section = loadSection(part.load.runs, {
    seed: report.seed,
    durationMs: part.load.runs.reduce((sum, run) => sum + run.durationMs, 0),
    target: part.target,
    memory: part.load.memory,
    shard: load.shard,
  });
  const withSection = withSections(report, { robustness: section });
  return section.shard ? { ...withSection, shard: section.shard } : withSection;
}
