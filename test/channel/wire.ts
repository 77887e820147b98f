import net from 'node:net';
import { once } from 'node:events';

/** A raw TCP server for tests: hands each accepted socket to the test, closes them all on close(). */
export async function rawServer(onSocket: (socket: net.Socket) => void = () => undefined) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Connects a raw socket (no framing) to 127.0.0.1:port. */
export async function rawClient(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** Everything the socket receives until the peer closes, and how it closed. */
export function readToEnd(socket: net.Socket): Promise<{ bytes: Buffer; reset: boolean }> {
  const chunks: Buffer[] = [];
  let reset = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => { reset = true; });
  return once(socket, 'close').then(() => ({ bytes: Buffer.concat(chunks), reset }));
}

/** Writes the chunks one write each, in order. */
export async function writeChunks(socket: net.Socket, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
}

/** Splits `buf` at the given offsets (sorted, deduplicated, clamped). */
export function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, buf.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, buf.length]) {
    chunks.push(buf.subarray(start, point));
    start = point;
  }
  return chunks;
}
