import { EventEmitter } from 'node:events';
import { ConnectionClosedError } from '../common/errors';
import { keepable } from '../common/framer';
import { ListenOptions } from '../common/net';
import { LenmsgClient } from './client';
import { asMessage, DEFAULT_HEARTBEAT_INTERVAL_MS, HeartbeatMessage, HelloMessage, LenmsgMessage } from './messages';
import { LenmsgConnection, LenmsgServer, startLenmsgServer } from './server';

export interface CentralOptions extends ListenOptions {
  heartbeatIntervalMs?: number;
  /** Connect-back and send timeout. */
  timeoutMs?: number;
  maxMessage?: number;
  /**
   * A remote whose server lets this much pile up unread is dropped, and so is one that sends
   * this much to echo while the central is still connecting to it (memory stays bounded).
   */
  maxBufferedBytes?: number;
}

interface CentralEvents {
  /** A remote said hello and the central's client to its server is connected. */
  remote: [id: string, address: { host: string; port: number }];
  /** The central could not reach the server a hello named. */
  'remote-unreachable': [id: string, error: Error];
  /** A remote's link is gone (it closed, was replaced, was shut down, or stopped reading). */
  'remote-gone': [id: string];
  /** Every well-formed message, with the id of the remote whose connection carried it. */
  message: [message: LenmsgMessage, remoteId: string | undefined];
}

const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The central's way to one remote: a client to the remote's own server. */
interface RemoteLink {
  readonly id: string;
  readonly client: Promise<LenmsgClient>;
  /** The client once connected: echoes go straight to it, with nothing to wait for. */
  connected?: LenmsgClient;
  /** Bytes of the echoes waiting for the client to connect. */
  waitingBytes: number;
}

/**
 * The central host (spec section 3): a server for every remote's client; on hello a
 * client back to that remote's server, kept by id; heartbeats to every remote each
 * interval; and the reference application, which echoes each remote's data back to it.
 */
export class LenmsgCentral extends EventEmitter<CentralEvents> {
  private readonly links = new Map<string, RemoteLink>();
  /** Which remote id each inbound connection announced in its hello. */
  private readonly helloBy = new Map<number, string>();
  private heartbeatSeq = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private server!: LenmsgServer;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: CentralOptions) {
    super();
  }

  static async start(options: CentralOptions = {}): Promise<LenmsgCentral> {
    const central = new LenmsgCentral(options);
    central.server = await startLenmsgServer({
      host: options.host,
      port: options.port,
      backlog: options.backlog,
      maxMessage: options.maxMessage,
      onMessage: (value, from, body) => central.handle(value, from, body),
      onDisconnect: (from) => central.helloBy.delete(from.id),
    });
    central.heartbeatTimer = setInterval(
      () => central.heartbeat(),
      options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    );
    return central;
  }

  get host(): string {
    return this.server.host;
  }

  get port(): number {
    return this.server.port;
  }

  /** Resolves once the server and every link are closed. */
  get closed(): Promise<void> {
    return this.server.closed;
  }

  /** Ids of the remotes the central keeps a link to (connected or connecting). */
  remoteIds(): string[] {
    return [...this.links.keys()];
  }

  /** Sends `{type:'data', body}` to one remote. */
  async send(id: string, body: unknown): Promise<void> {
    await this.sendTo(this.linkOf(id), { type: 'data', body });
  }

  /** Tells one remote to shut down and forgets it. */
  async shutdownRemote(id: string): Promise<void> {
    const link = this.linkOf(id);
    await this.sendTo(link, { type: 'shutdown' });
    await this.drop(link);
  }

  /** Stops heartbeats, tells every remote to shut down, closes every link, then the server. */
  close(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.heartbeatTimer);
      await Promise.all([...this.links.values()].map((link) => this.shutdownQuietly(link)));
      await this.server.close();
    })();
    return this.stopping;
  }

  private handle(value: unknown, from: LenmsgConnection, body: readonly Buffer[]): void {
    const message = asMessage(value);
    if (!message || this.stopping) return; // not one of the four shapes: ignored, the connection carries on
    const remoteId = this.helloBy.get(from.id);
    this.emit('message', message, remoteId);
    switch (message.type) {
      case 'hello':
        this.helloBy.set(from.id, message.id);
        this.connectBack(message);
        break;
      case 'data': {
        const link = remoteId === undefined ? undefined : this.links.get(remoteId);
        if (link) this.echo(link, body);
        break;
      }
      case 'shutdown': {
        // A remote going away: forget it (it never stops the central or anyone else).
        const link = remoteId === undefined ? undefined : this.links.get(remoteId);
        if (link) void this.drop(link);
        break;
      }
      default: // a heartbeat from a remote: nothing to do
    }
  }

  private connectBack({ id, host, port }: HelloMessage): void {
    const previous = this.links.get(id);
    if (previous) void this.drop(previous); // a hello again with the same id replaces the old link
    const link: RemoteLink = {
      id,
      client: LenmsgClient.connect(host, port, { timeoutMs: this.options.timeoutMs, maxMessage: this.options.maxMessage }),
      waitingBytes: 0,
    };
    this.links.set(id, link);
    link.client.then(
      (client) => {
        if (this.links.get(id) !== link) return void client.destroy();
        link.connected = client;
        void client.closed.then(() => this.forget(link));
        this.emit('remote', id, { host, port });
      },
      (err: Error) => {
        this.forget(link);
        this.emit('remote-unreachable', id, err);
      },
    );
  }

  private heartbeat(): void {
    const message: HeartbeatMessage = { type: 'heartbeat', seq: ++this.heartbeatSeq };
    for (const link of this.links.values()) void this.sendTo(link, message).catch(() => undefined);
  }

  /** Sends `message` to a remote's server once its link is connected. */
  private async sendTo(link: RemoteLink, message: LenmsgMessage): Promise<void> {
    const client = await link.client;
    if (!this.keepsReading(link, client)) throw new Error(`remote ${link.id} stopped reading; link dropped`);
    await client.send(message);
  }

  /**
   * The echo: relays the bytes just validated, byte-identical and not encoded again, in
   * order behind any echo still waiting for the link to connect.
   */
  private echo(link: RemoteLink, body: readonly Buffer[]): void {
    const client = link.connected;
    if (!client) {
      // Still connecting: wait, in order, within the bound of a connected link's backlog (a
      // connect can take the whole timeout). A link that never connects, or is replaced, drops it.
      const length = body.reduce((sum, part) => sum + part.length, 0);
      link.waitingBytes += length;
      if (link.waitingBytes > this.maxBufferedBytes) return this.forget(link); // it is destroyed once connected
      const kept = body.map(keepable);
      return void link.client.then(() => {
        link.waitingBytes -= length;
        if (link.connected) this.echo(link, kept);
      }, () => undefined);
    }
    if (!this.keepsReading(link, client)) return;
    try {
      client.relay(body);
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err; // a closing link is forgotten once closed
    }
  }

  /** False, after dropping the link, when its remote lets more than maxBufferedBytes pile up unread. */
  private keepsReading(link: RemoteLink, client: LenmsgClient): boolean {
    if (client.bufferedBytes <= this.maxBufferedBytes) return true;
    this.forget(link);
    client.destroy(); // flushing to a peer that does not read would only wait
    return false;
  }

  private get maxBufferedBytes(): number {
    return this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  private async shutdownQuietly(link: RemoteLink): Promise<void> {
    await this.sendTo(link, { type: 'shutdown' }).catch(() => undefined);
    await this.drop(link);
  }

  private linkOf(id: string): RemoteLink {
    const link = this.links.get(id);
    if (!link) throw new Error(`no remote with id ${JSON.stringify(id)}`);
    return link;
  }

  /** Closes a link's client (flushing what was sent to it) and forgets the link. */
  private async drop(link: RemoteLink): Promise<void> {
    this.forget(link);
    const client = await link.client.catch(() => undefined);
    await client?.close();
  }

  private forget(link: RemoteLink): void {
    if (this.links.get(link.id) !== link) return;
    this.links.delete(link.id);
    this.emit('remote-gone', link.id);
  }
}

/** Starts a central: its server, heartbeats, and the echo application. */
export function startCentral(options: CentralOptions = {}): Promise<LenmsgCentral> {
  return LenmsgCentral.start(options);
}
