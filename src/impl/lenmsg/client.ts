import net from 'node:net';
import { keepable } from '../common/framer';
import { connectTcp } from '../common/net';
import { ConnectionClosedError, withTimeout } from '../common/errors';
import { encodeMessage, frameHeader, MAX_MESSAGE } from './framer';

export interface LenmsgClientOptions {
  /** Default for every wait (connect, send, close). */
  timeoutMs?: number;
  /** Largest body this client sends (the server's limit). */
  maxMessage?: number;
}

/**
 * The lenmsg sender: one connection to one server, messages out only.
 * Sends keep their order on the wire whatever the caller awaits.
 */
export class LenmsgClient {
  /** Resolves once the connection is fully closed, by either side. */
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs: number,
    private readonly maxMessage: number,
  ) {
    socket.on('error', () => undefined); // surfaced as ConnectionClosedError on the next send
    socket.once('end', () => { this.ended = true; });
    this.closed = new Promise((resolve) => socket.once('close', () => { this.ended = true; resolve(); }));
    socket.resume(); // the server never answers on this connection; reading lets us see its FIN
  }

  static async connect(host: string, port: number, options: LenmsgClientOptions = {}): Promise<LenmsgClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = await connectTcp(host, port, timeoutMs);
    return new LenmsgClient(socket, host, port, timeoutMs, options.maxMessage ?? MAX_MESSAGE);
  }

  /** Bytes queued in this process, not yet handed to the kernel. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Sends one message; resolves once it is handed to the kernel. A server that stops
   * reading makes this wait, up to the timeout (TimeoutError).
   */
  send(message: unknown, options: { timeoutMs?: number } = {}): Promise<void> {
    let frame: Buffer;
    try {
      frame = encodeMessage(message, this.maxMessage);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.write([frame], options);
  }

  /**
   * Queues a body that is already UTF-8 JSON (one a server received and validated, in the
   * parts it arrived in) as it is: no second encoding, and no copy but of parts too small to
   * pin their chunk while queued (keepable). Nothing to await: a relay is on its way once
   * queued, and a peer that stops reading shows in bufferedBytes. Throws RangeError past the
   * maximum and ConnectionClosedError once the connection is closed, before writing anything.
   */
  relay(body: readonly Buffer[]): void {
    let length = 0;
    for (const part of body) length += part.length;
    const header = frameHeader(length, this.maxMessage);
    const closed = this.closedError();
    if (closed) throw closed;
    this.socket.cork();
    this.socket.write(header);
    for (const part of body) this.socket.write(keepable(part));
    this.socket.uncork();
  }

  private closedError(): ConnectionClosedError | undefined {
    if (this.ended || this.socket.writableEnded) return new ConnectionClosedError(`connection to ${this.host}:${this.port} is closed`);
  }

  private write(parts: readonly Buffer[], { timeoutMs = this.timeoutMs }: { timeoutMs?: number }): Promise<void> {
    const closed = this.closedError();
    if (closed) return Promise.reject(closed);
    if (!this.socket.writableCorked) {
      // Writes made in one tick leave as one writev rather than one syscall each.
      this.socket.cork();
      process.nextTick(() => this.socket.uncork());
    }
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(parts[i]);
    const written = new Promise<void>((resolve, reject) =>
      this.socket.write(parts[last], (err) =>
        err ? reject(new ConnectionClosedError(`send to ${this.host}:${this.port}: ${err.message}`)) : resolve(),
      ),
    );
    return withTimeout(written, timeoutMs, `send to ${this.host}:${this.port}`);
  }

  /** Waits until the server closes this connection (after a bad frame, or its own close). */
  waitClosed({ timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    return withTimeout(this.closed, timeoutMs, `server at ${this.host}:${this.port} closing`);
  }

  /** Flushes what was sent, closes our side and waits for the close; resets it after the timeout. */
  async close({ timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    this.socket.end();
    await withTimeout(this.closed, timeoutMs, `closing ${this.host}:${this.port}`).catch(() => this.socket.destroy());
  }

  /** Drops the connection at once, discarding anything not yet sent. */
  destroy(): void {
    this.socket.destroy();
  }
}
