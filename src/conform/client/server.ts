/**
 * The suite's own server for one client case: listens on a free 127.0.0.1 port (two for
 * protocols with {port2}) and hands each connection the client opens to the case as a
 * WireDriver, so that what the suite sends (TX) and what the client sends (RX) go into the
 * case's trace, chunk by chunk. It sends nothing by itself: the case scripts every byte.
 * Where the client runs a server of its own (a lenmsg remote), the suite's connections to
 * it are opened here too, traced the same way and closed with the rest.
 */
import { listenTcp, type TcpListener } from '../../impl/common/net';
import { TimeoutError } from '../../impl/common/errors';
import { AsyncQueue } from '../../impl/common/queue';
import { WireDriver, type Endpoint } from '../driver';
import type { TraceRecorder } from '../trace';

export class ScriptedServer {
  private readonly all: WireDriver[] = [];

  private constructor(
    private readonly listeners: TcpListener[],
    private readonly arrivals: AsyncQueue<WireDriver>[],
    private readonly trace: TraceRecorder,
  ) {}

  static async start(trace: TraceRecorder, ports: number, timeoutMs: number, halfOpen = true): Promise<ScriptedServer> {
    const arrivals: AsyncQueue<WireDriver>[] = [];
    const listeners: TcpListener[] = [];
    const server = new ScriptedServer(listeners, arrivals, trace);
    try {
      for (let i = 0; i < ports; i++) {
        const queue = new AsyncQueue<WireDriver>();
        arrivals.push(queue);
        // Half-open: after the client's FIN the suite may still answer (an echo client ends its sending side first).
        listeners.push(await listenTcp((socket) => {
          const driver = WireDriver.accepted(socket, trace, timeoutMs);
          server.all.push(driver);
          queue.push(driver);
        }, { allowHalfOpen: halfOpen }));
      }
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** Where the client is told to connect: {host}, {port} and {port2}. */
  get endpoint(): Endpoint {
    const [main, second] = this.listeners;
    return { host: main.host, port: main.port, ...(second ? { port2: second.port } : {}) };
  }

  /** The next connection the client opens to a port (0: {port}, 1: {port2}), or undefined if none within `timeoutMs`. */
  async accept(timeoutMs: number, port = 0): Promise<WireDriver | undefined> {
    try {
      return await this.arrivals[port].take(Math.max(0, timeoutMs));
    } catch (err) {
      if (err instanceof TimeoutError) return undefined;
      throw err;
    }
  }

  /** A connection from the suite to an address the client announced (a lenmsg remote's own server). */
  async connect(endpoint: Endpoint, timeoutMs: number): Promise<WireDriver> {
    const driver = await WireDriver.connect(endpoint, this.trace, timeoutMs);
    this.all.push(driver);
    return driver;
  }

  async close(): Promise<void> {
    for (const driver of this.all) driver.destroy();
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}
