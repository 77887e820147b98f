import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ConnectionClosedError, ProtocolError } from '../common/errors';
import { FramingError } from '../common/framer';
import { DEFAULT_HOST } from '../common/net';
import { LenmsgClient } from './client';
import { AsyncQueue } from '../common/queue';
import {
  asMessage,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  errorData,
  HEARTBEAT_TIMEOUT_INTERVALS,
  HelloMessage,
} from './messages';
import { LenmsgServer, startLenmsgServer } from './server';

export interface RemoteOptions {
  /** The central's server. */
  central: { host: string; port: number };
  /** Announced in hello; a random UUID by default. */
  id?: string;
  /** Where this remote's own server listens (127.0.0.1, ephemeral port by default). */
  host?: string;
  port?: number;
  heartbeatIntervalMs?: number;
  /** Silence after which the remote shuts down; 3 intervals by default. */
  heartbeatTimeoutMs?: number;
  /** Connect and send timeout. */
  timeoutMs?: number;
  maxMessage?: number;
}

/** Why a remote stopped. */
export type RemoteStopReason =
  | { kind: 'heartbeat-timeout'; message: string }
  | { kind: 'shutdown-message'; message: string }
  | { kind: 'closed'; message: string };

interface RemoteEvents {
  heartbeat: [seq: number];
  stop: [reason: RemoteStopReason];
}

/**
 * A remote host (spec section 3): its own server, a client to the central, a hello
 * that names its server, and a heartbeat watchdog. Data from the central is queued
 * for `receive()`.
 */
export class LenmsgRemote extends EventEmitter<RemoteEvents> {
  /** Resolves with the reason once the client and the server are both closed. */
  readonly closed: Promise<RemoteStopReason>;
  private readonly inbox = new AsyncQueue<unknown>();
  private watchdog: NodeJS.Timeout | undefined;
  private stopping: RemoteStopReason | undefined;
  /** Why the last connection to this remote's server went, while none is open: what receive() reports then. */
  private lost: Error | undefined;
  private resolveClosed!: (reason: RemoteStopReason) => void;

  private constructor(
    readonly id: string,
    private readonly server: LenmsgServer,
    private readonly client: LenmsgClient,
    private readonly heartbeatTimeoutMs: number,
    private readonly timeoutMs: number,
  ) {
    super();
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  static async start(options: RemoteOptions): Promise<LenmsgRemote> {
    const intervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const timeoutMs = options.timeoutMs ?? 5000;
    let remote: LenmsgRemote | undefined;
    const server = await startLenmsgServer({
      host: options.host ?? DEFAULT_HOST,
      port: options.port ?? 0,
      maxMessage: options.maxMessage,
      onMessage: (value) => remote?.handle(value),
      onDisconnect: (_from, error) => remote?.connectionGone(error),
    });
    let client: LenmsgClient;
    try {
      client = await LenmsgClient.connect(options.central.host, options.central.port, {
        timeoutMs,
        maxMessage: options.maxMessage,
      });
    } catch (err) {
      await server.close();
      throw err;
    }
    const id = options.id ?? randomUUID();
    remote = new LenmsgRemote(id, server, client, options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_INTERVALS * intervalMs, timeoutMs);
    const hello: HelloMessage = { type: 'hello', id, host: server.host, port: server.port };
    try {
      await client.send(hello);
    } catch (err) {
      await remote.stop({ kind: 'closed', message: `hello failed: ${(err as Error).message}` });
      throw err;
    }
    remote.armWatchdog();
    return remote;
  }

  /** This remote's own server address (the one announced in hello). */
  get address(): { host: string; port: number } {
    return { host: this.server.host, port: this.server.port };
  }

  /** Sends `{type:'data', body}` to the central. */
  send(body: unknown, options?: { timeoutMs?: number }): Promise<void> {
    return this.client.send({ type: 'data', body }, options);
  }

  /** Sends an error as structured data (name, message, stack). */
  sendError(err: Error, options?: { timeoutMs?: number }): Promise<void> {
    return this.client.send(errorData(err), options);
  }

  /**
   * The body of the next data message from the central; ConnectionClosedError once stopped and
   * drained, or while the central has no connection open to this remote after one closed
   * (ProtocolError when that connection broke the framing).
   */
  receive({ timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.lost && this.inbox.size === 0 && !this.inbox.ended && this.server.connections === 0) return Promise.reject(this.lost);
    return this.inbox.take(timeoutMs, `data from the central to remote ${this.id}`);
  }

  /** Stops the remote at the application's request. */
  close(): Promise<RemoteStopReason> {
    return this.stop({ kind: 'closed', message: 'closed by the application' });
  }

  private handle(value: unknown): void {
    if (this.stopping) return;
    const message = asMessage(value);
    switch (message?.type) {
      case 'heartbeat':
        this.armWatchdog();
        this.emit('heartbeat', message.seq);
        break;
      case 'shutdown':
        void this.stop({ kind: 'shutdown-message', message: 'the central sent shutdown' });
        break;
      case 'data':
        this.inbox.push(message.body);
        break;
      default: // hello to a remote, or not a message: nothing to do
    }
  }

  /**
   * A connection to this remote's server is gone. When it was the last one the central cannot
   * reach this remote any more: a receive() waiting for data ends at once (data already queued
   * is still received first). A new connection from the central lifts it.
   */
  private connectionGone(error?: FramingError | ConnectionClosedError): void {
    if (this.stopping || this.server.connections > 0) return;
    this.lost = error instanceof FramingError
      ? new ProtocolError(`the central's connection broke the framing: ${error.message}`)
      : new ConnectionClosedError(`the central's connection to remote ${this.id} closed${error ? `: ${error.message}` : ''}`);
    this.inbox.failTakers(this.lost);
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      void this.stop({ kind: 'heartbeat-timeout', message: `no heartbeat for ${this.heartbeatTimeoutMs} ms` });
    }, this.heartbeatTimeoutMs);
  }

  private stop(reason: RemoteStopReason): Promise<RemoteStopReason> {
    if (!this.stopping) {
      this.stopping = reason;
      clearTimeout(this.watchdog);
      this.inbox.end(new ConnectionClosedError(`remote ${this.id} stopped: ${reason.message}`));
      void this.client
        .close()
        .then(() => this.server.close())
        .then(() => {
          this.emit('stop', reason);
          this.resolveClosed(reason);
        });
    }
    return this.closed;
  }
}

/** Starts a remote: its server, its client to the central, and the hello. */
export function startRemote(options: RemoteOptions): Promise<LenmsgRemote> {
  return LenmsgRemote.start(options);
}
