/**
 * Baselines more than one protocol's bench compares with: a varint length-prefix
 * stream decoder, and the floor of any echo over loopback TCP.
 */
import { once } from 'node:events';
import type net from 'node:net';
import type { Transform } from 'node:stream';
import { connectTcp, listenTcp, TcpListener } from '../src/impl/common/net';

// length-prefixed-stream ships no types: its decoder is a Transform of varint-prefixed frames.
const lps = require('length-prefixed-stream') as { decode(): Transform };

/** length-prefixed-stream decoding varint-prefixed frames; the body bytes it gave. */
export function lengthPrefixedStreamPass(chunks: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const decoder = lps.decode();
    let tally = 0;
    decoder.on('data', (body: Buffer) => {
      tally += body.length;
    });
    decoder.on('end', () => resolve(tally));
    decoder.on('error', reject);
    for (const chunk of chunks) decoder.write(chunk);
    decoder.end();
  });
}

/** The floor of any echo over loopback: a server that pipes each socket to itself. */
export function startPipeEchoServer(): Promise<TcpListener> {
  return listenTcp((socket) => socket.pipe(socket));
}

export interface EchoClient {
  /** Sends the payload and resolves with the bytes received once it all came back. */
  pass(): Promise<number>;
  close(): void;
}

/**
 * A load that writes `payload` to `out` in writes of at most `writeBytes` (each waiting for
 * drain when the socket asks) while counting what comes back on `back`: the same socket for
 * an echo server, another one for a server that answers through a connection of its own.
 */
export function echoLoad(out: net.Socket, back: net.Socket, payload: Buffer, writeBytes = payload.length): EchoClient {
  let received = 0;
  let allBack: (() => void) | undefined;
  back.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= payload.length) allBack?.();
  });
  return {
    async pass() {
      received = 0;
      const done = new Promise<void>((resolve) => {
        allBack = resolve;
      });
      for (let at = 0; at < payload.length; at += writeBytes) {
        if (!out.write(payload.subarray(at, at + writeBytes))) await once(out, 'drain');
      }
      await done;
      return received;
    },
    close: () => {
      out.destroy();
      back.destroy();
    },
  };
}

/** An echoLoad on one connection to an echo server on 127.0.0.1:port. */
export async function connectEchoClient(port: number, payload: Buffer, writeBytes = payload.length): Promise<EchoClient> {
  const socket = await connectTcp('127.0.0.1', port, 5000);
  return echoLoad(socket, socket, payload, writeBytes);
}
