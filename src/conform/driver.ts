import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { NonConformance, TargetUnreachableError } from './errors';
import { TraceRecorder } from './trace';

export interface Endpoint {
  host: string;
  port: number;
  /** The second port of two-port protocols (cobra's control port). */
  port2?: number;
}

/** How the peer ended the connection, as the driver saw it. */
export type CloseKind = 'FIN' | 'RST';

/** Takes one unit off the front of the received bytes, or undefined while it is incomplete. */
export type Parse<T> = (received: Buffer) => { value: T; consumed: number } | undefined;

export interface WriteOptions {
  /** Write in pieces of this many bytes (each its own write call, so its own segment with Nagle off). */
  pieceSize?: number;
  /** Explicit write boundaries: the sizes of successive writes (the rest goes in a last write). */
  pieces?: number[];
  /** Pause between pieces. */
  delayMs?: number;
}

/**
 * Unread bytes a connection may hold, beyond as many as the client wrote on it (room for an
 * echo of everything sent): past that the driver stops taking bytes from the socket, so a
 * target that floods backs up in TCP instead of in the suite's memory.
 */
export const READ_AHEAD_BYTES = 1 << 20;

/**
 * Received bytes not yet read, taken from the front. Appending copies into spare room and
 * a full buffer is replaced by one twice the size of what it holds, so collecting n bytes
 * costs O(n) copies. Bytes once handed out (views) are never overwritten.
 */
class Unread {
  private bytes = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The unread bytes, as a view that stays valid. */
  view(): Buffer {
    return this.bytes.subarray(this.start, this.end);
  }

  /** Appends a chunk; `capacityCap` bounds the room a new buffer reserves (the most it will be asked to hold). */
  append(chunk: Buffer, capacityCap: number): void {
    if (this.end + chunk.length > this.bytes.length) {
      const held = this.view();
      const need = held.length + chunk.length;
      this.bytes = Buffer.allocUnsafe(Math.max(need, Math.min(2 * need, capacityCap), 4096));
      held.copy(this.bytes);
      this.start = 0;
      this.end = held.length;
    }
    chunk.copy(this.bytes, this.end);
    this.end += chunk.length;
  }

  consume(n: number): void {
    this.start += n;
  }
}

/**
 * A raw TCP client for the conformance steps: bytes with exact write boundaries and
 * delays, reads against deadlines, and every chunk recorded in the case's trace.
 * It never interprets the protocol; steps and properties pass a Parse for that.
 * It holds at most READ_AHEAD_BYTES unread, plus as many as it wrote.
 */
export class WireDriver {
  private readonly received = new Unread();
  /** Bytes written so far: an echo of them all may wait unread. */
  private written = 0;
  /** Reading stopped because `limit` bytes are unread (not a step's pauseReading). */
  private heldBack = false;
  private pausedByStep = false;
  /** Whoever waits for the next event (bytes, a close): every one is woken. */
  private readonly waiters = new Set<() => void>();
  private closeKind: CloseKind | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly trace: TraceRecorder,
    readonly conn: number,
    /** How long a write may wait for the kernel to take a piece: longer, the peer stopped reading. */
    private readonly timeoutMs: number,
    /** Who the suite is on this connection, in trace notes: the client (server runs) or the server (--client runs). */
    private readonly self = 'client',
  ) {
    socket.on('data', (chunk: Buffer) => {
      trace.chunk(conn, 'RX', chunk);
      this.received.append(chunk, this.limit + chunk.length);
      if (this.received.length >= this.limit && !this.heldBack) {
        this.heldBack = true;
        socket.pause();
        trace.note(conn, `${this.self} stops reading: ${this.received.length} bytes unread, the suite's limit (${this.limit})`);
      }
      this.wake();
    });
    socket.once('end', () => {
      trace.note(conn, 'FIN received');
      this.closeKind ??= 'FIN';
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      trace.note(conn, `error ${err.code ?? err.message}`);
      this.closeKind ??= 'RST';
      this.wake();
    });
    socket.once('close', () => {
      this.closeKind ??= 'FIN';
      this.wake();
    });
  }

  static async connect(endpoint: Endpoint, trace: TraceRecorder, timeoutMs: number): Promise<WireDriver> {
    const conn = trace.nextConnection();
    trace.note(conn, `connect ${endpoint.host}:${endpoint.port}`);
    const socket = net.connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no TCP connection within ${timeoutMs} ms`)), timeoutMs);
        socket.once('connect', () => { clearTimeout(timer); resolve(); });
        socket.once('error', (err) => { clearTimeout(timer); reject(err); });
      });
    } catch (err) {
      socket.destroy();
      trace.note(conn, `connect failed: ${(err as Error).message}`);
      throw new TargetUnreachableError(`cannot connect to ${endpoint.host}:${endpoint.port}: ${(err as Error).message}`);
    }
    trace.note(conn, `connected from local port ${socket.localPort}`);
    return new WireDriver(socket, trace, conn, timeoutMs);
  }

  /**
   * A connection the suite's own server accepted, playing the server for a client under
   * test (src/conform/client): TX is what the suite's server sends, RX what the client sends.
   */
  static accepted(socket: net.Socket, trace: TraceRecorder, timeoutMs: number): WireDriver {
    const conn = trace.nextConnection();
    trace.note(conn, `the suite's server accepted a connection from ${socket.remoteAddress}:${socket.remotePort}`);
    return new WireDriver(socket, trace, conn, timeoutMs, 'server');
  }

  /**
   * Writes bytes with the given boundaries; resolves when the last piece is handed to the
   * kernel. A piece the kernel does not take within the connection's timeout (the target
   * stopped reading) is a NonConformance.
   */
  async write(bytes: Buffer, options: WriteOptions = {}): Promise<void> {
    let taken = 0;
    for (const piece of splitPieces(bytes, options)) {
      if (this.socket.destroyed || this.socket.writableEnded) {
        throw new NonConformance(`the target closed the connection before the client finished writing`);
      }
      const sent = this.send(piece);
      if (options.delayMs || this.socket.writableNeedDrain) {
        // A failed write counts as taken: the close behind it is what the caller sees next.
        if ((await this.untilTaken(sent, this.timeoutMs, taken)) === 'stalled') {
          throw new NonConformance(`the target stopped reading: it took ${taken} of ${bytes.length} bytes, then nothing for ${this.timeoutMs} ms`);
        }
        if (options.delayMs) await delay(options.delayMs);
      }
      taken += piece.length;
    }
  }

  /** Waits for one unit the parse function recognises at the front of what arrived. */
  async read<T>(parse: Parse<T>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unit = parse(this.received.view());
      if (unit) {
        this.received.consume(unit.consumed);
        this.readOnIfRoom();
        return unit.value;
      }
      const unread = this.received.length;
      if (unread >= this.limit) {
        throw new NonConformance(`expected ${what}; received ${unread} bytes that do not make one (the suite holds at most ${this.limit} unread on this connection)`);
      }
      if (this.closeKind) {
        throw new NonConformance(`expected ${what}, but the target closed the connection (${this.closeKind})` +
          (unread ? ` after ${unread} bytes that do not make one` : ''));
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new NonConformance(`expected ${what} within ${timeoutMs} ms` +
          (unread ? `; received ${unread} bytes that do not make one` : '; received nothing'));
      }
      await this.nextEvent(left);
    }
  }

  /** Asserts that nothing arrives for `ms` (used sparingly: it costs wall time). */
  async expectQuiet(ms: number, why: string): Promise<void> {
    const until = Date.now() + ms;
    while (this.received.length === 0 && !this.closeKind && Date.now() < until) await this.nextEvent(until - Date.now());
    if (this.received.length > 0) {
      throw new NonConformance(`${why}, but received ${JSON.stringify(this.received.view().subarray(0, 80).toString('latin1'))}`);
    }
  }

  /**
   * Waits until nothing new arrived for `quietMs` (or the connection closed, or the unread
   * bytes reached the read-ahead limit); returns every unread byte.
   */
  async settle(quietMs: number): Promise<Buffer> {
    for (;;) {
      const before = this.received.length;
      if (this.closeKind || this.heldBack) return this.received.view();
      await this.nextEvent(quietMs);
      if (this.received.length === before) return this.received.view();
    }
  }

  /** Waits until the target ends the connection; returns how. */
  async expectClosed(timeoutMs: number, why: string): Promise<CloseKind> {
    const kind = await this.closedWithin(timeoutMs);
    if (kind) return kind;
    throw new NonConformance(this.heldBack
      ? `${why}: the target sent ${this.received.length} bytes and no close (the suite holds at most ${this.limit} unread on this connection)`
      : `${why}: the connection is still open after ${timeoutMs} ms`);
  }

  /**
   * Waits up to `timeoutMs` for the target to end the connection; how it ended, or undefined
   * if it is still open. Also undefined at once when the unread bytes reach the limit: a
   * close behind them cannot be seen.
   */
  async closedWithin(timeoutMs: number): Promise<CloseKind | undefined> {
    const until = Date.now() + timeoutMs;
    while (!this.closeKind && !this.heldBack && Date.now() < until) await this.nextEvent(until - Date.now());
    if (!this.closeKind) this.trace.note(this.conn, this.heldBack ? `no close seen: the ${this.self} stopped reading` : `still open after ${timeoutMs} ms`);
    return this.closeKind;
  }

  /** Bytes received and not yet read by a step (at most the read-ahead limit). */
  get unread(): Buffer {
    return this.received.view();
  }

  get isClosed(): boolean {
    return this.closeKind !== undefined;
  }

  /** Half-close: send FIN, keep reading. */
  end(): void {
    this.trace.note(this.conn, `${this.self} sends FIN`);
    this.socket.end();
  }

  /** Stops taking bytes from the kernel, so the peer's writes back up (backpressure probes). */
  pauseReading(): void {
    this.trace.note(this.conn, `${this.self} stops reading`);
    this.pausedByStep = true;
    this.socket.pause();
  }

  resumeReading(): void {
    this.trace.note(this.conn, `${this.self} reads again`);
    this.pausedByStep = false;
    if (!this.heldBack) this.socket.resume();
  }

  /**
   * Offers `bytes` one piece at a time, each once the kernel took the one before, until
   * all is taken or the kernel takes nothing for `stallMs` (the peer stopped reading).
   * `offered` bytes are handed to the socket (the last may still be queued), `taken` are in the kernel.
   */
  async writeUntilStalled(bytes: Buffer, pieceSize: number, stallMs: number): Promise<{ offered: number; taken: number }> {
    let offered = 0;
    let taken = 0;
    while (offered < bytes.length) {
      if (this.socket.destroyed || this.socket.writableEnded) {
        throw new NonConformance(`the target closed the connection after taking ${taken} bytes`);
      }
      const piece = bytes.subarray(offered, offered + pieceSize);
      offered += piece.length;
      const result = await this.untilTaken(this.send(piece), stallMs, taken);
      if (result === 'failed') throw new NonConformance(`the target dropped the connection after taking ${taken} bytes`);
      if (result === 'stalled') return { offered, taken };
      taken += piece.length;
    }
    return { offered, taken };
  }

  /** Hands one piece to the socket, traced as TX; resolves once the kernel took it, or the write failed. */
  private send(piece: Buffer): Promise<'taken' | 'failed'> {
    this.trace.chunk(this.conn, 'TX', piece);
    this.wrote(piece.length);
    return new Promise((resolve) => this.socket.write(piece, (err) => resolve(err ? 'failed' : 'taken')));
  }

  /** What became of a piece sent: 'stalled' (noted in the trace) if the kernel took nothing for `stallMs` after `taken` bytes. */
  private async untilTaken(sent: Promise<'taken' | 'failed'>, stallMs: number, taken: number): Promise<'taken' | 'failed' | 'stalled'> {
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([sent, new Promise<'stalled'>((resolve) => { timer = setTimeout(() => resolve('stalled'), stallMs); })]);
    clearTimeout(timer);
    if (result === 'stalled') this.trace.note(this.conn, `writes stalled: the kernel took nothing for ${stallMs} ms after ${taken} bytes`);
    return result;
  }

  /** Abrupt close: RST. */
  reset(): void {
    this.trace.note(this.conn, `${this.self} resets (RST)`);
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** Unread bytes this connection may hold now. */
  private get limit(): number {
    return READ_AHEAD_BYTES + this.written;
  }

  private wrote(bytes: number): void {
    this.written += bytes;
    this.readOnIfRoom();
  }

  /** Takes bytes from the socket again once there is room under the limit. */
  private readOnIfRoom(): void {
    if (this.heldBack && this.received.length < this.limit) {
      this.heldBack = false;
      if (!this.pausedByStep) this.socket.resume();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private nextEvent(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, waitMs));
      this.waiters.add(done);
    });
  }

}

function* splitPieces(bytes: Buffer, { pieceSize, pieces }: WriteOptions): Generator<Buffer> {
  let at = 0;
  for (const size of pieces ?? []) {
    if (at >= bytes.length) return;
    yield bytes.subarray(at, at + size);
    at += size;
  }
  const step = pieceSize ?? (bytes.length || 1);
  while (at < bytes.length) {
    yield bytes.subarray(at, at + step);
    at += step;
  }
}

/** Takes whatever arrived, at least one byte (streams without framing, such as echo). */
export const availableParse: Parse<Buffer> = (received) =>
  received.length === 0 ? undefined : { value: received, consumed: received.length };

/** Takes exactly `n` bytes off the front, once that many arrived. */
export const exactParse = (n: number): Parse<Buffer> => (received) =>
  received.length >= n ? { value: received.subarray(0, n), consumed: n } : undefined;

/** Parses one LF-terminated line (without its LF) off the front of the bytes. */
export const lineParse: Parse<Buffer> = (received) => {
  const lf = received.indexOf(0x0a);
  return lf === -1 ? undefined : { value: received.subarray(0, lf), consumed: lf + 1 };
};

/** One untraced connection for a check such as a liveness probe: connected, used, always destroyed. */
export async function withConnection<T>(endpoint: Endpoint, timeoutMs: number, use: (driver: WireDriver) => Promise<T>): Promise<T> {
  const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
  try {
    return await use(driver);
  } finally {
    driver.destroy();
  }
}
