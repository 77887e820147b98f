import { closeGracefully, listenTcp, ListenOptions, RunningServer } from '../common/net';
import { Turns } from '../common/turns';

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
  let served = 0;
  let bytesReadBefore = 0;
  let stopping = false;

  const turns = new Turns((socket, done) => {
    options.onClient?.({ address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
    socket.once('close', () => {
      served += 1;
      bytesReadBefore += socket.bytesRead;
      if (options.once) void close(); // stops the turns first: nobody else is served
      done();
    });
    socket.pipe(socket); // ends our side after the client's FIN, once everything is written
  }, options.maxWaiting ?? 1024);

  const running = await listenTcp((socket) => turns.admit(socket), options);

  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      closeGracefully(running, options.closeGraceMs ?? 2000, () => {
        for (const socket of turns.stop()) socket.destroy();
        const current = turns.current;
        // With `once`, close() runs from the current client's 'close': nothing is left to flush.
        if (current && !current.destroyed) {
          // Stop echoing, flush what is queued, close; whatever the client still sends is dropped.
          current.unpipe(current);
          current.end();
          current.resume();
        }
      });
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
      return turns.waiting;
    },
    get bytesRead() {
      return bytesReadBefore + (turns.current?.bytesRead ?? 0);
    },
  };
}
