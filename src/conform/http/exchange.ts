/**
 * How the suite asks an http target: Node's own http client where it can say the
 * request (any method, an exact un-normalised path), and the raw WireDriver for what
 * no HTTP client sends (broken request lines, absolute-form targets, 64 KB paths).
 * Both record into the case's trace.
 */
import http from 'node:http';
import { escapeBytes } from '../bytes-text';
import { READ_AHEAD_BYTES, WireDriver, type Endpoint } from '../driver';
import { NonConformance, TargetUnreachableError } from '../errors';
import type { TraceRecorder } from '../trace';

/**
 * The longest body the suite takes in an answer, unless a case asks for more: room past the
 * few hundred bytes of the root's largest file (the generated 8 MiB file's case asks for its
 * size). A target that sends more fails the case; 6 cases side by side hold at most 6 times it.
 */
const ANSWER_BODY_LIMIT = READ_AHEAD_BYTES;

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpAsk {
  method?: string;
  /** Sent exactly as given: Node's client does not normalise `..`, `//` or `\`. */
  path: string;
  /** For a client that stops reading: called with the response before its body is read. */
  onResponse?: (res: http.IncomingMessage) => void | Promise<void>;
  /** The longest body the case takes (default ANSWER_BODY_LIMIT). */
  maxBody?: number;
}

/** One request on a fresh connection (no keep-alive pool), its status, headers and whole body. */
export function httpRequest(endpoint: Endpoint, trace: TraceRecorder, ask: HttpAsk, timeoutMs: number): Promise<HttpAnswer> {
  const method = ask.method ?? 'GET';
  const maxBody = ask.maxBody ?? ANSWER_BODY_LIMIT;
  const conn = trace.nextConnection();
  trace.note(conn, `node:http ${method} ${ask.path}`);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const fail = (err: Error) => { req.destroy(); reject(err); };
    const timer = setTimeout(() => fail(new NonConformance(`${method} ${ask.path}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
    const req = http.request({ host: endpoint.host, port: endpoint.port, method, path: ask.path, agent: false }, async (res) => {
      trace.note(conn, `status ${res.statusCode}, Content-Length ${res.headers['content-length'] ?? '(none)'}`);
      await ask.onResponse?.(res);
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes > maxBody) {
          clearTimeout(timer);
          fail(new NonConformance(`${method} ${ask.path}: the answer's body goes on past ${maxBody} bytes, more than the file the case asks for and ${READ_AHEAD_BYTES} bytes of room`));
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', () => fail(new NonConformance(`${method} ${ask.path}: the connection closed before the body announced by Content-Length was complete`)));
    });
    req.on('socket', (socket) => socket.on('data', (chunk: Buffer) => trace.chunk(conn, 'RX', chunk)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      trace.note(conn, `error ${err.code ?? err.message}`);
      if (err instanceof NonConformance) reject(err);
      else if (err.code === 'ECONNREFUSED') reject(new TargetUnreachableError(`cannot connect to ${endpoint.host}:${endpoint.port}: ${err.message}`));
      else reject(new NonConformance(`${method} ${ask.path}: ${err.message}`));
    });
    req.end();
  });
}

export interface RawAnswer {
  /** Every byte the target sent before it closed (or before the wait ended). */
  raw: Buffer;
  /** The status of an HTTP/1.x status line at the front, if there is one. */
  status?: number;
  /** Whether the target closed the connection (FIN or RST). */
  closed: boolean;
}

/** A request with `Connection: close`: the answer is everything until the target closes. */
export function requestBytes(endpoint: Endpoint, method: string, target: string): Buffer {
  return Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: ${endpoint.host}:${endpoint.port}\r\nConnection: close\r\n\r\n`, 'latin1');
}

/** A request line given as exact bytes (a string as latin1), then a Host and `Connection: close`. */
export function requestLineBytes(endpoint: Endpoint, line: string | Buffer): Buffer {
  const head = typeof line === 'string' ? Buffer.from(line, 'latin1') : line;
  return Buffer.concat([head, Buffer.from(`\r\nHost: ${endpoint.host}\r\nConnection: close\r\n\r\n`, 'latin1')]);
}

/**
 * Sends exact bytes on a fresh connection and takes everything the target sends until
 * it closes. A target that stays open after answering is waited for up to the timeout;
 * one that neither answers nor closes within it is a NonConformance.
 */
export async function rawExchange(endpoint: Endpoint, trace: TraceRecorder, bytes: Buffer, timeoutMs: number): Promise<RawAnswer> {
  const driver = await WireDriver.connect(endpoint, trace, timeoutMs);
  try {
    try {
      await driver.write(bytes);
    } catch (err) {
      if (!(err instanceof NonConformance)) throw err; // closed while we wrote: its answer (if any) is below
    }
    let closed = true;
    await driver.expectClosed(timeoutMs, 'waiting for the answer').catch(() => { closed = false; });
    const raw = Buffer.from(driver.unread);
    if (!closed && raw.length === 0) {
      throw new NonConformance(`no answer to "${escapeBytes(bytes.subarray(0, 80))}" and the connection still open after ${timeoutMs} ms`);
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(0, 16).toString('latin1'))?.[1];
    return { raw, closed, ...(status ? { status: Number(status) } : {}) };
  } finally {
    driver.destroy();
  }
}

/** A status line's first bytes, for messages. */
export function describeAnswer(answer: RawAnswer): string {
  if (answer.raw.length === 0) return 'the connection closed without an answer';
  const firstLine = answer.raw.subarray(0, Math.max(0, answer.raw.indexOf('\r\n')) || 80);
  return `"${escapeBytes(firstLine.subarray(0, 100))}"${answer.status === undefined ? ' (no HTTP status line)' : ''}`;
}

/** The media type of a Content-Type value: lower case, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase();
}

export const isSuccess = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

/** The head of a raw answer: its header fields (lower-case names) and the bytes after the blank line. */
export function splitHead(raw: Buffer): { headers: Record<string, string>; body: Buffer } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.subarray(end + 4) };
}
