import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

import { withTimeout } from '../../src/impl/common/errors';
import { FramingError } from '../../src/impl/common/framer';
import { connectTcp } from '../../src/impl/common/net';
import { RemoteError } from '../../src/impl/rpc/json';
import { MessageFramer, PyroMessage } from '../../src/impl/rpc/message';
import { SYSTEM_PYTHON, withoutPyroSettings } from '../../src/impl/rpc/pyro4/launch';
import { PyroURI } from '../../src/impl/rpc/uri';
import { Complex } from '../../src/impl/rpc/values';

const PYRO4_CLIENT = path.join(__dirname, 'pyro4_client.py');

export { ensurePyro4, type Pyro4EchoServer, startPyro4EchoServer, SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';

/**
 * Runs test/rpc/pyro4_client.py (a real Pyro4 client) and returns its observations: with
 * serializer 'json', PYRO_SERIALIZER=json; without, Pyro4's configuration untouched (serpent).
 */
export function runPyro4Client(nsHost: string, nsPort: number, serializer?: 'json'): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    execFile(
      SYSTEM_PYTHON,
      [PYRO4_CLIENT, nsHost, String(nsPort)],
      { env: { ...withoutPyroSettings(process.env), ...(serializer ? { PYRO_SERIALIZER: serializer } : {}) }, timeout: 20_000 },
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

export { serpentValue, serpentView, wireValue } from '../../src/conform/rpc/arbitraries';

/**
 * Python's equality of two values read back (dicts and sets in any order), stricter where
 * bytes matter: -0.0 is not 0.0, NaN equals NaN, a tuple is not a list, an int is not a float
 * only as far as JS tells them apart (both are numbers).
 */
export function samePythonValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (a instanceof Complex || b instanceof Complex) {
    return a instanceof Complex && b instanceof Complex && Object.is(a.real, b.real) && Object.is(a.imag, b.imag);
  }
  if (a instanceof PyroURI || b instanceof PyroURI) return a instanceof PyroURI && b instanceof PyroURI && a.equals(b);
  if (a instanceof RemoteError || b instanceof RemoteError) {
    return a instanceof RemoteError && b instanceof RemoteError && a.pythonClass === b.pythonClass &&
      samePythonValue(a.args, b.args) && samePythonValue(a.remoteTraceback, b.remoteTraceback) && samePythonValue(a.attributes, b.attributes);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && Object.isFrozen(a) === Object.isFrozen(b) &&
      a.length === b.length && a.every((item, i) => samePythonValue(item, b[i]));
  }
  const unordered = (x: unknown[], y: unknown[]) => {
    const left = [...y];
    return x.length === y.length && x.every((item) => {
      const at = left.findIndex((other) => samePythonValue(item, other));
      return at >= 0 && left.splice(at, 1).length === 1;
    });
  };
  if (a instanceof Set || b instanceof Set) return a instanceof Set && b instanceof Set && unordered([...a], [...b]);
  const entries = (x: object) => (x instanceof Map ? [...x] : Object.entries(x));
  if ((a instanceof Map) !== (b instanceof Map)) return false;
  return unordered(entries(a), entries(b));
}
