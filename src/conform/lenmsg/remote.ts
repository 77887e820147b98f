/**
 * The suite playing a lenmsg remote (spec section 3): its own server, which the central
 * under test connects back to after a hello, and which records everything the central
 * sends there. The remote's client to the central is a plain WireDriver the caller owns,
 * so that every byte and write boundary it sends stays under the caller's control.
 */
import type net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { ConnectionClosedError, TimeoutError } from '../../impl/common/errors';
import { FramingError } from '../../impl/common/framer';
import { listenTcp, type RunningServer } from '../../impl/common/net';
import { decodeBody, decodeBodyParts, encodeFrame, encodeMessage, HEADER_BYTES, LengthPrefixFramer } from '../../impl/lenmsg/framer';
import { AsyncQueue } from '../../impl/common/queue';
import { asMessage } from '../../impl/lenmsg/messages';
import { READ_AHEAD_BYTES, type Endpoint } from '../driver';
import { NonConformance } from '../errors';
import { preconditionAt, type Precondition } from '../precondition';
import type { TraceRecorder } from '../trace';

/** A heartbeat as the remote's server saw it arrive. */
export interface HeartbeatArrival {
  seq: number;
  /** performance.now() at arrival. */
  at: number;
}

/** One `data` message as a frame. */
export const dataFrame = (body: unknown): Buffer => encodeMessage({ type: 'data', body });

/** A frame around raw body bytes (which need not be UTF-8 or JSON). */
export const rawFrame = (body: Buffer): Buffer => encodeFrame(body);

/** A length header alone, announcing `length` body bytes. */
export function lengthHeader(length: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(length);
  return header;
}

/**
 * What an echo of `body` must equal: the value as the reference decoder reads the bytes
 * sent. `__proto__` keys are out of the comparison: the reference drops them (they never
 * reach a prototype) and a central may echo them or not; both sides pass through the same
 * decoder, so every other key and value must match exactly.
 */
export function echoModel(body: unknown): unknown {
  return decodeBody(Buffer.from(JSON.stringify(body)));
}

export const sameEcho = (sent: unknown, echoed: unknown): boolean => isDeepStrictEqual(echoModel(sent), echoed);

/** A body no generator produces, to mark the end of a run of echoes. */
export function sentinel(label: string): { 'wireproof-sentinel': string } {
  return { 'wireproof-sentinel': `${label}-${process.hrtime.bigint()}` };
}

export const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}... (${text.length} characters)` : text;
};

/** The central a suite remote said hello to, and the case it serves. */
export interface RemoteOf {
  central: Endpoint;
  caseName: string;
}

/** The precondition of every echo, heartbeat and shutdown a remote waits for (src/conform/precondition.ts). */
const NO_CONNECT_BACK = 'the central has connected back to no remote';

/** What the remote's server received, with the bytes of its frame (what holding it costs). */
interface Sized<T> {
  value: T;
  bytes: number;
}
const inbox = <T>() => new AsyncQueue<Sized<T>>((item) => item.bytes);

/**
 * The suite's remote: its server records what the central sends there. What no step has
 * taken yet is held up to READ_AHEAD_BYTES; past that the remote stops reading its links,
 * so a central that floods backs up in TCP instead of in the suite's memory.
 */
export class SuiteRemote {
  private readonly data = inbox<unknown>();
  private readonly heartbeats = inbox<HeartbeatArrival>();
  private readonly shutdowns = inbox<number>();
  /** Holds the first connection the central opened to this server (its client for this remote). */
  private readonly firstLink = inbox<number>();
  private readonly linksClosed = inbox<number>();
  private links = 0;
  private readonly linkSockets = new Set<net.Socket>();
  private heldBack = false;
  private readonly connectsBack: Precondition | undefined;

  private constructor(
    readonly name: string,
    private readonly server: RunningServer,
    private readonly timeoutMs: number,
    private readonly of: RemoteOf | undefined,
  ) {
    this.connectsBack = of && preconditionAt(of.central, NO_CONNECT_BACK);
  }

  /**
   * Starts the remote's server on 127.0.0.1, an ephemeral port; every byte it receives goes to
   * `trace`. With `of`, its waits share what the run learned of that central's connect-back.
   */
  static async start(name: string, trace: TraceRecorder, timeoutMs: number, of?: RemoteOf): Promise<SuiteRemote> {
    let remote: SuiteRemote | undefined;
    const server = await listenTcp((socket) => remote!.accept(socket, trace));
    remote = new SuiteRemote(name, server, timeoutMs, of);
    return remote;
  }

  get address(): { host: string; port: number } {
    return { host: this.server.host, port: this.server.port };
  }

  /** A hello announcing this remote's server; a fresh id by default, so no run meets an earlier one's link. */
  helloFrame(id = `${this.name}-${process.pid}-${process.hrtime.bigint()}`): Buffer {
    return encodeMessage({ type: 'hello', id, host: this.server.host, port: this.server.port });
  }

  /** Waits until the central has connected back to this server; returns when it first did (performance.now()). */
  async connectBack(): Promise<number> {
    const at = await this.take(this.firstLink, `the central to connect back to remote ${this.name}'s announced address`);
    this.firstLink.push({ value: at, bytes: 0 }); // still there for the next caller
    return at;
  }

  /** Waits until one of the central's connections to this server is closed; returns its number. */
  linkClosed(): Promise<number> {
    return this.take(this.linksClosed, `the central to close its connection to remote ${this.name}'s server`);
  }

  /** The body of the next data message the central sends here (heartbeats aside). */
  nextData(what: string): Promise<unknown> {
    return this.take(this.data, what);
  }

  nextHeartbeat(timeoutMs: number, what: string): Promise<HeartbeatArrival> {
    return this.take(this.heartbeats, what, timeoutMs);
  }

  nextShutdown(): Promise<number> {
    return this.take(this.shutdowns, `a shutdown message at remote ${this.name}'s server`);
  }

  /** Checks that the next echoes are exactly `bodies`, in order (each compared with echoModel). */
  async expectEchoes(bodies: unknown[]): Promise<void> {
    for (let i = 0; i < bodies.length; i++) {
      const what = `echo ${i + 1} of ${bodies.length} at remote ${this.name}, ${preview(bodies[i])}`;
      const echoed = await this.nextData(what);
      if (!sameEcho(bodies[i], echoed)) {
        throw new NonConformance(`${what}: received ${preview(echoed)}` +
          (bodies.some((b) => sameEcho(b, echoed)) ? ' (a body sent in another position: reordered or duplicated)' : ''));
      }
    }
  }

  close(): Promise<void> {
    for (const queue of [this.data, this.heartbeats, this.shutdowns, this.firstLink, this.linksClosed]) {
      queue.end(new ConnectionClosedError('inbox closed'));
    }
    return this.server.close();
  }

  private accept(socket: net.Socket, trace: TraceRecorder): void {
    const link = ++this.links;
    const conn = trace.nextConnection();
    trace.note(conn, `the central connected to remote ${this.name}'s server (its link ${link} to this remote)`);
    const framer = new LengthPrefixFramer();
    this.linkSockets.add(socket);
    if (this.heldBack) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      trace.chunk(conn, 'RX', chunk);
      try {
        framer.pushParts(chunk, (parts, length) => this.receive(decodeBodyParts(parts, length), HEADER_BYTES + length));
      } catch (err) {
        if (!(err instanceof FramingError)) throw err;
        this.violate(`the central sent remote ${this.name} a malformed frame: ${err.message}`);
        socket.destroy();
      }
      if (!this.heldBack && this.heldBytes() >= READ_AHEAD_BYTES) {
        this.heldBack = true;
        for (const link of this.linkSockets) link.pause();
        trace.note(conn, `remote ${this.name} stops reading: ${this.heldBytes()} bytes of messages not taken, the suite's limit`);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.linkSockets.delete(socket);
      trace.note(conn, `the central's connection to remote ${this.name} closed`);
      this.linksClosed.push({ value: link, bytes: 0 });
    });
    if (link === 1) this.firstLink.push({ value: performance.now(), bytes: 0 });
    this.connectsBack?.met();
  }

  private heldBytes(): number {
    return this.data.weight + this.heartbeats.weight + this.shutdowns.weight;
  }

  private receive(value: unknown, bytes: number): void {
    const message = asMessage(value);
    switch (message?.type) {
      case 'data':
        this.data.push({ value: message.body, bytes });
        break;
      case 'heartbeat':
        this.heartbeats.push({ value: { seq: message.seq, at: performance.now() }, bytes });
        break;
      case 'shutdown':
        this.shutdowns.push({ value: this.links, bytes });
        break;
      case 'hello':
        break; // a hello to a remote means nothing to it (the reference remote ignores it too)
      default:
        this.violate(`the central sent remote ${this.name} ${preview(value)}, which is not a lenmsg message`);
    }
  }

  /** Every wait from now on fails with this (what already arrived is still handed out first). */
  private violate(message: string): void {
    const reason = new NonConformance(message);
    for (const queue of [this.data, this.heartbeats, this.shutdowns]) queue.end(reason);
  }

  private async take<T>(inbox: AsyncQueue<Sized<T>>, what: string, timeoutMs = this.timeoutMs): Promise<T> {
    if (this.links === 0 && inbox.size === 0 && !inbox.ended) this.connectsBack?.check(what);
    try {
      const { value } = await inbox.take(timeoutMs, what);
      if (this.heldBack && this.heldBytes() < READ_AHEAD_BYTES) {
        this.heldBack = false;
        for (const link of this.linkSockets) link.resume();
      }
      return value;
    } catch (err) {
      if (!(err instanceof TimeoutError)) throw err;
      if (this.links === 0) this.connectsBack?.missed(this.of!.caseName, timeoutMs);
      const noLink = this.links === 0 ? `; the central never connected back to remote ${this.name}'s server` : '';
      throw new NonConformance(`expected ${what} within ${timeoutMs} ms${noLink}`);
    }
  }
}
