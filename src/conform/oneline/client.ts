/**
 * oneline in client runs (`conform --client`): the scenarios are features/oneline/client-target/;
 * this is the live fuzzing of a client's response handling. fast-check scripts the suite's
 * answer to one command: response lines (valid text with any whitespace, invalid UTF-8, one
 * over the client's maximum), cut into any writes, whole or cut short by a close or a reset
 * at any offset, and the client's reports are judged against what that answer allows.
 */
import fc from 'fast-check';
import { MAX_PACKET } from '../../impl/oneline/framer';
import { escapeBytes } from '../bytes-text';
import { lineParse } from '../driver';
import { expectConform } from '../properties';
import type { ClientSupport, PropertyCase } from '../protocol';
import { answer, cutAt, describeEnding, ending, endsAfterCut, segmentation, withClient, type Ending, type Segmentation } from '../client/fuzz';
import type { TerminalEvent } from '../client/contract';
import { invalidUtf8Packet, wire } from './arbitraries';

/** One scripted response line: text, bytes that are not UTF-8, or a line `extra` bytes over the client's maximum. */
type Response = { kind: 'text' | 'invalid'; bytes: Buffer } | { kind: 'oversize'; extra: number };

const whitespaceHeavy = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', 'a', '\u00e9', '\u20ac', '\u{1f600}'), maxLength: 8 });
const textLine = fc.oneof(fc.string({ unit: 'binary', maxLength: 16 }), whitespaceHeavy).map((s) => Buffer.from(s.replace(/\n/g, ' ')));

const response: fc.Arbitrary<Response> = fc.oneof(
  { weight: 6, arbitrary: textLine.map((bytes) => ({ kind: 'text' as const, bytes })) },
  { weight: 2, arbitrary: invalidUtf8Packet.map((bytes) => ({ kind: 'invalid' as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((extra) => ({ kind: 'oversize' as const, extra })) },
);

const lineOf = (r: Response, max: number) => (r.kind === 'oversize' ? Buffer.alloc(max + r.extra, 0x78) : r.bytes);

/**
 * What an answer allows the client to report: the lines it may deliver (it may stop short
 * of them when it then reports an error) and how the call may end. The first line that is
 * bad (not UTF-8, over the maximum) ends the call with a protocol error (when the answer is
 * cut inside it, a report of the cut is right too); a cut ends it with a close (or an error
 * after a reset).
 */
function allowed(responses: Response[], max: number, cut: number, end: Ending): { lines: Buffer[]; ends: TerminalEvent[] } {
  const lines: Buffer[] = [];
  let start = 0;
  for (const r of responses) {
    const line = lineOf(r, max);
    const complete = start + line.length < cut; // its LF was sent
    // A bad line cut short: the client may have seen enough of it to report it, or only the cut.
    if (r.kind !== 'text') return { lines, ends: complete ? ['protocol-error'] : ['protocol-error', ...endsAfterCut(end)] };
    if (!complete) return { lines, ends: endsAfterCut(end) };
    lines.push(line);
    start += line.length + 1;
  }
  return { lines, ends: ['done'] };
}

const COMMAND = 'fuzz';

const liveResponses: PropertyCase = {
  name: 'oneline client live: scripted responses in any segmentation, cut at any offset, reported as they allow',
  ids: ['SRS-ONELINE-100', 'SRS-ONELINE-101', 'SRS-ONELINE-102', 'SRS-ONELINE-103', 'SRS-ONELINE-104', 'SRS-ONELINE-105'],
  kind: 'live',
  runs: 15,
  build: (ctx) =>
    fc.asyncProperty(fc.array(response, { minLength: 1, maxLength: 5 }), segmentation, ending, (responses, writes: Segmentation, end) =>
      withClient(ctx, async (client) => {
        const max = client.limits.maxBytes ?? MAX_PACKET;
        const bytes = wire(responses.map((r) => lineOf(r, max)));
        client.tell({ action: 'send', data: COMMAND, expect: responses.length });
        const conn = await client.connection();
        const sent = await conn.read(lineParse, client.suiteTimeoutMs, `the command "${COMMAND}" and its LF`);
        expectConform(sent.equals(Buffer.from(COMMAND)), () => `the client sent the command "${COMMAND}" as "${escapeBytes(sent)}"`);
        const cut = cutAt(end, bytes.length);
        await answer(conn, bytes, end, writes);
        const { received, end: report } = await client.collect();
        const { lines, ends } = allowed(responses, max, cut, end);
        const wrong = received.findIndex((got, i) => i >= lines.length || !got.equals(lines[i]));
        expectConform(wrong === -1, () => `response ${wrong + 1} was reported as "${escapeBytes(received[wrong].subarray(0, 80))}"` +
          (wrong < lines.length ? `, sent as "${escapeBytes(lines[wrong].subarray(0, 80))}"` : ', but no such response may be delivered'));
        expectConform(ends.includes(report.event as TerminalEvent) && (report.event !== 'done' || received.length === lines.length), () =>
          `the call ended with "${report.event}"${'message' in report && report.message ? ` (${report.message.slice(0, 200)})` : ''} after ${received.length} responses; ` +
          `the answer allows ${ends.map((e) => `"${e}"`).join(' or ')}${ends.includes('done') ? ` after all ${lines.length}` : ''}`);
      })),
  describe: ([responses, writes, end]) => {
    const shown = (responses as Response[]).map((r) => (r.kind === 'oversize' ? `<${r.extra} bytes over the maximum>` : `"${escapeBytes(r.bytes)}"`));
    const { sizes, gapMs } = writes as Segmentation;
    return `responses ${shown.join(', ')}; write sizes ${JSON.stringify(sizes)}, ${gapMs} ms apart; ${describeEnding(end as Ending)}`;
  },
};

export const onelineClient: ClientSupport = {
  defaultMaxBytes: MAX_PACKET,
  properties: [liveResponses],
};
