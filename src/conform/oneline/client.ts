/**
 * oneline in client runs (`conform --client`): the scenarios are features/oneline/client-target/;
 * these are the live fuzzing of a client's response handling. fast-check scripts the suite's
 * answer to one command: response lines (text with any whitespace, invalid UTF-8, lines over
 * the client's maximum) cut into any writes, whole or cut short by a close or a reset at any
 * offset; the client's reports are judged against what that answer allows. Each property
 * verifies the requirements it alone can break, so that a failure names the right one.
 */
import fc from 'fast-check';
import { MAX_PACKET } from '../../impl/oneline/framer';
import { escapeBytes } from '../bytes-text';
import { lineParse } from '../driver';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';
import {
  answer, cutAt, cutEnding, describeWrites, endsAfterCut, expectEndAllowed, segmentation, WHOLE, withClient, type Ending, type Segmentation,
} from '../client/fuzz';
import type { TerminalEvent } from '../client/contract';
import { invalidUtf8Packet, wire } from './arbitraries';
import { anyText } from '../arbitraries';

/** One scripted response line: text, bytes that are not UTF-8, or a line `extra` bytes over the client's maximum. */
type Response = { kind: 'text' | 'invalid'; bytes: Buffer } | { kind: 'oversize'; extra: number };

const whitespaceHeavy = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', 'a', '\u00e9', '\u20ac', '\u{1f600}'), maxLength: 8 });
const text: fc.Arbitrary<Response> = fc.oneof(anyText({ maxLength: 16 }), whitespaceHeavy)
  .map((s) => ({ kind: 'text' as const, bytes: Buffer.from(s.replace(/\n/g, ' ')) }));
const bad: fc.Arbitrary<Response> = fc.oneof(
  { weight: 3, arbitrary: invalidUtf8Packet.map((bytes) => ({ kind: 'invalid' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((extra) => ({ kind: 'oversize' as const, extra })) },
);
const texts = fc.array(text, { minLength: 1, maxLength: 5 });
/** Text lines with one bad line among them. */
const withBadLine = fc.tuple(fc.array(text, { maxLength: 2 }), bad, fc.array(text, { maxLength: 2 })).map(([before, b, after]) => [...before, b, ...after]);

const lineOf = (r: Response, max: number) => (r.kind === 'oversize' ? Buffer.alloc(max + r.extra, 0x78) : r.bytes);

/**
 * What an answer allows the client to report: the lines it may deliver (it may stop short
 * of them when it then reports an error) and how the call may end. The first bad line (not
 * UTF-8, over the maximum) is never delivered: the call ends with a protocol error, or with
 * the report of a cut when the answer is cut too (a client may read a call's lines before
 * it decodes them); a cut ends it with a close (or an error after a reset).
 */
function allowed(responses: Response[], max: number, cut: number, end: Ending): { lines: Buffer[]; ends: TerminalEvent[] } {
  const lines: Buffer[] = [];
  let start = 0;
  for (const r of responses) {
    const line = lineOf(r, max);
    if (r.kind !== 'text') return { lines, ends: end.kind === 'whole' ? ['protocol-error'] : ['protocol-error', ...endsAfterCut(end)] };
    if (start + line.length >= cut) return { lines, ends: endsAfterCut(end) }; // its LF was not sent
    lines.push(line);
    start += line.length + 1;
  }
  return { lines, ends: ['done'] };
}

const COMMAND = 'fuzz';

/**
 * One run: the client is told to send the command expecting every response; the suite
 * answers as scripted and judges the reports. The command's framing is judged only where
 * `judgeCommand` (the framing property): elsewhere a framing fault would be blamed on
 * requirements it does not break.
 */
function exchange(ctx: LiveContext, responses: Response[], writes: Segmentation, end: Ending, judgeCommand: boolean): Promise<void> {
  return withClient(ctx, async (client) => {
    const max = client.limits.maxBytes ?? MAX_PACKET;
    const bytes = wire(responses.map((r) => lineOf(r, max)));
    client.tell({ action: 'send', data: COMMAND, expect: responses.length });
    const conn = await client.connection();
    const sent = await conn.read(lineParse, client.suiteTimeoutMs, `the command "${COMMAND}" and its LF`);
    if (judgeCommand) expectConform(sent.equals(Buffer.from(COMMAND)), () => `the client sent the command "${COMMAND}" as "${escapeBytes(sent)}\\n"`);
    await answer(conn, bytes, end, writes);
    const { received, end: report } = await client.collect();
    const { lines, ends } = allowed(responses, max, cutAt(end, bytes.length), end);
    const wrong = received.findIndex((got, i) => i >= lines.length || !got.equals(lines[i]));
    expectConform(wrong === -1, () => `response ${wrong + 1} was reported as "${escapeBytes(received[wrong].subarray(0, 80))}"` +
      (wrong < lines.length ? `, sent as "${escapeBytes(lines[wrong].subarray(0, 80))}"` : ', but no such response may be delivered'));
    expectEndAllowed(report, ends, received.length === lines.length, `${received.length} of ${lines.length} responses`);
  });
}

function describe(responses: unknown, writes: unknown, end: Ending): string {
  const shown = (responses as Response[]).map((r) => (r.kind === 'oversize' ? `<${r.extra} bytes over the maximum>` : `"${escapeBytes(r.bytes)}"`));
  return `responses ${shown.join(', ')}; ${describeWrites(writes, end)}`;
}

const liveText: PropertyCase = {
  name: 'oneline client live: text responses in any segmentation are reported exactly',
  ids: ['SRS-ONELINE-100', 'SRS-ONELINE-101', 'SRS-ONELINE-102'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(texts, segmentation, (responses, writes) => exchange(ctx, responses, writes, WHOLE, true)),
  describe: ([responses, writes]) => describe(responses, writes, WHOLE),
};

const liveUndecodable: PropertyCase = {
  name: 'oneline client live: a response that is not UTF-8 or over the maximum is a protocol error, in any segmentation',
  ids: ['SRS-ONELINE-103', 'SRS-ONELINE-104'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(withBadLine, segmentation, (responses, writes) => exchange(ctx, responses, writes, WHOLE, false)),
  describe: ([responses, writes]) => describe(responses, writes, WHOLE),
};

const liveCut: PropertyCase = {
  name: 'oneline client live: responses cut at any offset by a close or a reset end with that reported',
  ids: ['SRS-ONELINE-105'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(texts, segmentation, cutEnding, (responses, writes, end) => exchange(ctx, responses, writes, end, false)),
  describe: ([responses, writes, end]) => describe(responses, writes, end as Ending),
};

export const onelineClient: ClientSupport = {
  defaultMaxBytes: MAX_PACKET,
  properties: [liveText, liveUndecodable, liveCut],
};
