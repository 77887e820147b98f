/**
 * What every protocol's client properties share: a run is one client process against the
 * suite's server, whose answer fast-check scripts (its bytes, their write boundaries, and
 * how it ends: whole, or cut by a close or a reset at any offset). A failing run shrinks
 * to the smallest script; the property's replay command runs it again (--case, --seed).
 */
import fc from 'fast-check';
import { SuiteError } from '../errors';
import { pieces } from '../arbitraries';
import type { LiveContext } from '../protocol';
import type { WireDriver, WriteOptions } from '../driver';
import type { ClientCase } from './case';
import { expectConform } from '../properties';
import type { Report, TerminalEvent } from './contract';

/** How the scripted answer ends: all of it, or cut at an offset by a close (FIN) or a reset (RST). */
export type Ending = { kind: 'whole' } | { kind: 'close' | 'reset'; offset: number };
/** The answer sent whole. */
export const WHOLE: Ending = { kind: 'whole' };

/** A cut: a close or a reset at any offset of the answer (folded into its length by cutAt). */
export const cutEnding: fc.Arbitrary<Ending> = fc.record({ kind: fc.constantFrom('close' as const, 'reset' as const), offset: fc.nat({ max: 1 << 20 }) });

/** Write boundaries and a pause between writes, for the suite's answer. */
export const segmentation = fc.record({ sizes: pieces(9), gapMs: fc.integer({ min: 0, max: 2 }) });
export type Segmentation = { sizes: number[]; gapMs: number };

/** Where the answer of `length` bytes is cut (offset folded into the answer: a cut always cuts something), or its length. */
export function cutAt(end: Ending, length: number): number {
  return end.kind === 'whole' || length === 0 ? length : end.offset % length;
}

/** The terminal events that a cut allows: a close is a close; after a reset, a close or an error. */
export function endsAfterCut(end: Ending): TerminalEvent[] {
  return end.kind === 'reset' ? ['closed', 'error'] : ['closed'];
}

/**
 * Writes what the suite's server sends. A client that closes the connection meanwhile (as
 * one does on a frame it cannot decode) gets no more of it: what it reported is what the
 * case judges. Whether the whole was written (false: the client had closed).
 */
export async function writeToClient(conn: WireDriver, bytes: Buffer, options: WriteOptions = {}): Promise<boolean> {
  try {
    await conn.write(bytes, options);
    return true;
  } catch (err) {
    if (conn.isClosed) return false;
    throw err;
  }
}

/** Sends the answer as scripted: its first `cutAt` bytes in the given writes, then the ending (writeToClient). */
export async function answer(conn: WireDriver, bytes: Buffer, end: Ending, { sizes, gapMs }: Segmentation): Promise<void> {
  if (!(await writeToClient(conn, bytes.subarray(0, cutAt(end, bytes.length)), { pieces: sizes, delayMs: gapMs }))) return;
  if (end.kind === 'close') conn.end();
  if (end.kind === 'reset') conn.reset();
}

/** The ending in a counterexample; without the answer's length, the offset before it is folded into it. */
export function describeEnding(end: Ending, length?: number): string {
  if (end.kind === 'whole') return 'whole, then nothing more';
  const at = length === undefined ? `byte ${end.offset} (modulo the answer's length)` : `byte ${cutAt(end, length)} of ${length}`;
  return `cut at ${at} by a ${end.kind === 'close' ? 'close (FIN)' : 'reset (RST)'}`;
}

/** How a scripted answer was written (and how it ended, when given), for a counterexample. */
export function describeWrites(writes: unknown, end?: Ending, length?: number): string {
  const { sizes, gapMs } = writes as Segmentation;
  return `write sizes ${JSON.stringify(sizes)}, ${gapMs} ms apart${end ? `; ${describeEnding(end, length)}` : ''}`;
}

/**
 * One property run: a fresh client process against a fresh scripted server. A run that
 * passes ends the client as a scenario does (it must exit 0 once its input closes).
 */
export async function withClient(ctx: LiveContext, body: (client: ClientCase) => Promise<void>): Promise<void> {
  if (!ctx.client) throw new SuiteError('suite error: a client property ran without a client under test');
  const client = await ctx.client.start(ctx.trace());
  let passed = false;
  try {
    await body(client);
    passed = true;
  } finally {
    try {
      await client.finish(passed);
    } finally {
      await client.stop();
    }
  }
}

/**
 * The call ended as the script allows: with one of `ends`, and with "done" only once the
 * client delivered everything (`delivered` says how much it did, for the message).
 */
export function expectEndAllowed(report: Report, ends: TerminalEvent[], deliveredAll: boolean, delivered: string): void {
  expectConform(ends.includes(report.event as TerminalEvent) && (report.event !== 'done' || deliveredAll), () =>
    `the call ended with "${report.event}"${'message' in report && report.message ? ` (${report.message.slice(0, 200)})` : ''} after ${delivered}; ` +
    `the script allows ${ends.map((e) => `"${e}"`).join(' or ')}${ends.includes('done') ? ' once everything is delivered' : ''}`);
}

/**
 * One unit of a scripted answer (a frame): its bytes on the wire, and what the client must
 * deliver for it (`delivers`; nothing for a unit that is not data, such as a heartbeat), or
 * that no client can decode it (`undecodable`).
 */
export interface ScriptedUnit<T> {
  wire: Buffer;
  delivers?: T;
  undecodable?: boolean;
}

/** How many units of the answer a call waits for (an `expect`): those it delivers, and an undecodable one, which it cannot know for one before it arrives. */
export function awaitedUnits(units: ScriptedUnit<unknown>[]): number {
  return units.filter((u) => u.delivers !== undefined || u.undecodable).length;
}

/**
 * What an answer of units, sent whole or cut as `end` says, allows a call waiting for its
 * awaited units to report: the units it may deliver, in order (it may stop short of them
 * when it then reports an error), and how the call may end. The first undecodable unit is
 * never delivered and ends the call with a protocol error (or, when the answer is cut too,
 * with the cut's report: a client may read before it decodes); a cut before the last awaited
 * unit ends it with a close (or an error after a reset); units after that one do not matter.
 */
export function allowedByScript<T>(units: ScriptedUnit<T>[], end: Ending): { delivered: T[]; ends: TerminalEvent[] } {
  const cut = cutAt(end, units.reduce((sum, u) => sum + u.wire.length, 0));
  const awaited = units.slice(0, units.findLastIndex((u) => u.delivers !== undefined || u.undecodable) + 1);
  const delivered: T[] = [];
  let start = 0;
  for (const unit of awaited) {
    if (unit.undecodable) return { delivered, ends: end.kind === 'whole' ? ['protocol-error'] : ['protocol-error', ...endsAfterCut(end)] };
    if (start + unit.wire.length > cut) return { delivered, ends: endsAfterCut(end) };
    if (unit.delivers !== undefined) delivered.push(unit.delivers);
    start += unit.wire.length;
  }
  return { delivered, ends: ['done'] };
}

/**
 * Judges a call's reports against what its script allows: each unit reported is the next one
 * allowed (`same` compares them, `show` renders one), and the call ends as allowed. `unit`
 * names one unit and several, for the messages.
 */
export function expectAllowedReports<T>(
  call: { received: Buffer[]; end: Report },
  allowed: { delivered: T[]; ends: TerminalEvent[] },
  [unit, units]: [string, string],
  same: (got: Buffer, want: T) => boolean,
  show: (value: Buffer | T) => string,
): void {
  const { received, end } = call;
  const { delivered, ends } = allowed;
  const wrong = received.findIndex((got, i) => i >= delivered.length || !same(got, delivered[i]));
  expectConform(wrong === -1, () => `${unit} ${wrong + 1} was reported as ${show(received[wrong])}` +
    (wrong < delivered.length ? `, sent as ${show(delivered[wrong])}` : `, but no such ${unit} may be delivered`));
  expectEndAllowed(end, ends, received.length === delivered.length, `${received.length} of ${delivered.length} ${units}`);
}
