/**
 * The http wire of client runs (`conform --client`), shared by the scenarios of
 * features/http/client-target/ (src/steps/http_client.ts) and the client properties
 * (./client.ts): the request head a client sends, the responses the suite's server
 * writes by hand (it must send what no correct server sends), and the judgement of what
 * the client reports for one response (`received`: the body with `status` and `headers`).
 */
import { escapeBytes } from '../bytes-text';
import type { ReceivedReport } from '../client/contract';
import type { Parse } from '../driver';
import { NonConformance } from '../errors';

/**
 * The maximum body assumed when a client announces none: a body of exactly the maximum is
 * reported in base64 on one line, and the driver contract bounds a line at 8 MiB.
 */
export const DEFAULT_MAX_BODY = 1024 * 1024;
/** Longest request head the suite reads before calling it unbounded. */
const MAX_HEAD = 64 * 1024;

/**
 * A request head: the bytes up to and including the empty line that ends it (CRLF CRLF,
 * or the bare LF LF of a client that does not send CRLF, so that it is judged, not waited for).
 */
export const headParse: Parse<Buffer> = (received) => {
  const crlf = received.indexOf('\r\n\r\n');
  const lf = received.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 4, lf === -1 ? -1 : lf + 2].filter((e) => e !== -1);
  if (ends.length === 0) {
    if (received.length > MAX_HEAD) throw new NonConformance(`the client sent ${received.length} bytes without ending its request head`);
    return undefined;
  }
  const end = Math.min(...ends);
  return { value: received.subarray(0, end), consumed: end };
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Why a request head is not `METHOD SP target SP HTTP/1.1` CRLF, fields `name: value` CRLF
 * with exactly one Host naming `authority`, and an empty line; undefined when it is.
 */
export function requestHeadFault(head: Buffer, method: string, target: string, authority: string): string | undefined {
  const text = head.toString('latin1');
  const bare = text.search(/(?<!\r)\n/);
  if (bare !== -1) return `a line ends with a bare LF (byte ${bare}), not CRLF`;
  const [line, ...fields] = text.slice(0, -4).split('\r\n');
  const wanted = `${method} ${target} HTTP/1.1`;
  if (line !== wanted) return `the request line is "${escapeBytes(Buffer.from(line, 'latin1'))}", not "${escapeBytes(Buffer.from(wanted, 'latin1'))}"`;
  const hosts: string[] = [];
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0 || !TOKEN.test(field.slice(0, colon))) return `"${escapeBytes(Buffer.from(field, 'latin1'))}" is not a header field (name: value)`;
    if (field.slice(0, colon).toLowerCase() === 'host') hosts.push(field.slice(colon + 1).trim());
  }
  if (hosts.length !== 1) return `the head carries ${hosts.length} Host fields, not one`;
  if (hosts[0].toLowerCase() !== authority.toLowerCase()) return `Host is "${escapeBytes(Buffer.from(hosts[0], 'latin1'))}", not "${authority}"`;
  return undefined;
}

/** One header field as the suite sends it: `name: value` (the value may carry whitespace around it). */
export type Field = [name: string, value: string];

/** A status line and header fields, then the empty line: the head of a response. */
export function responseHead(status: number, reason: string, fields: Field[], version = 'HTTP/1.1'): Buffer {
  return Buffer.from(`${version} ${status} ${reason}\r\n${fields.map(([n, v]) => `${n}:${v}\r\n`).join('')}\r\n`, 'latin1');
}

/** One chunk as RFC 9112 §7.1 frames it: its size in hex (as given), an extension, CRLF, the data, CRLF. */
export function chunk(data: Buffer, size = data.length.toString(16), extension = ''): Buffer {
  return Buffer.concat([Buffer.from(`${size}${extension}\r\n`, 'latin1'), data, Buffer.from('\r\n')]);
}

/** The last chunk and the trailer section that ends a chunked body. */
export function lastChunk(trailer: Field[] = []): Buffer {
  return Buffer.from(`0\r\n${trailer.map(([n, v]) => `${n}:${v}\r\n`).join('')}\r\n`, 'latin1');
}

/** What the client reported for one response: its status, the header fields it chose to report, its body. */
export interface ReportedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A `received` report read as a response; a NonConformance when its fields are not what the contract says. */
export function reportedResponse(report: ReceivedReport): ReportedResponse {
  const { status, headers = {} } = report.fields ?? {};
  if (!Number.isInteger(status)) throw new NonConformance(`the client reported a response without an integer "status" (${JSON.stringify(status)})`);
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new NonConformance(`the client reported "headers" that are not an object of strings: ${JSON.stringify(headers).slice(0, 200)}`);
  }
  return { status: status as number, headers: headers as Record<string, string>, body: report.bytes };
}

/**
 * Why a reported response is not the one the suite sent, or undefined: the status, the body,
 * and every header field the client reported among those the suite sent (names compared
 * case-insensitively, values without the whitespace around them).
 */
export function responseFault(got: ReportedResponse, status: number, body: Buffer, sent: Field[] = []): string | undefined {
  if (got.status !== status) return `the client reported status ${got.status}, the suite sent ${status}`;
  if (!got.body.equals(body)) {
    const at = got.body.findIndex((b, i) => b !== body[i]);
    const where = at === -1 ? Math.min(got.body.length, body.length) : at;
    return `the client reported a body of ${got.body.length} bytes ("${show(got.body)}"), the suite sent ${body.length} ("${show(body)}"); they differ from byte ${where}`;
  }
  const reported = new Map(Object.entries(got.headers).map(([n, v]) => [n.toLowerCase(), v]));
  for (const [name, value] of sent) {
    const got = reported.get(name.toLowerCase());
    if (got !== undefined && got !== value.trim()) return `the client reported ${name} as "${escapeBytes(Buffer.from(got))}", the suite sent "${escapeBytes(Buffer.from(value.trim(), 'latin1'))}"`;
  }
  return undefined;
}

function show(bytes: Buffer): string {
  return bytes.length > 60 ? `${escapeBytes(bytes.subarray(0, 60))}…` : escapeBytes(bytes);
}
