import net from 'node:net';
import { listenTcp, connectTcp, type RunningServer } from '../../src/impl/common/net';
import { startChaosProxy, type ChaosProxy } from '../../src/chaos/proxy';
import type { ToxicSpec } from '../../src/chaos/toxics';

/** A concurrent echo upstream that records what happened to its sockets. */
export interface EchoUpstream extends RunningServer {
  /** Bytes read from every client. */
  readonly bytesRead: number;
  /** Error codes its sockets saw (an RST shows as ECONNRESET). */
  readonly errors: string[];
  /** FINs received. */
  readonly ends: number;
  /** Resolves once every connection it has is closed (by the peer). */
  idle(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const errors: string[] = [];
  let bytesRead = 0;
  let ends = 0;
  const running = await listenTcp((socket) => {
    socket.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
    socket.on('end', () => ends++);
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    socket.pipe(socket);
  });
  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    close: running.close,
    get bytesRead() {
      return bytesRead;
    },
    errors,
    get ends() {
      return ends;
    },
    idle: async () => void (await Promise.all([...running.sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve))))),
  };
}

/** An echo upstream and a proxy in front of it; close() stops both. */
export async function proxiedEcho(toxics: ToxicSpec[], seed = 1): Promise<{ echo: EchoUpstream; proxy: ChaosProxy; close(): Promise<void> }> {
  const echo = await startEchoUpstream();
  const proxy = await startChaosProxy({ upstream: { host: echo.host, port: echo.port }, toxics, seed });
  return { echo, proxy, close: async () => void (await Promise.all([proxy.close(), echo.close()])) };
}

export const connectTo = (server: { host: string; port: number }) => connectTcp(server.host, server.port, 2000);

/** How a socket's reading ended, and what came before. */
export interface Outcome {
  data: Buffer;
  /** 'end' for a FIN, else the error code. */
  how: string;
  /** performance.now() of every 'data' event. */
  times: number[];
}

/** Collects everything a socket receives until its FIN or its error. */
export function receiveAll(socket: net.Socket): Promise<Outcome> {
  const chunks: Buffer[] = [];
  const times: number[] = [];
  return new Promise((resolve) => {
    const done = (how: string) => resolve({ data: Buffer.concat(chunks), how, times });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      times.push(performance.now());
    });
    socket.once('end', () => done('end'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/** Resolves once `socket` has received `length` bytes in all. */
export function receiveBytes(socket: net.Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) {
        socket.removeListener('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => total < length && reject(new Error(`closed after ${total} of ${length} bytes`)));
  });
}
