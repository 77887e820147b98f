import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

import { withTimeout } from '../../src/impl/common/errors';
import { FramingError } from '../../src/impl/common/framer';
import { connectTcp } from '../../src/impl/common/net';
import { MessageFramer, PyroMessage } from '../../src/impl/rpc/message';
import { SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';

const PYRO4_CLIENT = path.join(__dirname, 'pyro4_client.py');

export { ensurePyro4, type Pyro4EchoServer, startPyro4EchoServer, SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';

/** Runs test/rpc/pyro4_client.py (a real Pyro4 client, json serializer) and returns its observations. */
export function runPyro4Client(nsHost: string, nsPort: number): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    execFile(
      SYSTEM_PYTHON,
      [PYRO4_CLIENT, nsHost, String(nsPort)],
      { env: { ...process.env, PYRO_SERIALIZER: 'json' }, timeout: 20_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

/** A raw TCP session speaking Pyro messages: for hostile inputs and exact replies. */
export class RawSession {
  private readonly messages: PyroMessage[] = [];
  private wake: (() => void) | undefined;
  readonly ended: Promise<void>;
  framingError: FramingError | undefined;

  private constructor(readonly socket: net.Socket) {
    const framer = new MessageFramer();
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, (message) => this.messages.push(message));
      } catch (error) {
        this.framingError = error as FramingError;
      }
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) => socket.once('close', () => { this.wake?.(); resolve(); }));
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawSession> {
    return new RawSession(await connectTcp(host, port, 2000));
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next message; rejects if the peer closes first or nothing comes within timeoutMs. */
  async next(timeoutMs = 2000): Promise<PyroMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (this.socket.destroyed) throw new Error('connection closed before a reply');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no reply in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
      });
    }
    return this.messages.shift()!;
  }

  /** Resolves once the peer closed the connection (with nothing more sent), within timeoutMs. */
  async closedByPeer(timeoutMs = 2000): Promise<PyroMessage[]> {
    await withTimeout(this.ended, timeoutMs, 'peer closing the connection');
    return this.messages.splice(0);
  }

  close(): void {
    this.socket.destroy();
  }
}

export { wireValue } from '../../src/conform/rpc/arbitraries';
