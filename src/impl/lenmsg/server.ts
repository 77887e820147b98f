import net from 'node:net';
import { ConnectionClosedError } from '../common/errors';
import { FramingError } from '../common/framer';
import { closeGracefully, listenTcp, ListenOptions, RunningServer } from '../common/net';
import { decodeBodyParts, LengthPrefixFramer, MAX_MESSAGE } from './framer';

/** One accepted client, as the application sees it. */
export interface LenmsgConnection {
  /** Unique per server, in order of acceptance. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

export interface LenmsgServerOptions extends ListenOptions {
  /**
   * Every message, exactly once, whole, in order per connection; `body` is its validated
   * UTF-8 JSON as received, as views of the chunks it arrived in, for relaying without
   * encoding or copying it again (the caller may keep them; keepable() bounds what they pin).
   */
  onMessage(message: unknown, from: LenmsgConnection, body: readonly Buffer[]): void;
  /**
   * A connection is gone; `error` says why when it broke the framing (FramingError) or
   * ended mid-frame (ConnectionClosedError).
   */
  onDisconnect?(from: LenmsgConnection, error?: FramingError | ConnectionClosedError): void;
  maxMessage?: number;
  /** How long close() lets peers finish sending before it drops them. */
  closeGraceMs?: number;
}

export interface LenmsgServer extends RunningServer {
  /** Connections open now. */
  readonly connections: number;
}

/**
 * The lenmsg receiver: any number of concurrent clients, each framed on its own.
 * It never writes to a client. A bad frame closes that connection only.
 */
export async function startLenmsgServer(options: LenmsgServerOptions): Promise<LenmsgServer> {
  const maxMessage = options.maxMessage ?? MAX_MESSAGE;
  let nextId = 1;
  let stopping = false;

  const receive = (socket: net.Socket) => {
    if (stopping) return void socket.destroy();
    const from: LenmsgConnection = {
      id: nextId++,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    const framer = new LengthPrefixFramer(maxMessage);
    let failure: FramingError | ConnectionClosedError | undefined;
    const onData = (chunk: Buffer) => {
      try {
        framer.pushParts(chunk, (body, length) => options.onMessage(decodeBodyParts(body, length), from, body));
      } catch (err) {
        if (!(err instanceof FramingError)) throw err; // the application's own bug stays loud
        failure = err;
        socket.removeListener('data', onData);
        socket.end(() => socket.destroy()); // FIN, then drop whatever the peer still sends
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy()); // a reset peer just leaves
    socket.once('close', () => {
      if (!failure && framer.pending > 0) {
        failure = new ConnectionClosedError(`connection closed mid-frame: ${framer.pending} bytes discarded`);
      }
      options.onDisconnect?.(from, failure);
    });
  };

  // Many clients at once is the point: a burst of connects must not wait for SYN retries.
  const running = await listenTcp(receive, { ...options, backlog: options.backlog ?? 4096 });
  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      // Our FIN asks each peer to finish: what it already sent is still read and delivered.
      closeGracefully(running, options.closeGraceMs ?? 2000);
    }
    return running.closed;
  };
  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    close,
    get connections() {
      return running.sockets.size;
    },
  };
}
