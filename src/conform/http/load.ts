/**
 * http under the load profile: GET and HEAD requests for the files of the fixture root on
 * a keep-alive connection, one at a time as a browser's connection sends them, each with
 * its client and sequence number in a query string of mixed length (a static server
 * ignores it). An HTTP response carries nothing of its request, so each answer is judged
 * by its place: status 200, the file's Content-Length, and its exact bytes. A server that
 * says it closes after a response (HTTP/1.0, `Connection: close`) is followed as any
 * client follows it: the next request goes on a new connection, counted in the note.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { socketMessaging } from '../../robustness/conversation';
import { countLost, type Check, type KeeperFactory } from '../../robustness/keepers';
import { malformedPerConnection, slowloris } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { textMessage } from '../../robustness/messages';
import { WireDriver, type Parse } from '../driver';
import { NonConformance } from '../errors';
import type { LoadSupport } from '../protocol';
import { TraceRecorder } from '../trace';
import { FIXTURE_FILES, FIXTURE_ROOT } from './fixture';

/** Longest request target: far under every server's limit on a request line. */
const MAX_TARGET = 4000;
const MAX_HEAD = 64 * 1024;

interface HttpResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** The server closes the connection after this response (HTTP/1.0 without keep-alive, or `Connection: close`). */
  closes: boolean;
}

/** The end of a chunked body that starts at `at`, or undefined while incomplete; the body's bytes. */
function chunkedBody(received: Buffer, at: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = received.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(received.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size < 0) throw new NonConformance(`a chunk size of "${received.subarray(at, lineEnd).toString('latin1').slice(0, 20)}"`);
    if (size === 0) {
      // The last chunk, then trailer lines (usually none) up to an empty line.
      const end = received.indexOf('\r\n\r\n', lineEnd);
      return end === -1 ? undefined : { body: Buffer.concat(parts), end: end + 4 };
    }
    if (received.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(received.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** One whole HTTP/1.x response off the front (Content-Length or chunked; no body after HEAD, 204 or 304). */
function responseParse(head: boolean): Parse<HttpResponse> {
  return (received) => {
    const end = received.indexOf('\r\n\r\n');
    if (end === -1) {
      if (received.length > MAX_HEAD) throw new NonConformance(`a response head longer than ${MAX_HEAD} bytes`);
      return undefined;
    }
    const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (!status) throw new NonConformance(`"${statusLine.slice(0, 60)}" is not an HTTP/1.x status line`);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const code = Number(status[2]);
    const connection = (headers.get('connection') ?? '').toLowerCase();
    const closes = connection.includes('close') || (status[1] === '0' && !connection.includes('keep-alive'));
    const start = end + 4;
    const done = (body: Buffer, consumed: number) => ({ value: { status: code, headers, body, closes }, consumed });
    if (head || code === 204 || code === 304 || (code >= 100 && code < 200)) return done(Buffer.alloc(0), start);
    if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
      const chunked = chunkedBody(received, start);
      return chunked && done(chunked.body, chunked.end);
    }
    const length = headers.get('content-length');
    if (length === undefined) throw new NonConformance('a response with neither Content-Length nor chunked encoding on a connection kept open');
    const size = Number(length);
    return received.length < start + size ? undefined : done(received.subarray(start, start + size), start + size);
  };
}

const files = FIXTURE_FILES.map((name) => ({ name, bytes: readFileSync(path.join(FIXTURE_ROOT, name)), target: `/${name.split('/').map(encodeURIComponent).join('/')}` }));

/** Message `seq`'s request: which file, GET or HEAD (one in eight), and its query string. */
function request(client: number, seq: number, maxBytes: number) {
  const file = files[(seq * 7 + client) % files.length];
  const head = seq % 8 === 7;
  const query = textMessage({ client, seq }, Math.min(maxBytes, MAX_TARGET)).toString('latin1');
  const bytes = Buffer.from(`${head ? 'HEAD' : 'GET'} ${file.target}?${query} HTTP/1.1\r\nHost: wireproof-load\r\n\r\n`, 'latin1');
  return { file, head, bytes };
}

/**
 * Two whole requests, each on a connection of its own, read after the load. Not pipelined
 * on one connection (an HTTP/1.0 server answers one request per connection, and says so)
 * and not one cut in half: an HTTP server may time out a request that stops arriving (its
 * keep-alive or header timeout; RFC 9112 §9.5), so a partial request is no request accepted.
 */
const keeper: KeeperFactory = async (endpoint, _rng, timeoutMs) => {
  const request = Buffer.from('GET /hello.txt HTTP/1.1\r\nHost: wireproof-keeper\r\n\r\n');
  const expected = files.find((f) => f.name === 'hello.txt')!.bytes;
  const drivers: WireDriver[] = [];
  const close = () => drivers.forEach((driver) => driver.destroy());
  try {
    for (let i = 0; i < 2; i++) {
      const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
      drivers.push(driver);
      await driver.write(request);
    }
  } catch (err) {
    close();
    throw err;
  }
  const checks: Check[] = drivers.map((driver, i) => async () => {
    const response = await driver.read(responseParse(false), timeoutMs, `the response to the keeper's request ${i + 1}`);
    return response.status === 200 && response.body.equals(expected) ? undefined : `status ${response.status}, ${response.body.length} bytes`;
  });
  return { finish: () => countLost(checks), close };
};

export const httpLoad: LoadSupport = {
  messaging: async (endpoint) => socketMessaging(endpoint, {
    window: 1,
    byPosition: true,
    retryAfterClose: true,
    maxMessageBytes: MAX_TARGET,
    describe: `GET and HEAD requests for the ${files.length} files of features/http/root, query strings of mixed length, on a keep-alive connection`,
    codec: ({ client, maxBytes }) => ({
      byPosition: true,
      maxAnswerBytes: MAX_HEAD + Math.max(...files.map((f) => f.bytes.length)),
      encode: (seq) => request(client, seq, maxBytes).bytes,
      parse(received, oldest) {
        const asked = oldest === undefined ? undefined : request(client, oldest, maxBytes);
        const unit = responseParse(asked?.head ?? false)(received);
        if (!unit) return undefined;
        const response = unit.value;
        let what: string | undefined;
        if (!asked) what = 'a response to no request';
        else if (response.status !== 200) what = `status ${response.status} for ${asked.head ? 'HEAD' : 'GET'} ${asked.file.target}`;
        else if (response.headers.get('content-length') !== undefined && Number(response.headers.get('content-length')) !== asked.file.bytes.length) what = `Content-Length ${response.headers.get('content-length')} for ${asked.file.target} (${asked.file.bytes.length} bytes)`;
        else if (!asked.head && !response.body.equals(asked.file.bytes)) what = `${response.body.length} bytes that are not ${asked.file.target}`;
        return { answer: { seq: oldest, intact: what === undefined, ...(what ? { what } : {}), closes: response.closes }, consumed: unit.consumed };
      },
    }),
  }),
  oneClientAtATime: async () => false,
  hostile: (sizes) => [
    slowloris(Buffer.from('GET /hello.txt HTTP/1.1\r\nX-Slow: 1\r\n', 'latin1'), sizes.idleConnections),
    malformedPerConnection(malformed.httpInput, sizes.malformedCount),
  ],
  keeper,
};
