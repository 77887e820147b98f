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
  allowedByScript, answer, cutEnding, describeWrites, expectAllowedReports, segmentation, WHOLE, withClient, type Ending, type ScriptedUnit, type Segmentation,
} from '../client/fuzz';
import { invalidUtf8Packet } from './arbitraries';
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
const LF = Buffer.from('\n');
const showLine = (line: Buffer) => `"${escapeBytes(line.subarray(0, 80))}"`;

/**
 * A response line as a unit of the answer: the line and its LF, delivered as the line when
 * it is text; a bad line (not UTF-8, over the maximum) no client can decode.
 */
const unitOf = (r: Response, max: number): ScriptedUnit<Buffer> => {
  const line = lineOf(r, max);
  const bytes = Buffer.concat([line, LF]);
  return r.kind === 'text' ? { wire: bytes, delivers: line } : { wire: bytes, undecodable: true };
};

const COMMAND = 'fuzz';

/**
 * One run: the client is told to send the command expecting every response; the suite
 * answers as scripted and judges the reports. The command's framing is judged only where
 * `judgeCommand` (the framing property): elsewhere a framing fault would be blamed on
 * requirements it does not break.
 */
function exchange(ctx: LiveContext, responses: Response[], writes: Segmentation, end: Ending, judgeCommand: boolean): Promise<void> {
  return withClient(ctx, async (client) => {
    const units = responses.map((r) => unitOf(r, client.maxBytes));
    client.tell({ action: 'send', data: COMMAND, expect: responses.length });
    const conn = await client.connection();
    const sent = await conn.read(lineParse, client.suiteTimeoutMs, `the command "${COMMAND}" and its LF`);
    if (judgeCommand) expectConform(sent.equals(Buffer.from(COMMAND)), () => `the client sent the command "${COMMAND}" as "${escapeBytes(sent)}\\n"`);
    await answer(conn, Buffer.concat(units.map((u) => u.wire)), end, writes);
    expectAllowedReports(await client.collect(), allowedByScript(units, end), ['response', 'responses'], (got, want) => got.equals(want), showLine);
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
