import net from 'node:net';
import { listenTcp, ListenOptions, RunningServer } from '../common/net';

/** The lecture's port. */
export const DEFAULT_ECHO_PORT = 50007;

export interface EchoServerOptions extends ListenOptions {
  /** Stop after the first client is done (the lecture's single accept). */
  once?: boolean;
  /** Connections allowed to wait for their turn; past it a new one is closed at once. */
  maxWaiting?: number;
  /** How long close() lets the current client drain before it is dropped. */
  closeGraceMs?: number;
  /** Called when a client's turn starts (the lecture's "Server connected to"). */
  onClient?(peer: { address: string; port: number }): void;
}

export interface EchoServer extends RunningServer {
  /** Clients whose turn is over. */
  readonly served: number;
  /** Clients connected and waiting for their turn. */
  readonly waiting: number;
  /** Bytes read from every client so far (served and current): what the server took in. */
  readonly bytesRead: number;
}

/**
 * RFC 862-style echo, one client at a time in order of arrival: every byte goes back
 * unchanged and in order; when the client ends its side, the rest is flushed and the
 * server closes. `pipe` carries the backpressure: a client that does not read stops
 * being read, so the server holds at most a socket's buffers per client.
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const maxWaiting = options.maxWaiting ?? 1024;
  const queue: net.Socket[] = [];
  let current: net.Socket | undefined;
  let served = 0;
  let bytesReadBefore = 0;
  let stopping = false;

  const serve = (socket: net.Socket) => {
    current = socket;
    options.onClient?.({ address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
    socket.once('close', () => {
      served += 1;
      bytesReadBefore += socket.bytesRead;
      current = undefined;
      if (options.once) void close();
      else serveNext();
    });
    socket.pipe(socket); // ends our side after the client's FIN, once everything is written
  };

  const serveNext = () => {
    while (!stopping && !current && queue.length > 0) {
      const next = queue.shift()!;
      if (!next.destroyed) serve(next);
    }
  };

  const running = await listenTcp((socket) => {
    socket.on('error', () => socket.destroy()); // a reset client just leaves
    socket.pause(); // a waiting client's bytes stay in the kernel
    if (stopping || (current && queue.length >= maxWaiting)) return void socket.destroy();
    if (!current) return serve(socket);
    queue.push(socket);
    socket.once('close', () => {
      const i = queue.indexOf(socket);
      if (i >= 0) queue.splice(i, 1);
    });
  }, options);

  const { server, sockets } = running;
  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      if (server.listening) server.close();
      for (const socket of queue.splice(0)) socket.destroy();
      if (current) {
        // Stop echoing, flush what is queued, close; whatever the client still sends is dropped.
        current.unpipe(current);
        current.end();
        current.resume();
      }
      const grace = setTimeout(() => sockets.forEach((s) => s.destroy()), options.closeGraceMs ?? 2000);
      grace.unref();
      void running.closed.then(() => clearTimeout(grace));
    }
    return running.closed;
  };

  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    close,
    get served() {
      return served;
    },
    get waiting() {
      return queue.length;
    },
    get bytesRead() {
      return bytesReadBefore + (current?.bytesRead ?? 0);
    },
  };
}
