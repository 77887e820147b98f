/**
 * What every protocol's client properties share: a run is one client process against the
 * suite's server, whose answer fast-check scripts (its bytes, their write boundaries, and
 * how it ends: whole, or cut by a close or a reset at any offset). A failing run shrinks
 * to the smallest script; the property's replay command runs it again (--case, --seed).
 */
import fc from 'fast-check';
import { NonConformance, SuiteError } from '../errors';
import { pieces } from '../arbitraries';
import type { LiveContext } from '../protocol';
import type { WireDriver, WriteOptions } from '../driver';
import type { ClientCase } from './case';
import { expectConform } from '../properties';
import type { Report, TerminalEvent } from './contract';

/** How the scripted answer ends: all of it, or cut at an offset by a close (FIN) or a reset (RST). */
export type Ending = { kind: 'whole' } | { kind: 'close' | 'reset'; offset: number };

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
 * Writes what the suite's server sends. A client that closes before all of it is sent (it
 * saw enough to refuse the answer) is judged by what it reports, not by the suite's writes.
 */
export async function writeToClient(conn: WireDriver, bytes: Buffer, options: WriteOptions = {}): Promise<void> {
  try {
    await conn.write(bytes, options);
  } catch (err) {
    if (!(err instanceof NonConformance && conn.isClosed)) throw err;
  }
}

/** Sends the answer as scripted: its first `cutAt` bytes in the given writes, then the ending. */
export async function answer(conn: WireDriver, bytes: Buffer, end: Ending, { sizes, gapMs }: Segmentation): Promise<void> {
  await writeToClient(conn, bytes.subarray(0, cutAt(end, bytes.length)), { pieces: sizes, delayMs: gapMs });
  if (end.kind === 'close') conn.end();
  if (end.kind === 'reset') conn.reset();
}

/** The ending in a counterexample; without the answer's length, the offset before it is folded into it. */
export function describeEnding(end: Ending, length?: number): string {
  if (end.kind === 'whole') return 'whole, then nothing more';
  const at = length === undefined ? `byte ${end.offset} (modulo the answer's length)` : `byte ${cutAt(end, length)} of ${length}`;
  return `cut at ${at} by a ${end.kind === 'close' ? 'close (FIN)' : 'reset (RST)'}`;
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
