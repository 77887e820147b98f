/**
 * The oneline reference client against a scripted server: lines split across chunks, several
 * lines in one chunk, and the two lines it never delivers (not UTF-8, over its maximum).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { ProtocolError } from '../../src/impl/common/errors';
import { listenTcp } from '../../src/impl/common/net';
import { OnelineClient } from '../../src/impl/oneline/client';

/** `answer` scripts what the server writes for each chunk it reads. */
async function withScriptedServer(answer: (socket: net.Socket) => void, use: (client: OnelineClient) => Promise<void>, maxLine?: number): Promise<void> {
  const server = await listenTcp((socket) => socket.on('data', () => answer(socket)));
  const client = await OnelineClient.connect(server.host, server.port, { timeoutMs: 2000, maxLine });
  try {
    await use(client);
  } finally {
    client.close();
    await server.close();
  }
}

test('responses split across chunks and several in one chunk arrive as whole lines, in order', async () => {
  await withScriptedServer((socket) => {
    socket.write(Buffer.from([0x63, 0x61, 0x66, 0xc3])); // 'caf' and half of 'é'
    setTimeout(() => socket.write(Buffer.from([0xa9, 0x0a, 0x61, 0x0a, 0x62, 0x0a])), 20);
  }, async (client) => {
    assert.deepEqual(await client.send('x', { expect: 3 }), ['café', 'a', 'b']);
  });
});

test('a response line that is not UTF-8 is a protocol error, never text with replacement characters', async () => {
  await withScriptedServer((socket) => socket.write(Buffer.from('ok\ncaf\xe9\n', 'latin1')), async (client) => {
    await assert.rejects(client.send('x', { expect: 2 }), (err: Error) => err instanceof ProtocolError && err.message === 'a response line that is not UTF-8');
    await assert.rejects(client.send('y', { expect: 1 }), (err: Error) => err instanceof ProtocolError, 'the connection is given up');
  });
});

test('a response line over maxLine bytes is a protocol error', async () => {
  await withScriptedServer((socket) => socket.write('12345678\n123456789\n'), async (client) => {
    await assert.rejects(client.send('x', { expect: 2 }), (err: Error) => err instanceof ProtocolError && err.message === 'a response line over 8 bytes');
  }, 8);
});
