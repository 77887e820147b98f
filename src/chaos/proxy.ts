import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenTcp, type RunningServer } from '../impl/common/net';
import { buildChain, seededRandom, validateToxic, type Direction, type Stage, type ToxicSpec } from './toxics';

export interface ChaosProxyOptions {
  /** Where to listen: 127.0.0.1 and an ephemeral port by default. */
  listen?: { host?: string; port?: number };
  upstream: { host: string; port: number };
  toxics?: readonly ToxicSpec[];
  /** Seeds every random choice (jitter, slice sizes) so a run can be replayed; random when absent. */
  seed?: number;
  /** How long a new connection waits for the upstream to accept it (default 10 s). */
  connectTimeoutMs?: number;
}

export interface ChaosProxy extends RunningServer {
  readonly upstream: { host: string; port: number };
  /** The seed in use: give it back as `seed` to replay the same random choices. */
  readonly seed: number;
  readonly toxics: readonly ToxicSpec[];
  /** Connections open now. */
  readonly connections: number;
  /**
   * Replaces the toxics, for open connections too: the bytes already inside the old
   * toxics leave first (a stall lets its bytes go), then the new toxics apply.
   */
  setToxics(toxics: readonly ToxicSpec[]): void;
}

/**
 * A TCP proxy with faults: every accepted client gets its own upstream connection, and
 * each direction runs through a chain of toxics. A chunk is read only when the chain has
 * taken the one before, and taken only when the destination socket has accepted it, so a
 * peer that does not read stops the proxy reading the other side: memory stays bounded.
 */
export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  let toxics = (options.toxics ?? []).map(validateToxic);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const bridges = new Set<Bridge>();
  let accepted = 0;

  const running = await listenTcp(
    (client) => {
      const bridge = openBridge(client, options.upstream, toxics, seed + accepted++ * 2, options.connectTimeoutMs ?? 10_000);
      bridges.add(bridge);
      void bridge.closed.then(() => bridges.delete(bridge));
    },
    { ...options.listen, allowHalfOpen: true },
  );

  const closed = running.closed.then(async () => {
    while (bridges.size > 0) await Promise.all([...bridges].map((b) => b.closed));
  });

  return {
    host: running.host,
    port: running.port,
    upstream: options.upstream,
    seed,
    closed,
    get toxics() {
      return toxics;
    },
    get connections() {
      return bridges.size;
    },
    setToxics(next) {
      toxics = next.map(validateToxic);
      for (const bridge of bridges) bridge.setToxics(toxics);
    },
    close() {
      void running.close();
      for (const bridge of bridges) bridge.destroy();
      return closed;
    },
  };
}

interface Bridge {
  setToxics(toxics: readonly ToxicSpec[]): void;
  /** Closes both sockets at once (no RST). */
  destroy(): void;
  /** Resolves once both sockets are closed. */
  readonly closed: Promise<void>;
}

/** A client, its upstream connection and the two links between them; they end together. */
function openBridge(client: net.Socket, target: ChaosProxyOptions['upstream'], toxics: readonly ToxicSpec[], seed: number, connectTimeoutMs: number): Bridge {
  client.pause(); // until the upstream accepts
  const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
  // Per direction, so that one direction can still deliver while the other is dropped.
  const stopped: Record<Direction, AbortController> = { upstream: new AbortController(), downstream: new AbortController() };
  const stopLinks = () => Object.values(stopped).forEach((controller) => controller.abort());
  let closing = false;
  let peerGone = false;

  const destroyBoth = (withReset: boolean) => {
    stopLinks();
    for (const socket of [client, upstream]) {
      if (withReset && !socket.destroyed && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  };
  const reset = () => destroyBoth(true);
  /** The close toxic: FIN both peers, drop what is in flight, read until their FINs come. */
  const close = () => {
    if (closing) return;
    closing = true;
    stopLinks();
    for (const socket of [client, upstream]) socket.end().resume();
  };
  const fail = () => closing || reset();

  const link = (direction: Direction, dest: net.Socket, linkSeed: number) => {
    const sink: Stage = {
      push: (chunk) =>
        closing ? Promise.resolve() : new Promise((resolve, reject) => dest.write(chunk, (err) => (err ? reject(err) : resolve()))),
      drain: () => Promise.resolve(),
      release: () => undefined,
    };
    const context = {
      random: seededRandom(linkSeed),
      sleep: (ms: number) => (ms > 0 ? sleep(ms, undefined, { signal: stopped[direction].signal }) : Promise.resolve()),
      reset,
      close,
    };
    return new Link((specs) => buildChain(specs, direction, sink, context), toxics);
  };
  const links = [link('upstream', upstream, seed), link('downstream', client, seed + 1)];

  const forward = (source: net.Socket, through: Link, dest: net.Socket) => {
    let inChain = Promise.resolve();
    source.on('data', (chunk: Buffer) => {
      if (closing) return;
      source.pause();
      inChain = through.push(chunk);
      inChain.then(() => source.resume(), fail);
    });
    // 'end' may come while the last chunk is still in the chain: the FIN follows it.
    source.once('end', () => {
      inChain.then(() => through.drain()).then(() => closing || dest.end(), fail);
    });
    /** Resolves once what this source sent so far has left the chain. */
    return () => inChain.then(() => through.drain());
  };
  const sentByClient = forward(client, links[0], upstream);
  const sentByUpstream = forward(upstream, links[1], client);

  /**
   * A peer's reset (or any socket error) is passed on to the other peer as a reset, after
   * what that peer sent before it: on a wire the RST follows the data. Bytes toward the
   * gone peer are dropped; a chain that cannot drain (a stall, a peer that does not read)
   * is cut after connectTimeoutMs.
   */
  const passOnReset = (goneSide: Direction, sentByGone: () => Promise<void>) => () => {
    if (closing || peerGone) return;
    peerGone = true;
    stopped[goneSide].abort();
    const cut = sleep(connectTimeoutMs, undefined, { ref: false });
    Promise.race([sentByGone(), cut]).then(reset, reset);
  };
  client.on('error', passOnReset('downstream', sentByClient));
  upstream.on('error', passOnReset('upstream', sentByUpstream));
  upstream.setTimeout(connectTimeoutMs, reset);
  upstream.once('connect', () => {
    upstream.setTimeout(0);
    client.resume();
  });

  const socketClosed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const closed = Promise.all([socketClosed(client), socketClosed(upstream)]).then(stopLinks);
  return {
    setToxics: (specs) => links.forEach((l) => l.replace(specs)),
    destroy: () => destroyBoth(false),
    closed,
  };
}

/** One direction's chain of toxics; a new chain takes over once the old one has let its bytes go. */
class Link {
  private head: Stage;
  private pending?: readonly ToxicSpec[];

  constructor(private readonly build: (toxics: readonly ToxicSpec[]) => Stage, toxics: readonly ToxicSpec[]) {
    this.head = build(toxics);
  }

  replace(toxics: readonly ToxicSpec[]): void {
    this.pending = toxics;
    this.head.release();
  }

  async push(chunk: Buffer): Promise<void> {
    await this.takeOver();
    await this.head.push(chunk);
  }

  async drain(): Promise<void> {
    await this.takeOver();
    await this.head.drain();
  }

  private async takeOver(): Promise<void> {
    while (this.pending) {
      await this.head.drain();
      this.head = this.build(this.pending);
      this.pending = undefined;
    }
  }
}
