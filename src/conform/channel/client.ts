/**
 * channel in client runs (`conform --client`): the scenarios are features/channel/client-target/;
 * these are the live fuzzing of a client's framing and reading. The client is told to send a
 * body and wait for some; fast-check scripts the suite's answer: frames of binary bodies (empty
 * ones, header look-alikes), a malformed header or a length over the client's maximum among
 * them, cut into any writes, whole or cut short by a close or a reset at any offset. The
 * client's reports are judged against what that answer allows. Each property verifies the
 * requirements it alone can break, so that a failure names the right one.
 */
import fc from 'fast-check';
import { MAX_BODY } from '../../impl/channel/framer';
import { escapeBytes } from '../bytes-text';
import { bytesField } from '../client/contract';
import {
  allowedByScript, answer, awaitedUnits, cutEnding, describeWrites, expectAllowedReports, segmentation, WHOLE, withClient, type Ending, type ScriptedUnit, type Segmentation,
} from '../client/fuzz';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';
import { body, malformedByRule, shortBody } from './arbitraries';
import { channelFrameParse, frame, frameHeader } from './wire';

/** One scripted frame: a body, a malformed header (with what follows it), or a header `extra` bytes over the client's maximum. */
type Scripted = { kind: 'body'; bytes: Buffer } | { kind: 'malformed'; bytes: Buffer; what: string } | { kind: 'oversize'; extra: number };

const bodyFrame = body.map((bytes): Scripted => ({ kind: 'body', bytes }));
const bodies = fc.array(bodyFrame, { minLength: 1, maxLength: 4 });

/**
 * Headers no client may take for a frame; each ends in CR LF, so that a client that reads
 * header lines sees the line end too. A length over the maximum is built from the client's
 * own maximum instead (`oversize`).
 */
const malformed: fc.Arbitrary<Scripted> = fc.oneof(...malformedByRule.filter((m) => m.id !== 'SRS-CHANNEL-009').map((m) => m.arbitrary))
  .map(({ bytes, what }) => ({ kind: 'malformed', bytes: Buffer.concat([bytes, Buffer.from('\r\n')]), what }));
const bad = fc.oneof(
  { weight: 3, arbitrary: malformed },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((extra): Scripted => ({ kind: 'oversize', extra })) },
);
/** Bodies with one bad frame among them: nothing after it can be framed, so it is the last. */
const withBadFrame = fc.tuple(fc.array(bodyFrame, { maxLength: 2 }), bad).map(([before, b]) => [...before, b]);

/** The scripted frame as a unit of the answer; a body is cut to the client's maximum (the case is not about the maximum). */
function unitOf(s: Scripted, max: number): ScriptedUnit<Buffer> {
  if (s.kind === 'body') return { wire: frame(s.bytes.subarray(0, max)), delivers: s.bytes.subarray(0, max) };
  if (s.kind === 'malformed') return { wire: s.bytes, undecodable: true };
  return { wire: frameHeader(max + s.extra), undecodable: true };
}

const shown = (bytes: Buffer) => `"${escapeBytes(bytes.subarray(0, 80))}"${bytes.length > 80 ? ` (${bytes.length} bytes)` : ''}`;

/**
 * One run: the client is told to send a body and wait for as many bodies as the script
 * holds; the suite reads its frame and answers as scripted. The client's frame is judged
 * only where `judgeSent` (the framing property): elsewhere a framing fault would be blamed
 * on requirements it does not break.
 */
function exchange(ctx: LiveContext, sent: Buffer, script: Scripted[], writes: Segmentation, end: Ending, judgeSent: boolean): Promise<void> {
  return withClient(ctx, async (client) => {
    const max = client.maxBytes;
    const told = sent.subarray(0, max);
    const units = script.map((s) => unitOf(s, max));
    client.tell({ action: 'send', ...bytesField(told), expect: awaitedUnits(units) });
    const conn = await client.connection();
    const framed = await conn.read(channelFrameParse, client.suiteTimeoutMs, `a frame holding the ${told.length} bytes it was told to send`);
    if (judgeSent) expectConform(framed.equals(told), () => `the client sent the body ${shown(told)} as ${shown(framed)}`);
    await answer(conn, Buffer.concat(units.map((u) => u.wire)), end, writes);
    expectAllowedReports(await client.collect(), allowedByScript(units, end), ['body', 'bodies'], (got, want) => got.equals(want), shown);
  });
}

function describe(sent: unknown, script: unknown, writes: unknown, end: Ending): string {
  const listed = (script as Scripted[]).map((s) => (s.kind === 'oversize' ? `<a length ${s.extra} over the maximum>`
    : s.kind === 'malformed' ? `<${s.what}: "${escapeBytes(s.bytes)}">` : `"${escapeBytes(s.bytes.subarray(0, 60))}"${s.bytes.length > 60 ? `… (${s.bytes.length} bytes)` : ''}`));
  return `told to send "${escapeBytes((sent as Buffer).subarray(0, 60))}"; answered ${listed.join(', ')}; ${describeWrites(writes, end)}`;
}

const liveBodies: PropertyCase = {
  name: 'channel client live: a body goes out as its frame, and bodies in any segmentation are reported exactly',
  ids: ['SRS-CHANNEL-100', 'SRS-CHANNEL-101', 'SRS-CHANNEL-102'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(body, bodies, segmentation, (sent, script, writes) => exchange(ctx, sent, script, writes, WHOLE, true)),
  describe: ([sent, script, writes]) => describe(sent, script, writes, WHOLE),
};

const liveUndecodable: PropertyCase = {
  name: 'channel client live: a malformed header or a length over the maximum is a protocol error, in any segmentation',
  ids: ['SRS-CHANNEL-103', 'SRS-CHANNEL-104'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(shortBody, withBadFrame, segmentation, (sent, script, writes) => exchange(ctx, sent, script, writes, WHOLE, false)),
  describe: ([sent, script, writes]) => describe(sent, script, writes, WHOLE),
};

const liveCut: PropertyCase = {
  name: 'channel client live: frames cut at any offset by a close or a reset end with that reported',
  ids: ['SRS-CHANNEL-105'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(shortBody, bodies, segmentation, cutEnding, (sent, script, writes, end) => exchange(ctx, sent, script, writes, end, false)),
  describe: ([sent, script, writes, end]) => describe(sent, script, writes, end as Ending),
};

export const channelClient: ClientSupport = {
  defaultMaxBytes: MAX_BODY,
  properties: [liveBodies, liveUndecodable, liveCut],
};
