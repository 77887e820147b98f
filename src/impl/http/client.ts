import http from 'node:http';
import https from 'node:https';
import { ConnectionClosedError, ProtocolError, TimeoutError } from '../common/errors';

export interface GetOptions {
  /** Bounds the whole exchange: connect, headers and body, redirects included. */
  timeoutMs?: number;
  /** Largest body accepted; a longer one is refused before or while it is read. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (as fetch does). */
  headers: Record<string, string>;
  body: Buffer;
}

/** A response body over the `maxBytes` the caller accepts: a protocol error of this client's own limit. */
export class BodyTooLargeError extends ProtocolError {
  override name = 'BodyTooLargeError';
  constructor(readonly url: string, readonly maxBytes: number) {
    super(`GET ${url}: body over ${maxBytes} bytes`);
  }
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Redirects followed, as fetch follows them (at most 20). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** Error codes of a connection the server closed or reset under an exchange. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE']);
const STATUS_LINE_START = Buffer.from('HTTP/');

/**
 * urllib's urlopen(url).read(): one GET (redirects followed), the status, headers and
 * exact body bytes. Any status is a result, not an error; a timeout is a TimeoutError, a
 * connection closed or reset before the response is whole a ConnectionClosedError, a
 * response that is not HTTP/1.1 (a bad status line, Content-Length or chunk) a
 * ProtocolError, a connection that fails to open its own error (e.g. ECONNREFUSED).
 *
 * Built on Node's http module rather than fetch: fetch (undici, Node 20) ends the call on
 * an unsolicited `100 Continue`, keeps the whitespace after a header value, refuses a quoted
 * chunk extension holding `;`, and takes chunk data not followed by CRLF as a complete
 * body (SRS-HTTP-101, -102, -104, -108; README, "Verifying a client").
 */
export function get(url: string, options: GetOptions = {}): Promise<HttpResponse> {
  return request('GET', url, options);
}

/** HEAD: the status and headers GET would get, and an empty body. */
export function head(url: string, options: GetOptions = {}): Promise<HttpResponse> {
  return request('HEAD', url, options);
}

async function request(method: string, url: string, { timeoutMs = 5000, maxBytes = DEFAULT_MAX_BYTES }: GetOptions): Promise<HttpResponse> {
  const deadline = Date.now() + timeoutMs;
  let target = httpUrl(url);
  for (let redirects = 0; ; redirects++) {
    const response = await exchange(method, target, { deadline, timeoutMs, maxBytes });
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined) return response;
    if (redirects === MAX_REDIRECTS) throw new Error(`${method} ${url}: more than ${MAX_REDIRECTS} redirects`);
    target = httpUrl(new URL(location, target).href);
  }
}

function httpUrl(url: string): URL {
  const parsed = new URL(url); // a TypeError when it is not a URL
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${url}`);
  return parsed;
}

/** One request on a fresh connection, and its whole response within the deadline. */
function exchange(method: string, url: URL, limits: { deadline: number; timeoutMs: number; maxBytes: number }): Promise<HttpResponse> {
  const what = `${method} ${url.href}`;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (err: Error) => settle(() => { req.destroy(); reject(err); });
    const timer = setTimeout(() => fail(new TimeoutError(what, limits.timeoutMs)), Math.max(0, limits.deadline - Date.now()));
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, agent: false }, (res) => {
      const declared = res.headers['content-length'];
      if (method !== 'HEAD' && declared !== undefined && Number(declared) > limits.maxBytes) return fail(new BodyTooLargeError(url.href, limits.maxBytes));
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxBytes) fail(new BodyTooLargeError(url.href, limits.maxBytes));
        else chunks.push(chunk);
      });
      res.on('error', (err) => fail(failure(what, err)));
      res.on('close', () => {
        if (!res.complete) return fail(new ConnectionClosedError(`${what}: the connection closed before the response was complete`));
        const headers = Object.fromEntries(Object.entries(res.headersDistinct).map(([name, values]) => [name, values!.join(', ')]));
        settle(() => resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks, total) }));
      });
    });
    // Node's parser also reads RTSP/ and ICE/ responses as HTTP ones: the first bytes must start a status line.
    req.on('socket', (socket) => {
      let start = Buffer.alloc(0);
      const check = (chunk: Buffer) => {
        start = Buffer.concat([start, chunk.subarray(0, STATUS_LINE_START.length - start.length)]);
        if (!STATUS_LINE_START.subarray(0, start.length).equals(start)) {
          fail(new ProtocolError(`${what}: the answer does not start with an HTTP status line ("${start.toString('latin1')}...")`));
        }
        if (start.length >= STATUS_LINE_START.length) socket.off('data', check);
      };
      socket.prependListener('data', check);
    });
    req.on('error', (err) => fail(failure(what, err)));
    req.end();
  });
}

/** The typed error for how an exchange failed. */
function failure(what: string, err: NodeJS.ErrnoException): Error {
  if (err.code?.startsWith('HPE_')) return new ProtocolError(`${what}: ${err.message}`, { cause: err });
  if (err.code !== undefined && CLOSED_CODES.has(err.code)) return new ConnectionClosedError(`${what}: ${err.message}`, { cause: err });
  return err;
}
