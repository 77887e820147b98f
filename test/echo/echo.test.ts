import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';

import { ConnectionClosedError, TimeoutError } from '../../src/impl/common/errors';
import { echoOnce, formatPeer } from '../../src/impl/echo/client';
import { startEchoServer } from '../../src/impl/echo/server';

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

/** Polls a condition the server exposes no event for, with a deadline. */
async function until(condition: () => boolean, what: string, timeoutMs = 2000, stepMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Everything a socket receives until the server's FIN. */
function collect(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

test('every byte comes back unchanged and in order (binary, any size)', async () => {
  const server = await startEchoServer();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 100_000 }), async (bytes) => {
      const { received } = await echoOnce(server.host, server.port, Buffer.from(bytes));
      assert.deepEqual(received, Buffer.from(bytes));
    }),
    { numRuns: 30 },
  );
  assert.equal(server.served, 30);
  await server.close();
});

test('the client learns the peer address, as the lecture prints it', async () => {
  const peers: string[] = [];
  const server = await startEchoServer({ onClient: (peer) => peers.push(formatPeer(peer)) });
  const { peer, received } = await echoOnce(server.host, server.port, 'Hello, world');
  assert.deepEqual(peer, { address: '127.0.0.1', port: server.port });
  assert.equal(formatPeer(peer), `('127.0.0.1', ${server.port})`);
  assert.equal(received.toString(), 'Hello, world');
  assert.match(peers[0], /^\('127\.0\.0\.1', \d+\)$/);
  await server.close();
});

test('half-close: echo keeps flowing until the client ends, then the rest is flushed and the server closes', async () => {
  const server = await startEchoServer();
  const socket = await connect(server.port);
  const all = collect(socket);
  socket.write('first ');
  await once(socket, 'data'); // echoed while the client is still sending
  socket.end('last');
  assert.equal((await all).toString(), 'first last');
  await once(socket, 'close');
  await server.close();
});

test('one client at a time: the others wait and are served in order of arrival', async () => {
  const server = await startEchoServer();
  const first = await connect(server.port);
  const firstEcho = collect(first);
  first.write('1');
  await once(first, 'data'); // the first client is being served
  const waiting = [await connect(server.port), await connect(server.port)];
  const order: number[] = [];
  const echoes = waiting.map((socket, i) => {
    socket.end(`waiting ${i}`);
    return collect(socket).then((bytes) => { order.push(i); return bytes.toString(); });
  });
  // Nothing for the waiting clients while the first one is connected (the server counts them).
  await until(() => server.waiting === 2, 'two waiting clients');
  assert.deepEqual(order, []);
  first.end();
  assert.equal((await firstEcho).toString(), '1');
  assert.deepEqual(await Promise.all(echoes), ['waiting 0', 'waiting 1']);
  assert.deepEqual(order, [0, 1]);
  await server.close();
});

test('once: the server stops after its first client; a waiting client is closed, later ones refused', async () => {
  const server = await startEchoServer({ once: true });
  const first = await connect(server.port);
  const echoed = collect(first);
  first.write('only me');
  await once(first, 'data'); // being served: the next one has to wait
  const waiting = await connect(server.port);
  waiting.resume();
  const waitingClosed = once(waiting, 'close');
  await until(() => server.waiting === 1, 'a waiting client');
  first.end();
  assert.equal((await echoed).toString(), 'only me');
  await server.closed;
  await waitingClosed;
  assert.equal(server.served, 1);
  await assert.rejects(echoOnce(server.host, server.port, 'too late'), /ECONNREFUSED/);
});

test('close() flushes the current client, closes it and the waiting ones, and stops listening', async () => {
  const server = await startEchoServer();
  const current = await connect(server.port);
  const echoed = collect(current);
  current.write('queued');
  await once(current, 'data');
  const waiting = await connect(server.port);
  waiting.resume();
  const waitingClosed = once(waiting, 'close');
  await until(() => server.waiting === 1, 'a waiting client');
  await server.close();
  assert.equal((await echoed).toString(), 'queued');
  await waitingClosed;
  current.destroy();
  await assert.rejects(echoOnce(server.host, server.port, 'x'), /ECONNREFUSED/);
});

test('backpressure: a client that does not read stops being read, then gets all 64 MiB intact', async () => {
  const TOTAL = 64 * 1024 * 1024;
  const server = await startEchoServer();
  const socket = await connect(server.port);
  const sent = randomBytes(TOTAL);
  socket.end(sent); // the client writes everything and reads nothing yet
  // No event says "stalled": watch the server's intake until it stops moving (5 samples, 100 ms).
  let last = -1;
  let still = 0;
  await until(() => {
    still = server.bytesRead === last ? still + 1 : 0;
    last = server.bytesRead;
    return still >= 5;
  }, 'the server to stop reading', 10_000, 20);
  assert.ok(last < TOTAL / 4, `server read ${last} of ${TOTAL} bytes while the client did not read`);
  const hash = createHash('sha256');
  let received = 0;
  socket.on('data', (chunk: Buffer) => { hash.update(chunk); received += chunk.length; });
  await once(socket, 'end');
  assert.equal(received, TOTAL);
  assert.equal(hash.digest('hex'), createHash('sha256').update(sent).digest('hex'));
  await server.close();
});

test('client waits are timed and a vanished server is a typed error', async () => {
  const silent = net.createServer((socket) => socket.pause()); // accepts, never answers, never closes
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as net.AddressInfo;
  await assert.rejects(echoOnce('127.0.0.1', port, 'x', { timeoutMs: 50 }), TimeoutError);
  silent.close();
  const resetting = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  resetting.listen(0, '127.0.0.1');
  await once(resetting, 'listening');
  const reset = (resetting.address() as net.AddressInfo).port;
  await assert.rejects(echoOnce('127.0.0.1', reset, 'x'), ConnectionClosedError);
  resetting.close();
});
