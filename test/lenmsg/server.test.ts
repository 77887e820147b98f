import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';

import { FramingError } from '../../src/impl/common/framer';
import { ConnectionClosedError, TimeoutError } from '../../src/impl/common/errors';
import { encodeFrame, encodeMessage, HEADER_BYTES } from '../../src/impl/lenmsg/framer';
import { LenmsgClient } from '../../src/impl/lenmsg/client';
import { AsyncQueue } from '../../src/impl/common/queue';
import { LenmsgConnection, startLenmsgServer } from '../../src/impl/lenmsg/server';

const WAIT = 2000;

/** A server whose messages and disconnects land in inboxes the test can wait on. */
async function recordingServer(maxMessage?: number) {
  const messages = new AsyncQueue<{ message: unknown; from: LenmsgConnection }>();
  const disconnects = new AsyncQueue<{ from: LenmsgConnection; error?: FramingError }>();
  const server = await startLenmsgServer({
    maxMessage,
    onMessage: (message, from) => messages.push({ message, from }),
    onDisconnect: (from, error) => disconnects.push({ from, error }),
  });
  return { server, messages, disconnects };
}

async function rawSocket(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

test('messages from concurrent clients arrive whole and in order per connection', async () => {
  const { server, messages } = await recordingServer();
  const clients = await Promise.all([0, 1, 2].map(() => LenmsgClient.connect(server.host, server.port)));
  await Promise.all(clients.map((c, i) => Promise.all([1, 2, 3].map((seq) => c.send({ type: 'data', body: { i, seq } })))));
  const seen = new Map<number, number[]>();
  for (let n = 0; n < 9; n++) {
    const { message, from } = await messages.take(WAIT);
    const { i, seq } = (message as { body: { i: number; seq: number } }).body;
    seen.set(from.id, [...(seen.get(from.id) ?? []), seq]);
    assert.equal(typeof i, 'number');
  }
  assert.deepEqual([...seen.values()], [[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
  assert.equal(server.connections, 3);
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

test('a bad frame closes that connection only; the others carry on', async () => {
  const { server, messages, disconnects } = await recordingServer(1024);
  const good = await LenmsgClient.connect(server.host, server.port);
  for (const bad of [encodeFrame(Buffer.from('not json')), encodeFrame(Buffer.of(0xff)), Buffer.of(0, 0, 4, 1)]) {
    const socket = await rawSocket(server.port);
    socket.resume();
    const ended = once(socket, 'end');
    socket.write(bad);
    await ended; // the server closed it (FIN)
    const { error } = await disconnects.take(WAIT);
    assert.ok(error instanceof FramingError, String(error));
    socket.destroy();
  }
  await good.send({ type: 'data', body: 'still here' });
  assert.deepEqual((await messages.take(WAIT)).message, { type: 'data', body: 'still here' });
  await good.close();
  await server.close();
});

test('a frame over the maximum is refused at its header, before the body is sent', async () => {
  const { server, disconnects } = await recordingServer(10);
  const socket = await rawSocket(server.port);
  socket.resume();
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(11);
  socket.write(header);
  const { error } = await disconnects.take(WAIT);
  assert.match(String(error?.message), /exceeds the maximum 10/);
  socket.destroy();
  await server.close();
});

test('a connection that closes mid-frame delivers nothing of that frame', async () => {
  const { server, messages, disconnects } = await recordingServer();
  const socket = await rawSocket(server.port);
  const whole = encodeMessage({ type: 'data', body: 1 });
  const cut = encodeMessage({ type: 'data', body: 2 });
  socket.end(Buffer.concat([whole, cut.subarray(0, cut.length - 1)]));
  assert.deepEqual((await messages.take(WAIT)).message, { type: 'data', body: 1 });
  const { error } = await disconnects.take(WAIT);
  assert.match(String(error?.message), /closed mid-frame/);
  assert.equal(messages.size, 0);
  await server.close();
});

test('client: a closed server is a ConnectionClosedError, a refused connect an error, waits are timed', async () => {
  const { server } = await recordingServer();
  const client = await LenmsgClient.connect(server.host, server.port, { timeoutMs: 1000 });
  await assert.rejects(client.waitClosed({ timeoutMs: 20 }), TimeoutError);
  await server.close(); // FIN to the client, which closes too
  await client.waitClosed();
  await assert.rejects(client.send({ type: 'data', body: 1 }), ConnectionClosedError);
  await assert.rejects(LenmsgClient.connect(server.host, server.port, { timeoutMs: 1000 }), /ECONNREFUSED/);
});

test('client: a message over the maximum is refused before anything is sent', async () => {
  const { server, messages } = await recordingServer();
  const client = await LenmsgClient.connect(server.host, server.port, { maxMessage: 30 });
  await assert.rejects(client.send({ type: 'data', body: 'far too long for 30 bytes' }), RangeError);
  await client.send({ type: 'data', body: 1 }); // 24 bytes of JSON
  assert.deepEqual((await messages.take(WAIT)).message, { type: 'data', body: 1 });
  await client.close();
  await server.close();
  assert.equal(messages.size, 0);
});
