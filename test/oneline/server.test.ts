import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startOnelineServer } from '../../src/impl/oneline/server';
import { OnelineClient } from '../../src/impl/oneline/client';
import { TimeoutError } from '../../src/impl/common/errors';

test('clients are served one at a time, in order of arrival, and each the moment the previous one goes', async () => {
  const server = await startOnelineServer();
  const a = await OnelineClient.connect(server.host, server.port);
  const b = await OnelineClient.connect(server.host, server.port, { timeoutMs: 150 });
  const c = await OnelineClient.connect(server.host, server.port);
  await a.ping();
  await assert.rejects(b.send('ping', { expect: 1 }), TimeoutError, 'b waits while a is served');
  a.close();
  // b's ping was queued by the kernel while it waited: its pong comes first.
  assert.deepEqual(await b.send('echo b', { expect: 2, timeoutMs: 2000 }), ['pong', 'b']);
  await b.disconnect();
  await c.ping();
  await c.shutdown();
  await server.closed;
});

test('shutdown flushes the responses before it, closes the waiting clients and stops listening', async () => {
  const server = await startOnelineServer();
  const waiting = net.connect(server.port, server.host);
  const current = net.connect(server.port, server.host);
  await Promise.all([once(waiting, 'connect'), once(current, 'connect')]);
  // `waiting` connected first, so it is the one served; `current` waits its turn.
  let received = '';
  waiting.on('data', (d) => (received += d));
  const ended = [once(waiting, 'end'), once(current, 'end')];
  current.resume();
  waiting.write('multi 3\nshutdown\nping\n');
  await Promise.all(ended);
  assert.equal(received, 'line 1\nline 2\nline 3\n');
  await server.closed;
  const refused = net.connect(server.port, server.host);
  const [err] = await once(refused, 'error');
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('a client that never reads is no longer read: the server stops at a bounded backlog', async () => {
  const server = await startOnelineServer();
  const socket = net.connect(server.port, server.host);
  try {
    await once(socket, 'connect');
    socket.pause();
    const request = Buffer.from('multi 100\n'.repeat(10_000)); // 100 KB asking for ~9 MB of responses
    const limit = 32 * 1024 * 1024;
    let written = 0;
    // Write until nobody takes more bytes; a server that kept reading would take all 32 MiB.
    while (written < limit) {
      written += request.length;
      if (!socket.write(request)) {
        const drained = await Promise.race([once(socket, 'drain').then(() => true), new Promise((r) => setTimeout(r, 500, false))]);
        if (!drained) break;
      }
    }
    assert.ok(written < limit, `the server kept reading: ${written} bytes taken`);
  } finally {
    socket.destroy();
    await server.close();
  }
});

test('port 0 gives an ephemeral port; the host defaults to 127.0.0.1', async () => {
  const server = await startOnelineServer();
  assert.equal(server.host, '127.0.0.1');
  assert.ok(server.port > 0);
  await server.close();
});
