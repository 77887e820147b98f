import net from 'node:net';
import { once } from 'node:events';
import { TimeoutError } from './errors';

export const DEFAULT_HOST = '127.0.0.1';

/** What every reference server gives back: where it listens and how to stop it. */
export interface RunningServer {
  readonly host: string;
  /** The port actually bound (the ephemeral one when 0 was asked for). */
  readonly port: number;
  /** Resolves once the server has stopped listening and every connection is closed. */
  readonly closed: Promise<void>;
  /** Stops listening and closes every connection; resolves as `closed` does. */
  close(): Promise<void>;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Pending-connection queue; Node's default (511) when absent. A burst past it waits for SYN retries. */
  backlog?: number;
  /** Keep a socket writable after its peer's FIN (a proxy forwards each direction's FIN on its own). */
  allowHalfOpen?: boolean;
}

/** A listening server with every connection it accepted and has not yet seen close. */
export interface TcpListener extends RunningServer {
  readonly server: net.Server;
  readonly sockets: Set<net.Socket>;
}

/**
 * Listens on host:port (127.0.0.1 and an ephemeral port by default) and keeps track
 * of every accepted socket, so that close() never leaves one open.
 */
export async function listenTcp(
  onConnection: (socket: net.Socket) => void,
  { host = DEFAULT_HOST, port = 0, backlog, allowHalfOpen = false }: ListenOptions = {},
): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    onConnection(socket);
  });
  server.listen({ port, host, backlog });
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => { throw err; })]);
  const closed = once(server, 'close').then(() => undefined);
  const address = server.address() as net.AddressInfo;
  return {
    server,
    sockets,
    host,
    port: address.port,
    closed,
    close() {
      if (server.listening) server.close();
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}

/**
 * A graceful stop: stops listening, lets `finish` ask the connections to end (by default
 * each socket is ended: what is queued is flushed, then FIN), and destroys whatever is
 * still open `graceMs` later. Resolves as `closed`. Call it once: the caller keeps its
 * own "stopping" state, which its connection handler needs anyway.
 */
export function closeGracefully(
  listener: TcpListener,
  graceMs: number,
  finish: () => void = () => listener.sockets.forEach((socket) => socket.end()),
): Promise<void> {
  if (listener.server.listening) listener.server.close();
  finish();
  const grace = setTimeout(() => listener.sockets.forEach((socket) => socket.destroy()), graceMs);
  grace.unref();
  void listener.closed.then(() => clearTimeout(grace));
  return listener.closed;
}

/** Connects with a timeout; the socket comes back with Nagle off (request/response). */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError(`connect to ${host}:${port}`, timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

/** Parses "HOST:PORT" (IPv6 as [::1]:PORT); a clear error for anything else. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: m[1] ?? m[2], port };
}
