import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { Duplex, pipeline } from 'node:stream';
import { DEFAULT_HOST, ListenOptions, RunningServer } from '../common/net';
import { isInsideRoot, parseRequestTarget, pathUnderRoot } from './paths';

export interface HttpServerOptions extends ListenOptions {
  /** The directory served; nothing outside it (after resolving symlinks) is ever read. */
  root: string;
  /** How long close() lets responses in flight finish before cutting them. */
  closeGraceMs?: number;
}

export const ALLOWED_METHODS = 'GET, HEAD';
const METHOD_REFUSAL =
  `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${ALLOWED_METHODS}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;

/**
 * `TOKEN SP target SP HTTP/1.x`: a well-formed request line, whatever its method. The token
 * may be cut short at the front: the bytes the parser took before it refused the method
 * came in earlier chunks, which no error carries.
 */
const WELL_FORMED_REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]* \S+ HTTP\/1\.[01]\r\n/;

/** The longest request line of a refused method waited for; past it the answer is 400. */
const MAX_REFUSED_LINE = 8192;

/** Printable ASCII so far and no CRLF yet (a CR may end a chunk): the rest of a request line may still come, so it is waited for. */
const UNFINISHED_REQUEST_LINE = /^[\x20-\x7e]*\r?$/;

/**
 * What a request Node's parser rejects is answered, as Node's default handler would
 * (400; 431 for oversized headers; 408 for a request too slow), except one case: the
 * parser knows a fixed list of methods and rejects any other token as malformed, but a
 * well-formed request with a method this server does not serve is refused like POST.
 */
function clientErrorAnswer(err: NodeJS.ErrnoException, requestLine: Buffer): string {
  if (err.code === 'HPE_INVALID_METHOD' && WELL_FORMED_REQUEST_LINE.test(requestLine.toString('latin1'))) return METHOD_REFUSAL;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
}

/** Answers on a socket Node's parser no longer reads, and closes it once the answer is out. */
function refuseRaw(socket: Duplex, answer: string): void {
  socket.on('error', () => socket.destroy());
  socket.resume(); // read and drop anything sent after the request, so the close is clean
  socket.end(answer, () => socket.destroy());
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Content-Type by file extension (case-insensitive); octet-stream for anything unknown. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

// O_NOFOLLOW: the resolved path is opened as it was checked, never through a symlink
// swapped in since. O_NONBLOCK: opening a FIFO never blocks a thread (it is then refused).
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

type Servable = { file: fs.promises.FileHandle; size: number } | { status: 403 | 404 };

/** Resolves accepted segments to an open regular file inside the root, or the status refusing it. */
async function openServable(rootReal: string, segments: readonly string[]): Promise<Servable> {
  let realPath: string;
  try {
    realPath = await fs.promises.realpath(pathUnderRoot(rootReal, segments));
  } catch (err) {
    return { status: statusForFsError(err) };
  }
  if (!isInsideRoot(rootReal, realPath)) return { status: 403 };
  let file: fs.promises.FileHandle;
  try {
    file = await fs.promises.open(realPath, OPEN_FLAGS);
  } catch (err) {
    return { status: statusForFsError(err) };
  }
  const stats = await file.stat().catch(async (err) => { await file.close(); throw err; });
  // Directories are never listed and index.html is not implied; FIFOs, devices and sockets are not files.
  if (!stats.isFile()) {
    await file.close();
    return { status: 404 };
  }
  return { file, size: stats.size };
}

function statusForFsError(err: unknown): 403 | 404 {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 403;
  if (['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG'].includes(code ?? '')) return 404;
  throw err;
}

/** A short text/plain answer with the status line's reason as its body. */
function replyStatus(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders = {}): void {
  const body = `${status} ${http.STATUS_CODES[status]}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The static file server: GET and HEAD of regular files under `root`, every path
 * that could leave the root refused, files streamed (memory stays bounded whatever
 * their size). Built on Node's http module: it parses, we only decide.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { host = DEFAULT_HOST, port = 0, closeGraceMs = 2000 } = options;
  const rootReal = await fs.promises.realpath(options.root);
  if (!(await fs.promises.stat(rootReal)).isDirectory()) throw new Error(`http root is not a directory: ${options.root}`);
  let stopping = false;

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    if (req.method !== 'GET' && req.method !== 'HEAD') return replyStatus(res, 405, { Allow: ALLOWED_METHODS });
    const target = parseRequestTarget(req.url ?? '');
    if (!target.ok) return replyStatus(res, target.status);
    const servable = await openServable(rootReal, target.segments);
    if ('status' in servable) return replyStatus(res, servable.status);
    const { file, size } = servable;
    res.writeHead(200, {
      // The type follows the name asked for, as the client sees it (a symlink's target may be named otherwise).
      'Content-Type': contentTypeFor(target.segments[target.segments.length - 1]),
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD' || size === 0) {
      await file.close();
      return void res.end();
    }
    // Exactly the size announced, even if the file grows meanwhile; a reader that goes
    // away destroys the stream, which closes the file.
    pipeline(file.createReadStream({ start: 0, end: size - 1 }), res, (err) => err && res.destroy());
  };

  const server = http.createServer((req, res) => {
    serve(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else replyStatus(res, 500);
    });
  });
  // CONNECT never reaches the request handler (Node hands over the raw socket): refuse it the same way.
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => refuseRaw(socket, METHOD_REFUSAL));
  // Once it failed, Node's parser fails again on every later chunk of the connection, each
  // error carrying that chunk: a refused method's request line is gathered from them up to
  // its CRLF, so the answer does not depend on how the line was cut into segments.
  const answered = new WeakSet<Duplex>();
  const refusedLines = new WeakMap<Duplex, Buffer>();
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (answered.has(socket)) return; // refuseRaw reads and drops the rest
    if (!socket.writable || (socket as Duplex & { bytesWritten?: number }).bytesWritten) return void socket.destroy();
    const line = Buffer.concat([refusedLines.get(socket) ?? Buffer.alloc(0), err.rawPacket ?? Buffer.alloc(0)]);
    // (Node's request timeout ends a wait the client never finishes: that error is answered 408.)
    if (err.code === 'HPE_INVALID_METHOD' && line.length < MAX_REFUSED_LINE && UNFINISHED_REQUEST_LINE.test(line.toString('latin1'))) {
      return void refusedLines.set(socket, line);
    }
    answered.add(socket);
    refuseRaw(socket, clientErrorAnswer(err, line));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, an error is a failed accept (e.g. EMFILE): that client is lost, the server goes on.
  server.on('error', () => undefined);
  const closed = once(server, 'close').then(() => undefined);
  const address = server.address() as AddressInfo;

  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      server.close(); // stops accepting; idle keep-alive connections are closed now
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), closeGraceMs);
      grace.unref();
      void closed.then(() => clearTimeout(grace));
    }
    return closed;
  };
  return { host, port: address.port, closed, close };
}
