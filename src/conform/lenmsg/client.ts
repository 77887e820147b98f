/**
 * lenmsg in client runs (`conform --client`). The client under test is a remote (PROTOCOLS.md
 * §3): told to `start`, it runs its own server, connects to the suite's server, which plays the
 * central, and says hello; the suite connects back to the address the hello names and sends
 * data, heartbeats and shutdown there. The scenarios are features/lenmsg/client-target/ (their
 * steps, src/steps/lenmsg_client.ts, start the remote through this module too); these
 * properties are the live fuzzing of what a remote sends and receives: data bodies of any
 * JSON, heartbeats among them, a body that is not UTF-8 JSON or a length over the remote's
 * maximum, cut into any writes, whole or cut short by a close or a reset at any offset.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { decodeBody, encodeMessage, HEADER_BYTES, MAX_MESSAGE } from '../../impl/lenmsg/framer';
import { escapeBytes } from '../bytes-text';
import type { ClientCase } from '../client/case';
import {
  allowedByScript, answer, awaitedUnits, cutEnding, describeWrites, expectAllowedReports, segmentation, WHOLE, withClient, type Ending, type ScriptedUnit, type Segmentation,
} from '../client/fuzz';
import type { Parse, WireDriver } from '../driver';
import { NonConformance, TargetUnreachableError } from '../errors';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';
import { invalidUtf8Body, nonJsonBody } from './arbitraries';
import { dataFrame, lengthHeader, preview, rawFrame, sameEcho } from './remote';
import { codePoint } from '../arbitraries';

/** The heartbeat interval a remote is started with when the case sends no heartbeat: no case lasts 3 of them. */
export const QUIET_HEARTBEAT_MS = 60_000;

/** One frame the remote sent, its body's bytes; read by the suite's own parser, not the reference framer. */
const sentFrameParse: Parse<Buffer> = (received) => {
  if (received.length < HEADER_BYTES) return undefined;
  const length = received.readUInt32BE(0);
  if (length > MAX_MESSAGE) throw new NonConformance(`the remote sent a length header of ${length} bytes, over the ${MAX_MESSAGE} a central reads`);
  const end = HEADER_BYTES + length;
  return received.length < end ? undefined : { value: received.subarray(HEADER_BYTES, end), consumed: end };
};

/** The next message the remote sends to the central: a frame whose body is strict UTF-8 JSON, or a NonConformance. */
export async function nextSent(conn: WireDriver, timeoutMs: number, what: string): Promise<unknown> {
  const body = await conn.read(sentFrameParse, timeoutMs, what);
  const shown = `"${escapeBytes(body.subarray(0, 80))}"${body.length > 80 ? ` (${body.length} bytes)` : ''}`;
  if (!isUtf8(body)) throw new NonConformance(`expected ${what}; the remote sent a frame whose body is not UTF-8: ${shown}`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new NonConformance(`expected ${what}; the remote sent a frame whose body is not JSON (${(err as Error).message}): ${shown}`);
  }
}

/** A data message holding `body` (compared as the central's decoder reads both), or why it is not. */
export function expectDataMessage(message: unknown, body: unknown, what: string): void {
  const m = message as { type?: unknown; body?: unknown } | null;
  if (typeof m !== 'object' || m === null || m.type !== 'data' || !('body' in m)) {
    throw new NonConformance(`expected ${what}; the remote sent ${preview(message)}`);
  }
  if (!sameEcho(body, m.body)) throw new NonConformance(`expected ${what}; its body is ${preview(m.body)}`);
}

/** A body the remote reported receiving (its JSON text), decoded as the central's decoder reads JSON. */
export function reportedBody(unit: Buffer): unknown {
  try {
    return decodeBody(unit);
  } catch {
    throw new NonConformance(`the remote reported receiving "${escapeBytes(unit.subarray(0, 80))}", which is not the JSON text of a body`);
  }
}

export interface Hello {
  id: string;
  host: string;
  port: number;
}

/** The remote under test, started: its connection to the suite's server, and the suite's connection back to its own. */
export interface StartedRemote {
  toCentral: WireDriver;
  link: WireDriver;
  hello: Hello;
  /** When the suite read the hello (performance.now()). */
  helloAt: number;
}

/** Tells the remote to start, with the central's heartbeat interval. */
export function tellStart(client: ClientCase, heartbeatMs: number): void {
  client.tell({ action: 'start', heartbeatMs: Math.round(heartbeatMs) });
}

/**
 * Reads the remote's hello on its connection to the central, and checks what it names:
 * strict, it must be the first message; otherwise messages before it are passed over (a
 * case about something else still runs against a remote that sends data first).
 */
export async function readHello(client: ClientCase, strict: boolean): Promise<{ toCentral: WireDriver; hello: Hello; helloAt: number }> {
  const toCentral = await client.connection();
  const what = strict ? 'its hello as the first message' : 'its hello';
  for (;;) {
    const message = (await nextSent(toCentral, client.suiteTimeoutMs, `the remote to send ${what}`)) as Record<string, unknown>;
    if (message?.type !== 'hello') {
      if (strict) throw new NonConformance(`expected the remote's first message to be its hello; it sent ${preview(message)}`);
      continue;
    }
    const { id, host, port } = message;
    if (typeof id !== 'string' || typeof host !== 'string' || host === '' || !Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      throw new NonConformance(`the remote's hello does not name an id and its server's address (a string id, a host, a port): ${preview(message)}`);
    }
    return { toCentral, hello: { id, host, port: port as number }, helloAt: performance.now() };
  }
}

/** Connects to the server a hello named, as the central does; a remote that cannot be reached there fails. */
export async function connectBack(client: ClientCase, hello: Hello): Promise<WireDriver> {
  try {
    return await client.server.connect({ host: hello.host, port: hello.port }, client.suiteTimeoutMs);
  } catch (err) {
    if (!(err instanceof TargetUnreachableError)) throw err;
    throw new NonConformance(`the central cannot reach the server the remote's hello names: ${err.message}`);
  }
}

/** The setup of a case about something else than the start: started, hello read (not judged as first), start reported done, connected back. */
export async function startedRemote(client: ClientCase, heartbeatMs = QUIET_HEARTBEAT_MS): Promise<StartedRemote> {
  tellStart(client, heartbeatMs);
  const said = await readHello(client, false);
  await client.expectEnd(['done'], 'the remote to report its start done');
  return { ...said, link: await connectBack(client, said.hello) };
}

/** A frame the central sends the remote: data, a heartbeat, a body that is not UTF-8 JSON, or a length `extra` bytes over the remote's maximum. */
type Scripted = { kind: 'data'; body: unknown } | { kind: 'heartbeat' } | { kind: 'not UTF-8' | 'not JSON'; body: Buffer } | { kind: 'oversize'; extra: number };

const whitespaceHeavy = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n', 'a', '\u00e9', '\u20ac', '\u{1f600}', '"', '\\'), maxLength: 10 });
/** Bodies of any JSON: strings of any plane, whitespace kept in strings, now and then a long string. */
const dataBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: codePoint }) },
  { weight: 2, arbitrary: whitespaceHeavy },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 30_000 }).map((n) => 'x\u00e9 '.repeat(Math.ceil(n / 4))) },
);
const dataOrHeartbeat: fc.Arbitrary<Scripted> = fc.oneof(
  { weight: 4, arbitrary: dataBody.map((body): Scripted => ({ kind: 'data', body })) },
  { weight: 1, arbitrary: fc.constant<Scripted>({ kind: 'heartbeat' }) },
);
const script = fc.array(dataOrHeartbeat, { minLength: 1, maxLength: 5 });
const bad: fc.Arbitrary<Scripted> = fc.oneof(
  invalidUtf8Body.map((body): Scripted => ({ kind: 'not UTF-8', body })),
  nonJsonBody.map((body): Scripted => ({ kind: 'not JSON', body })),
  fc.integer({ min: 1, max: 1000 }).map((extra): Scripted => ({ kind: 'oversize', extra })),
);
/** Frames with one bad frame last (nothing after it is read). */
const withBadFrame = fc.tuple(fc.array(dataOrHeartbeat, { maxLength: 3 }), bad).map(([before, b]) => [...before, b]);

function unitOf(s: Scripted, max: number, seq: number): ScriptedUnit<unknown> {
  switch (s.kind) {
    case 'data': return { wire: dataFrame(s.body), delivers: s.body };
    case 'heartbeat': return { wire: encodeMessage({ type: 'heartbeat', seq }) };
    case 'oversize': return { wire: lengthHeader(Math.min(max + s.extra, 0xffffffff)), undecodable: true };
    default: return { wire: rawFrame(s.body), undecodable: true };
  }
}

const shown = (value: unknown) => (Buffer.isBuffer(value) ? `"${escapeBytes(value.subarray(0, 80))}"` : preview(value));

/**
 * One run: a remote started (its hello not judged as first); where `sendBody`, it is told to
 * send that body and its frame is judged (the framing property: elsewhere a framing fault
 * would be blamed on requirements it does not break). Then it is told to receive the data
 * the script holds, and the suite sends the script on its connection back to the remote.
 */
function exchange(ctx: LiveContext, sendBody: { body: unknown } | undefined, frames: Scripted[], writes: Segmentation, end: Ending): Promise<void> {
  return withClient(ctx, async (client) => {
    const max = client.maxBytes;
    const remote = await startedRemote(client);
    if (sendBody) {
      client.tell({ action: 'send', body: sendBody.body });
      const what = `a data message holding ${preview(sendBody.body)}`;
      expectDataMessage(await nextSent(remote.toCentral, client.suiteTimeoutMs, what), sendBody.body, what);
      await client.expectEnd(['done'], 'the remote to report its send done');
    }
    const units = frames.map((s, i) => unitOf(s, max, i + 1));
    client.tell({ action: 'receive', expect: awaitedUnits(units) });
    await answer(remote.link, Buffer.concat(units.map((u) => u.wire)), end, writes);
    expectAllowedReports(await client.collect(), allowedByScript(units, end), ['data message', 'data messages'], (got, want) => sameEcho(want, reportedBody(got)), shown);
  });
}

function describe(frames: unknown, writes: unknown, end: Ending, sent?: unknown): string {
  const listed = (frames as Scripted[]).map((s) => {
    switch (s.kind) {
      case 'data': return preview(s.body);
      case 'heartbeat': return '<heartbeat>';
      case 'oversize': return `<a length ${s.extra} over the maximum>`;
      default: return `<a body ${s.kind}: "${escapeBytes(s.body)}">`;
    }
  });
  return `${sent === undefined ? '' : `told to send ${preview(sent)}; `}the central sent ${listed.join(', ')}; ${describeWrites(writes, end)}`;
}

const liveData: PropertyCase = {
  name: 'lenmsg client live: data goes out as its frame, and data in any segmentation, heartbeats among it, is reported exactly',
  ids: ['SRS-LENMSG-100', 'SRS-LENMSG-102', 'SRS-LENMSG-103'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(dataBody, script, segmentation, (sent, frames, writes) => exchange(ctx, { body: sent }, frames, writes, WHOLE)),
  describe: ([sent, frames, writes]) => describe(frames, writes, WHOLE, sent),
};

const liveUndecodable: PropertyCase = {
  name: 'lenmsg client live: a body that is not UTF-8 JSON or a length over the maximum is a protocol error, in any segmentation',
  ids: ['SRS-LENMSG-104', 'SRS-LENMSG-105'],
  kind: 'live',
  runs: 6,
  build: (ctx) => fc.asyncProperty(withBadFrame, segmentation, (frames, writes) => exchange(ctx, undefined, frames, writes, WHOLE)),
  describe: ([frames, writes]) => describe(frames, writes, WHOLE),
};

const liveCut: PropertyCase = {
  name: 'lenmsg client live: data cut at any offset by a close or a reset ends with that reported',
  ids: ['SRS-LENMSG-106'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(script, segmentation, cutEnding, (frames, writes, end) => exchange(ctx, undefined, frames, writes, end)),
  describe: ([frames, writes, end]) => describe(frames, writes, end as Ending),
};

export const lenmsgClient: ClientSupport = {
  halfOpen: false,
  defaultMaxBytes: MAX_MESSAGE,
  properties: [liveData, liveUndecodable, liveCut],
};
