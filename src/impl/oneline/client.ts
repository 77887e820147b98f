import net from 'node:net';

import { connectTcp, DEFAULT_HOST } from '../common/net';
import { ConnectionClosedError, ProtocolError, TimeoutError, withTimeout } from '../common/errors';
import { encodeLine, INVALID_PACKET, LineTextFramer, OVERSIZED_PACKET } from './framer';
import { DEFAULT_ONELINE_PORT } from './server';

export interface OnelineClientOptions {
  /** Default for every wait (connect, responses, close). */
  timeoutMs?: number;
  /** Largest response line accepted; a longer one is a ProtocolError. */
  maxLine?: number;
}

export interface SendOptions {
  /** Resolve as soon as this many responses arrived. */
  expect?: number;
  /** Without `expect`: resolve once no response arrived for this long. */
  quietMs?: number;
  timeoutMs?: number;
}

/**
 * The oneline reference client: one command at a time, responses as strings. A response
 * line that is not strict UTF-8, or longer than `maxLine`, is never delivered: the call
 * fails with a ProtocolError and the connection is closed (what follows could belong to
 * any command).
 */
export class OnelineClient {
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: ProtocolError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly endedPromise: Promise<void>;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number, maxLine: number) {
    const framer = new LineTextFramer(maxLine);
    socket.on('data', (chunk: Buffer) =>
      framer.push(chunk, (line) => {
        if (this.failure) return;
        if (line === OVERSIZED_PACKET || line === INVALID_PACKET) {
          this.failure = new ProtocolError(line === OVERSIZED_PACKET ? `a response line over ${maxLine} bytes` : 'a response line that is not UTF-8');
          socket.destroy();
        } else {
          this.lines.push(line);
        }
        this.wake?.();
      }),
    );
    this.endedPromise = new Promise((resolve) => {
      const done = () => { this.ended = true; this.wake?.(); resolve(); };
      socket.once('end', done);
      socket.once('close', done);
    });
    socket.on('error', () => undefined); // surfaced as ConnectionClosedError on the waiting call
  }

  static async connect(host = DEFAULT_HOST, port = DEFAULT_ONELINE_PORT, options: OnelineClientOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = await connectTcp(host, port, timeoutMs);
    return new OnelineClient(socket, timeoutMs, options.maxLine ?? 1 << 20);
  }

  /** Sends one command and collects its responses (see SendOptions). */
  send(command: string, options: SendOptions = {}): Promise<string[]> {
    if (command.includes('\n')) return Promise.reject(new RangeError('a oneline command cannot contain LF'));
    const run = () => this.exchange(command, options);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async ping(options: { timeoutMs?: number } = {}): Promise<void> {
    const [answer] = await this.send('ping', { expect: 1, ...options });
    if (answer !== 'pong') throw new Error(`ping answered ${JSON.stringify(answer)}, not "pong"`);
  }

  /** Asks the server to drop this connection and waits until it has. */
  disconnect(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.commandThenClose('disconnect', options.timeoutMs);
  }

  /** Asks the server to stop and waits until it closed this connection. */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.commandThenClose('shutdown', options.timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private async commandThenClose(command: string, timeoutMs = this.timeoutMs): Promise<void> {
    await this.send(command, { expect: 0 });
    await withTimeout(this.endedPromise, timeoutMs, `server closing after ${command}`);
    this.socket.destroy();
  }

  private async exchange(command: string, { expect, quietMs = 200, timeoutMs = this.timeoutMs }: SendOptions) {
    if (this.failure) throw this.failure;
    if (this.ended) throw new ConnectionClosedError('connection closed by the server');
    this.lines.length = 0;
    this.socket.write(encodeLine(command));
    if (expect === 0) return [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (expect !== undefined && this.lines.length >= expect) return this.lines.splice(0, expect);
      if (this.failure) throw this.failure;
      if (this.ended) {
        if (expect === undefined) return this.lines.splice(0);
        throw new ConnectionClosedError(`connection closed after ${this.lines.length} of ${expect} responses`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        if (expect === undefined) return this.lines.splice(0);
        throw new TimeoutError(`${JSON.stringify(command)}: ${this.lines.length} of ${expect} responses`, timeoutMs);
      }
      const before = this.lines.length;
      await this.nextLine(expect === undefined ? Math.min(quietMs, left) : left);
      if (expect === undefined && this.lines.length === before && !this.ended) return this.lines.splice(0);
    }
  }

  private nextLine(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = () => { this.wake = undefined; done(); };
    });
  }
}

