/**
 * Untraced socket helpers for the loads: the suite's WireDriver records every chunk in
 * hex, which a gigabyte or ten thousand connections must not do. Every wait has a deadline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { connectTcp } from '../impl/common/net';
import type { Endpoint } from '../conform/driver';

/** How a connection ended from the client's side. */
export type Ending = 'closed' | 'reset' | 'timeout';

export interface Exchange {
  ending: Ending;
  /** Bytes the server sent before the end. */
  received: number;
}

export function connect(endpoint: Endpoint, timeoutMs: number, port = endpoint.port): Promise<net.Socket> {
  return connectTcp(endpoint.host, port, timeoutMs);
}

/**
 * Writes `input` on a new connection (then FIN when `halfClose`) and waits until the
 * server ends the connection, reading whatever it sends meanwhile.
 */
export async function exchange(endpoint: Endpoint, input: Buffer, timeoutMs: number, halfClose: boolean): Promise<Exchange> {
  const socket = await connect(endpoint, timeoutMs);
  let received = 0;
  const ending = new Promise<Ending>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => { received += chunk.length; });
    socket.on('error', () => { clearTimeout(timer); resolve('reset'); });
    socket.once('close', () => { clearTimeout(timer); resolve('closed'); });
  });
  // A server that closes before taking the whole input makes the write fail: the 'error' above tells.
  if (halfClose) socket.end(input);
  else socket.write(input);
  const end = await ending;
  socket.destroy();
  return { ending: end, received };
}

/** Resolves when the socket is closed; destroys it after `timeoutMs`. */
export function closed(socket: net.Socket, timeoutMs: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.destroy(); resolve(); }, timeoutMs);
    socket.once('close', () => { clearTimeout(timer); resolve(); });
  });
}

/** FIN (unless the socket is gone already), then wait for the server's close: a one-client server serves the next connection only then. */
export function endAndWait(socket: net.Socket, timeoutMs: number): Promise<void> {
  if (!socket.destroyed) socket.end();
  return closed(socket, timeoutMs);
}

/** Runs `worker(0..count-1)` with at most `concurrency` at a time; stops early when `stop()` says so. */
export async function pool(count: number, concurrency: number, worker: (index: number) => Promise<void>, stop = () => false): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count && !stop()) await worker(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** Writes a large stream of `piece` repeated up to `total` bytes, waiting for drain: memory stays one piece. */
export async function stream(socket: net.Socket, piece: Buffer, total: number): Promise<void> {
  let sent = 0;
  while (sent < total) {
    if (socket.destroyed) throw new Error(`the server closed the connection after ${sent} bytes`);
    const chunk = total - sent >= piece.length ? piece : piece.subarray(0, total - sent);
    sent += chunk.length;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => { socket.off('close', onClose); resolve(); };
        const onClose = () => { socket.off('drain', onDrain); reject(new Error(`the server closed the connection after ${sent} bytes`)); };
        socket.once('drain', onDrain);
        socket.once('close', onClose);
      });
    }
  }
}

/**
 * Collects LF-terminated lines from a socket (bounded: a line over `maxLine` bytes is
 * cut), and hands them out with deadlines.
 */
export class LineCollector {
  readonly lines: Buffer[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(socket: net.Socket, private readonly maxLine = 1 << 20) {
    socket.on('data', (chunk: Buffer) => this.push(chunk));
    const end = () => { this.ended = true; this.wake?.(); };
    socket.once('close', end);
    socket.on('error', end);
  }

  /** Waits until `until(lines)` holds, the connection ends, or the deadline; returns whether it held. */
  async waitFor(until: (lines: readonly Buffer[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this.lines)) {
      const left = deadline - Date.now();
      if (this.ended || left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
      });
    }
    return true;
  }

  private push(chunk: Buffer): void {
    let start = 0;
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, start)) {
      this.keep(chunk.subarray(start, lf));
      this.lines.push(Buffer.concat(this.partial));
      this.partial = [];
      this.partialBytes = 0;
      start = lf + 1;
    }
    this.keep(chunk.subarray(start));
    this.wake?.();
  }

  private keep(bytes: Buffer): void {
    const room = this.maxLine - this.partialBytes;
    if (room <= 0 || bytes.length === 0) return;
    const kept = Buffer.from(bytes.subarray(0, room));
    this.partial.push(kept);
    this.partialBytes += kept.length;
  }
}

/** Descriptors kept free beside a load's sockets (the keeper, probes, files, the runtime's own). */
const FD_MARGIN = 64;

/**
 * Why the suite cannot hold `sockets` more connections at once within its own open-file
 * limit (`ulimit -n`), or undefined when it can (or the limit cannot be read). Nothing
 * is raised behind the user's back: the load is reported as not run, with the fix.
 */
export function openFileShortfall(sockets: number): string | undefined {
  let soft: number;
  let open: number;
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!line || line[1] === 'unlimited') return undefined;
    soft = Number(line[1]);
    open = readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // not Linux: the connections themselves will say so
  }
  const needed = open + sockets + FD_MARGIN;
  if (needed <= soft) return undefined;
  return `the suite's own open-file limit (ulimit -n) is ${soft}, and this load holds ${sockets} connections at once beside the ${open} descriptors already open: raise it (ulimit -n ${Math.max(needed, 2 * soft)}) before the run`;
}
