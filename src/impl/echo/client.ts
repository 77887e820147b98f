import { connectTcp, DEFAULT_HOST } from '../common/net';
import { ConnectionClosedError, TimeoutError } from '../common/errors';
import { DEFAULT_ECHO_PORT } from './server';

export interface EchoPeer {
  address: string;
  port: number;
}

export interface EchoResult {
  /** The server's address as the connected socket reports it. */
  peer: EchoPeer;
  /** Everything the server sent back before it closed. */
  received: Buffer;
}

/** The lecture's way of printing an address: ('127.0.0.1', 50007). */
export function formatPeer({ address, port }: EchoPeer): string {
  return `('${address}', ${port})`;
}

/**
 * The reference echo client: connects, sends `bytes`, closes its sending side, and
 * collects what comes back until the server closes. One timeout covers the whole
 * exchange (TimeoutError); a reset, or a close before every byte sent came back, is a
 * ConnectionClosedError (a short echo is not the echo).
 */
export async function echoOnce(
  host = DEFAULT_HOST,
  port = DEFAULT_ECHO_PORT,
  bytes: Buffer | string = '',
  { timeoutMs = 5000, onConnect }: { timeoutMs?: number; onConnect?: (peer: EchoPeer) => void } = {},
): Promise<EchoResult> {
  const sent = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const deadline = Date.now() + timeoutMs;
  const socket = await connectTcp(host, port, timeoutMs);
  const peer = { address: socket.remoteAddress ?? host, port: socket.remotePort ?? port };
  onConnect?.(peer);
  return new Promise<EchoResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError(`echo from ${host}:${port}`, timeoutMs));
    }, Math.max(0, deadline - Date.now()));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks);
      if (received.length < sent.length) {
        reject(new ConnectionClosedError(`echo from ${host}:${port}: the server closed after echoing ${received.length} of ${sent.length} bytes`));
      } else {
        resolve({ peer, received });
      }
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new ConnectionClosedError(`echo from ${host}:${port}: ${err.message}`));
    });
    socket.end(sent); // half-close: the server answers everything, then closes
  });
}
