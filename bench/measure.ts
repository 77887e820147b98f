/**
 * Shared measuring helpers: contenders doing the same work are timed side by side in
 * one process, in interleaved rounds, and compared by the median round.
 */

export type Unit = 'MB/s' | 'ops/s';

/** One way of doing the work being compared. */
export interface Contender {
  name: string;
  /**
   * Does the work once ("one pass") and returns a tally (lines, bytes, characters...).
   * A pass whose tally differs from `expect` aborts the bench: a broken contender
   * must not look fast.
   */
  pass(): number | Promise<number>;
  expect: number;
}

export interface SideBySideOptions {
  unit: Unit;
  /** Work one pass does: bytes for MB/s, operations for ops/s. */
  workPerPass: number;
  /** Untimed passes per contender first, so every contender is optimised before timing. */
  warmupPasses: number;
  /** Timed rounds; each round times every contender once, in a rotating order. */
  rounds: number;
  /** Each contender repeats its pass until its share of a round lasts at least this long. */
  minRoundMs: number;
}

export interface Measurement {
  name: string;
  /** A rate, or seconds for a wall time. */
  unit: Unit | 's';
  /** Median of the round figures. */
  figure: number;
  /** The figure each round measured, in round order. */
  rounds: number[];
  passesPerRound: number;
}

/** `bytes` cut into `chunkBytes` chunks, each its own copy, as separate socket reads would hand them over. */
export function socketChunks(bytes: Buffer, chunkBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(Buffer.from(bytes.subarray(at, at + chunkBytes)));
  return chunks;
}

/** The rate `work` units in `ns` nanoseconds stand for. */
export function rate(unit: Unit, work: number, ns: number): number {
  const seconds = ns / 1e9;
  return unit === 'MB/s' ? work / 1e6 / seconds : work / seconds;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The order contenders run in during `round`: rotated, so none always follows the same one. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function checkedPass(contender: Contender): Promise<void> {
  const tally = await contender.pass();
  if (tally !== contender.expect) {
    throw new Error(`bench contender "${contender.name}" tallied ${tally}, expected ${contender.expect}`);
  }
}

async function timePasses(contender: Contender, passes: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < passes; i++) await checkedPass(contender);
  return Number(process.hrtime.bigint() - start);
}

/**
 * Lets the event loop turn. A synchronous pass awaited in a loop only ever yields to
 * microtasks, so a group of them would hold off every timer for seconds: the heartbeats
 * of a live contender set up beside them, say, whose remote then gives up.
 */
const turnEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Warms up, calibrates and times every contender in the same rounds; figures keyed by name. */
export async function measureSideBySide(
  contenders: readonly Contender[],
  options: SideBySideOptions,
): Promise<Map<string, Measurement>> {
  const passesPerRound = new Map<Contender, number>();
  for (const contender of contenders) {
    for (let i = 0; i < options.warmupPasses; i++) {
      await checkedPass(contender);
      await turnEventLoop();
    }
    const onePassMs = (await timePasses(contender, 1)) / 1e6;
    passesPerRound.set(contender, Math.max(1, Math.ceil(options.minRoundMs / Math.max(onePassMs, 1e-3))));
  }
  const figures = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const contender of roundOrder(contenders, round)) {
      const passes = passesPerRound.get(contender)!;
      const ns = await timePasses(contender, passes);
      figures.get(contender)!.push(rate(options.unit, options.workPerPass * passes, ns));
      await turnEventLoop(); // untimed
    }
  }
  const measured = new Map<string, Measurement>();
  for (const contender of contenders) {
    const rounds = figures.get(contender)!;
    measured.set(contender.name, {
      name: contender.name,
      unit: options.unit,
      figure: median(rounds),
      rounds,
      passesPerRound: passesPerRound.get(contender)!,
    });
  }
  return measured;
}

/**
 * Measures groups one after another, each side by side in rounds of its own, and merges
 * their figures. A target's subject and baseline go in one group, the rows that only explain
 * it in others: interleaved with contenders that allocate heavily (a 16 MiB concat, a
 * stream), a pair gets their garbage collected in its rounds, and the noise decides the verdict.
 */
export async function measureInGroups(
  groups: readonly (readonly Contender[])[],
  options: SideBySideOptions,
): Promise<Map<string, Measurement>> {
  const merged = new Map<string, Measurement>();
  for (const group of groups) {
    for (const [name, measurement] of await measureSideBySide(group, options)) merged.set(name, measurement);
  }
  return merged;
}

/** What a result must reach: at least `ratio` times the `baseline` contender's figure. */
export interface Target {
  baseline: string;
  ratio: number;
}

/**
 * One line of the bench report: a subject, what it was compared with, and its target. A
 * figure in seconds (a wall time) is reported beside its baselines with no target.
 */
export interface BenchResult {
  name: string;
  unit: Measurement['unit'];
  figure: number;
  /** Baseline name → its figure, in the same unit. */
  comparisons: Record<string, number>;
  /** Baseline name → figure / baseline figure (for rates, above 1: the subject is faster). */
  ratios: Record<string, number>;
  /** None for a row that is reported only (no target to meet). */
  target?: Target;
  /** Whether the target was met (true for a row without one). */
  met: boolean;
  /** Why the numbers look as they do, when that needs saying. */
  note?: string;
}

/** One measurement of a module: its contenders side by side, giving one or more results. */
export type BenchPart = () => Promise<BenchResult[]>;

/**
 * A bench module: a protocol's `bench/<protocol>.ts` exports one. The runner gives each part
 * a fresh process: one part's garbage, JIT feedback and allocator state must not tilt the next.
 */
export interface BenchModule {
  name: string;
  parts: readonly BenchPart[];
}

function measurementOf(measured: ReadonlyMap<string, Measurement>, name: string): Measurement {
  const measurement = measured.get(name);
  if (!measurement) throw new Error(`no measurement named "${name}"`);
  return measurement;
}

/** Compares one measured subject with named baselines; the target's baseline must be among them. */
export function compare(
  measured: ReadonlyMap<string, Measurement>,
  spec: { name: string; subject: string; baselines: readonly string[]; target?: Target; note?: string },
): BenchResult {
  if (spec.target && !spec.baselines.includes(spec.target.baseline)) {
    throw new Error(`target baseline "${spec.target.baseline}" is not compared in "${spec.name}"`);
  }
  const subject = measurementOf(measured, spec.subject);
  const comparisons: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  for (const baseline of spec.baselines) {
    const other = measurementOf(measured, baseline);
    if (other.unit !== subject.unit) throw new Error(`"${baseline}" is in ${other.unit}, not ${subject.unit}`);
    comparisons[baseline] = other.figure;
    ratios[baseline] = subject.figure / other.figure;
  }
  return {
    name: spec.name,
    unit: subject.unit,
    figure: subject.figure,
    comparisons,
    ratios,
    ...(spec.target ? { target: spec.target } : {}),
    met: spec.target ? ratios[spec.target.baseline] >= spec.target.ratio : true,
    ...(spec.note === undefined ? {} : { note: spec.note }),
  };
}
