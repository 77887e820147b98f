/**
 * http in client runs (`conform --client`): the scenarios are features/http/client-target/;
 * these are the live fuzzing of a client's response handling. fast-check scripts the one
 * response the suite's server writes to a GET (its head, its framing, its body, its write
 * boundaries, and whether a close or a reset cuts it at any offset); the client's report is
 * judged against what that response allows. Each property verifies the requirement it alone
 * can break, so that a failure names the right one.
 */
import fc from 'fast-check';
import { escapeBytes } from '../bytes-text';
import { NonConformance } from '../errors';
import { answer, cutAt, cutEnding, describeWrites, endsAfterCut, segmentation, WHOLE, withClient, type Ending, type Segmentation } from '../client/fuzz';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';
import type { TerminalEvent } from '../client/contract';
import { describeReport } from '../client/case';
import { chunk, DEFAULT_MAX_BODY, headParse, lastChunk, reportedResponse, responseFault, responseHead, type Field } from './client-wire';

/** A scripted response: its bytes, what a client must report for it, and where it is complete (a cut before that leaves it incomplete). */
interface Scripted {
  bytes: Buffer;
  status: number;
  body: Buffer;
  fields: Field[];
  /** Offset at which the response is whole (the end of its body, or of the last chunk's line). */
  completeAt: number;
  /** Whether the suite closes after it (a body delimited by the close). */
  closes: boolean;
}

// Statuses a client reports as they are: no 1xx, 204, 304 (no body), no 3xx (redirects a client may follow).
const status = fc.constantFrom(200, 201, 202, 203, 206, 400, 403, 404, 410, 418, 500, 503);
const reason = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z][A-Za-z ,.-]{0,24}$/),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => Buffer.from(a.map((b) => (b < 0x20 || b === 0x7f ? 0x80 | b : b))).toString('latin1')),
);
/** Field values with inner spaces and whitespace around them (removed when reported: RFC 9110 §5.5). */
const fieldValue = fc.tuple(fc.constantFrom('', ' ', '\t', '  '), fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/), fc.constantFrom('', ' ', '\t'))
  .map(([before, value, after]) => `${before}${value}${after}`);
/** Header fields of the suite's own, distinct names in any case. */
const extraFields = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 99 }), fc.boolean(), fieldValue), { maxLength: 5, selector: ([n]) => n })
  .map((fields) => fields.map(([n, upper, value]): Field => [upper ? `X-Wireproof-${n}` : `x-wireproof-${n}`, value]));

function lengthDelimited(code: number, phrase: string, fields: Field[], content: Buffer, version = 'HTTP/1.1'): Scripted {
  const all: Field[] = [...fields, ['Content-Length', ` ${content.length}`]];
  const bytes = Buffer.concat([responseHead(code, phrase, all, version), content]);
  return { bytes, status: code, body: content, fields: all, completeAt: bytes.length, closes: false };
}

function closeDelimited(content: Buffer): Scripted {
  const bytes = Buffer.concat([responseHead(200, 'OK', []), content]);
  return { bytes, status: 200, body: content, fields: [], completeAt: bytes.length, closes: true };
}

/** How a chunked body is written: chunk sizes, the hex spelling of each, extensions, a trailer. */
interface Chunking {
  sizes: number[];
  upper: boolean;
  zeros: number;
  extension: string;
  trailer: Field[];
}

const chunking = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
  upper: fc.boolean(),
  zeros: fc.integer({ min: 0, max: 3 }),
  extension: fc.constantFrom('', ';a', ';name=value', ';q="x;y"', ';a=1;b'),
  trailer: fc.constantFrom([], [['X-Trailer', ' 1']] as Field[], [['X-Checksum', ' abc'], ['X-More', ' 2']] as Field[]),
});

function chunked(content: Buffer, how: Chunking): Scripted {
  const parts: Buffer[] = [responseHead(200, 'OK', [['Transfer-Encoding', ' chunked']])];
  let at = 0;
  for (const size of [...how.sizes, content.length]) {
    if (at >= content.length) break;
    const piece = content.subarray(at, at + size);
    const hex = piece.length.toString(16);
    parts.push(chunk(piece, '0'.repeat(how.zeros) + (how.upper ? hex.toUpperCase() : hex), how.extension));
    at += piece.length;
  }
  const before = Buffer.concat(parts);
  const last = lastChunk(how.trailer);
  // The response is complete once the last chunk's line is in (RFC 9112 §8); the trailer may follow.
  return { bytes: Buffer.concat([before, last]), status: 200, body: content, fields: [], completeAt: before.length + 3, closes: false };
}

/**
 * One run: the client is told to GET a path; the suite reads its request head (not judged:
 * SRS-HTTP-100 is the scenarios'), writes the response as scripted and judges the report.
 * A whole response must be delivered exactly and the call done; a cut one never delivered.
 */
function exchange(ctx: LiveContext, make: (max: number) => Scripted, writes: Segmentation, end: Ending): Promise<void> {
  return withClient(ctx, async (client) => {
    const scripted = make(client.maxBytes);
    client.tell({ action: 'get', path: '/fuzz' });
    const conn = await client.connection();
    await conn.read(headParse, client.suiteTimeoutMs, 'a request head (ended by an empty line)');
    const cutting = end.kind !== 'whole';
    // A cut falls before the response is complete (answer folds its offset into completeAt): a cut after it would leave a whole response.
    await answer(conn, cutting ? scripted.bytes.subarray(0, scripted.completeAt) : scripted.bytes, end, writes);
    if (!cutting && scripted.closes) conn.end();
    const { reports: received, end: report } = await client.collect();
    if (cutting) {
      const ends: TerminalEvent[] = ['protocol-error', ...endsAfterCut(end)];
      expectConform(received.length === 0 && ends.includes(report.event as TerminalEvent), () =>
        `a response cut at byte ${cutAt(end, scripted.completeAt)} of ${scripted.completeAt} was reported as ` +
        `${[...received.map((r) => describeReport(r)), describeReport(report)].join(', then ')}; the script allows ${ends.map((e) => `"${e}"`).join(' or ')} and nothing delivered`);
      return;
    }
    if (received.length !== 1) throw new NonConformance(`the client reported ${received.length} responses to one request, then ${describeReport(report)}`);
    const fault = responseFault(reportedResponse(received[0]), scripted.status, scripted.body, scripted.fields);
    expectConform(!fault, () => fault!);
    expectConform(report.event === 'done', () => `after the response the call ended with ${describeReport(report)}, not "done"`);
  });
}

const describeScript = (script: string, writes: unknown, end: Ending) => `${script}; ${describeWrites(writes, end)}`;

const show = (bytes: Buffer) => `"${escapeBytes(bytes.subarray(0, 80))}${bytes.length > 80 ? '…' : ''}" (${bytes.length} bytes)`;

const liveHead: PropertyCase = {
  name: 'http client live: any status line and header fields, in any segmentation, are reported as sent',
  ids: ['SRS-HTTP-101'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(status, reason, extraFields, fc.constantFrom('HTTP/1.1', 'HTTP/1.0'), segmentation, (code, phrase, fields, version, writes) =>
    exchange(ctx, () => lengthDelimited(code, phrase, fields, Buffer.from('ok'), version), writes, WHOLE)),
  describe: ([code, phrase, fields, version, writes]) =>
    describeScript(`${version} ${code} "${escapeBytes(Buffer.from(phrase as string, 'latin1'))}", fields ${JSON.stringify(fields)}, body "ok"`, writes, WHOLE),
};

const liveBody: PropertyCase = {
  name: 'http client live: a body delimited by Content-Length or by the close is delivered exactly in any segmentation',
  ids: ['SRS-HTTP-103'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 2000 }), segmentation, (byLength, bytes, writes) =>
    exchange(ctx, (max) => {
      const content = Buffer.from(bytes.subarray(0, max));
      return byLength ? lengthDelimited(200, 'OK', [], content) : closeDelimited(content);
    }, writes, WHOLE)),
  describe: ([byLength, bytes, writes]) =>
    describeScript(`${byLength ? 'Content-Length' : 'to the close'}, body ${show(Buffer.from(bytes as Uint8Array))}`, writes, WHOLE),
};

const liveChunked: PropertyCase = {
  name: 'http client live: a chunked body in any chunking and segmentation is decoded exactly',
  ids: ['SRS-HTTP-104'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), chunking, segmentation, (bytes, how, writes) =>
    exchange(ctx, (max) => chunked(Buffer.from(bytes.subarray(0, max)), how), writes, WHOLE)),
  describe: ([bytes, how, writes]) => describeScript(`chunked ${JSON.stringify(how)}, body ${show(Buffer.from(bytes as Uint8Array))}`, writes, WHOLE),
};

const liveCut: PropertyCase = {
  name: 'http client live: a response cut at any offset by a close or a reset is never delivered',
  ids: ['SRS-HTTP-106'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 2000 }), chunking, segmentation, cutEnding, (byLength, bytes, how, writes, end) =>
    exchange(ctx, (max) => {
      const content = Buffer.from(bytes.subarray(0, max));
      return byLength ? lengthDelimited(200, 'OK', [], content) : chunked(content, how);
    }, writes, end)),
  describe: ([byLength, bytes, how, writes, end]) =>
    describeScript(`${byLength ? 'Content-Length' : `chunked ${JSON.stringify(how)}`}, body ${show(Buffer.from(bytes as Uint8Array))}`, writes, end as Ending),
};

/** First lines that hold no status code: bare text (HTTP/0.9), another protocol name, a code that is not three digits. */
const notAStatusLine = fc.oneof(
  fc.stringMatching(/^[ -~]{1,40}$/).filter((s) => !/^\s*HTTP\//i.test(s)),
  fc.tuple(fc.constantFrom('HTTP/1.1', 'HTTP/1.0'), fc.constantFrom('', '2', '20', '2000', '20x', 'OK', '-200', '2.0'), fc.constantFrom('', ' OK'))
    .map(([version, code, rest]) => `${version} ${code}${rest}`),
  fc.constantFrom('HTTX/1.1 200 OK', 'ICY 200 OK', 'RTSP/1.0 200 OK', 'ICE/1.0 200 OK', 'SSH-2.0-OpenSSH_9.2p1'),
);

const liveStatusLine: PropertyCase = {
  name: 'http client live: a first line that is not a status line is a protocol error',
  ids: ['SRS-HTTP-110'],
  kind: 'live',
  runs: 6,
  build: (ctx) => fc.asyncProperty(notAStatusLine, segmentation, (line, writes) => withClient(ctx, async (client) => {
    client.tell({ action: 'get', path: '/fuzz' });
    const conn = await client.connection();
    await conn.read(headParse, client.suiteTimeoutMs, 'a request head (ended by an empty line)');
    await answer(conn, Buffer.from(`${line}\r\nContent-Length: 2\r\n\r\nok`, 'latin1'), WHOLE, writes);
    conn.end();
    const { reports: received, end } = await client.collect();
    expectConform(received.length === 0 && end.event === 'protocol-error', () =>
      `the first line "${line}" was reported as ${[...received.map((r) => describeReport(r)), describeReport(end)].join(', then ')}, not "protocol-error"`);
  })),
  describe: ([line, writes]) => describeScript(`first line "${line as string}", then Content-Length: 2 and "ok", then a close`, writes, WHOLE),
};

export const httpClient: ClientSupport = {
  defaultMaxBytes: DEFAULT_MAX_BODY,
  properties: [liveHead, liveBody, liveChunked, liveCut, liveStatusLine],
};
