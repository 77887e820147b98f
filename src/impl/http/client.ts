import { ConnectionClosedError, TimeoutError } from '../common/errors';

export interface GetOptions {
  /** Bounds the whole exchange: connect, headers and body. */
  timeoutMs?: number;
  /** Largest body accepted; a longer one is refused before or while it is read. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", " as fetch does. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A response body over the `maxBytes` the caller accepts. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly url: string, readonly maxBytes: number) {
    super(`GET ${url}: body over ${maxBytes} bytes`);
  }
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Error codes of a connection the server closed or reset under an exchange (UND_ERR_SOCKET: undici's "other side closed"). */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * urllib's urlopen(url).read() on global fetch: one GET (redirects followed), the
 * status, headers and exact body bytes. Any status is a result, not an error; a
 * timeout is a TimeoutError, a connection closed or reset before the response is whole
 * a ConnectionClosedError, a connection that fails to open its own error (e.g. ECONNREFUSED).
 */
export async function get(url: string, { timeoutMs = 5000, maxBytes = DEFAULT_MAX_BYTES }: GetOptions = {}): Promise<HttpResponse> {
  const { protocol } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${url}`);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal });
    const headers = Object.fromEntries(response.headers);
    const declared = Number(headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new BodyTooLargeError(url, maxBytes);
    }
    return { status: response.status, headers, body: await readBounded(response, url, maxBytes) };
  } catch (err) {
    if (signal.aborted) throw new TimeoutError(`GET ${url}`, timeoutMs);
    // fetch reports every network failure as "fetch failed" (or "terminated" mid-body); the cause says which.
    if (err instanceof TypeError && err.cause instanceof Error) {
      const code = (err.cause as NodeJS.ErrnoException).code;
      if (code !== undefined && CLOSED_CODES.has(code)) throw new ConnectionClosedError(`GET ${url}: ${err.cause.message}`, { cause: err.cause });
      throw err.cause;
    }
    throw err;
  }
}

/** Reads the body chunk by chunk, giving up as soon as it passes maxBytes. */
async function readBounded(response: Response, url: string, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new BodyTooLargeError(url, maxBytes); // leaving the loop cancels the body
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
