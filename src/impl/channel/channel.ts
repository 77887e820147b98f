import net from 'node:net';
import { ConnectionClosedError, withTimeout } from '../common/errors';
import { FramingError } from '../common/framer';
import { AsyncQueue } from '../common/queue';
import { ChannelFramer, encodeFrame, MAX_BODY } from './framer';

export interface ChannelOptions {
  /** Largest body received or sent (default 16 MiB). */
  maxBody?: number;
  /** Default wait for recv() and send(); Infinity waits for ever (the default). */
  timeoutMs?: number;
  /** Received bodies held unread past which the socket stops reading (default: maxBody). */
  maxQueuedBytes?: number;
  /** How long close() waits for the peer to close its side before resetting (default 2000 ms). */
  closeGraceMs?: number;
}

/**
 * Bookkeeping charged per queued body on top of its bytes, so that a flood of empty
 * bodies fills the queue too.
 */
const QUEUED_BODY_OVERHEAD = 64;

/** Yields what `next` gives until it rejects with ConnectionClosedError; other errors go on. */
export async function* untilClosed<T>(next: () => Promise<T>): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await next();
    } catch (err) {
      if (err instanceof ConnectionClosedError) return;
      throw err;
    }
    yield item;
  }
}

/**
 * One end of a channel connection (either side: both speak the same protocol).
 * Sends are atomic and go out in call order; received bodies are queued, bounded, in order.
 *
 * The write side stays open after the peer closes its side, so the answers to the last
 * bodies still go out; close() ends it. When the peer breaks the framing, the bodies
 * received before the error are still delivered; the connection closes (flushing what
 * was sent, then FIN) once nothing received is left unread, and recv() then rejects
 * with the FramingError.
 */
export class Channel implements AsyncIterable<Buffer> {
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  readonly maxBody: number;
  private readonly framer: ChannelFramer;
  private readonly bodies = new AsyncQueue<Buffer>((body) => body.length + QUEUED_BODY_OVERHEAD);
  private readonly timeoutMs: number;
  private readonly maxQueuedBytes: number;
  private readonly closeGraceMs: number;
  /** Input is read and dropped: after close, a protocol error or stopReceiving(). */
  private discarding = false;
  private protocolError: FramingError | undefined;
  private closing = false;

  constructor(private readonly socket: net.Socket, options: ChannelOptions = {}) {
    this.maxBody = options.maxBody ?? MAX_BODY;
    this.framer = new ChannelFramer(this.maxBody);
    this.timeoutMs = options.timeoutMs ?? Infinity;
    this.maxQueuedBytes = options.maxQueuedBytes ?? this.maxBody;
    this.closeGraceMs = options.closeGraceMs ?? 2000;
    socket.allowHalfOpen = true;
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      const cut = this.framer.pending > 0 ? ` in the middle of a frame (${this.framer.pending} bytes discarded)` : '';
      this.bodies.end(new ConnectionClosedError(`peer closed the channel${cut}`));
    });
    socket.on('error', (err) => {
      this.bodies.end(new ConnectionClosedError(`channel connection failed: ${err.message}`, { cause: err }));
      socket.destroy();
    });
    socket.on('close', () => this.bodies.end(new ConnectionClosedError('channel connection closed')));
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  /** Bytes (plus a small per-body charge) received and not yet taken by recv(). */
  get queuedBytes(): number {
    return this.bodies.weight;
  }

  /** True while the socket is not read because too much received data is unread. */
  get receivePaused(): boolean {
    return this.socket.isPaused() && !this.discarding;
  }

  /**
   * Sends one body as one frame in one write: concurrent sends never interleave and go
   * out in call order. Resolves once the frame is handed to the kernel, so a sender that
   * awaits each send is paced by the peer. On timeout the frame stays queued (a frame
   * cannot be taken back without breaking the stream); only the wait ends.
   */
  send(body: Buffer | string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.length > this.maxBody) {
      return Promise.reject(new RangeError(`body of ${bytes.length} bytes exceeds the maximum of ${this.maxBody}`));
    }
    if (this.closing || !this.socket.writable) return Promise.reject(new ConnectionClosedError('channel is closed for sending'));
    const written = new Promise<void>((resolve, reject) => {
      this.socket.write(encodeFrame(bytes), (err) =>
        err ? reject(new ConnectionClosedError(`send failed: ${err.message}`, { cause: err })) : resolve(),
      );
    });
    return Number.isFinite(timeoutMs) ? withTimeout(written, timeoutMs, `channel send of ${bytes.length} bytes`) : written;
  }

  /** The next body received, in order. Rejects with ConnectionClosedError, FramingError or TimeoutError. */
  recv({ timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<Buffer> {
    if (this.protocolError && this.bodies.size === 0) void this.close();
    const body = this.bodies.take(timeoutMs, 'channel recv');
    if (this.receivePaused && this.bodies.weight <= this.maxQueuedBytes) this.socket.resume();
    return body;
  }

  /** Yields every body until the peer closes; throws a FramingError the peer caused. */
  [Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    return untilClosed(() => this.recv({ timeoutMs: Infinity }));
  }

  /**
   * Stops reading: bodies already received are still delivered, then recv() reports
   * the channel closed. Sending still works until close(). (Graceful server shutdown.)
   */
  stopReceiving(): void {
    this.bodies.end(new ConnectionClosedError('channel stopped receiving'));
    this.discardInput();
  }

  /**
   * Flushes what was sent, then closes (FIN); unread bodies are dropped. Resets the
   * connection if the peer has not closed its side within the grace period.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.bodies.end(new ConnectionClosedError('channel closed locally'));
      this.bodies.clear();
      this.discardInput();
      this.socket.end();
      const grace = setTimeout(() => this.socket.destroy(), this.closeGraceMs);
      void this.closed.then(() => clearTimeout(grace));
    }
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    if (this.discarding) return;
    try {
      this.framer.push(chunk, (body) => this.deliver(body));
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.protocolError = err;
      this.bodies.end(err);
      this.discardInput();
      // Let takers that just got a body answer it first, then close if nothing is left unread.
      setImmediate(() => {
        if (this.bodies.size === 0) void this.close();
      });
    }
  }

  private deliver(body: Buffer): void {
    this.bodies.push(body);
    if (this.bodies.weight > this.maxQueuedBytes) this.socket.pause();
  }

  private discardInput(): void {
    this.discarding = true;
    this.socket.resume();
  }
}
