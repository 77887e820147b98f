/**
 * The cobra reference client against a scripted server that sends what a correct one never
 * does: what the client conformance (SRS-COBRA-100..109) found it doing wrong, kept fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { ProtocolError } from '../../src/impl/common/errors';
import { listenTcp } from '../../src/impl/common/net';
import { CobraClient } from '../../src/impl/cobra/client';
import { CobraProtocolError } from '../../src/impl/cobra/protocol';

/** A file port and a control port; `control` scripts what the control port sends for each line it reads. */
async function withScriptedServer(control: (line: string, socket: net.Socket) => void, use: (client: CobraClient) => Promise<void>, maxLine?: number): Promise<void> {
  const file = await listenTcp((socket) => socket.on('data', (chunk: Buffer) =>
    socket.write(chunk.toString('utf8') === 'nope.py\n' ? '{"error":"no such file"}\n' : '{"ok":true,"file":"/srv/p.py"}\n')));
  const ctl = await listenTcp((socket) => socket.on('data', (chunk: Buffer) => control(chunk.toString('utf8').trim(), socket)));
  const client = await CobraClient.connect({ filePort: file.port, controlPort: ctl.port, timeoutMs: 2000, maxLine });
  try {
    await use(client);
  } finally {
    client.disconnect();
    await Promise.all([file.close(), ctl.close()]);
  }
}

test('a control line that is not UTF-8 is a protocol error, never text with replacement characters', async () => {
  await withScriptedServer((_line, socket) => socket.write(Buffer.from('{"event":"output","stream":"stdout","text":"caf\xe9"}\n', 'latin1')), async (client) => {
    await assert.rejects(client.command('next'), (err: Error) => err instanceof CobraProtocolError && err instanceof ProtocolError && /not UTF-8/.test(err.message));
    assert.deepEqual(client.output, []);
  });
});

test('a control line over maxLine bytes is a protocol error', async () => {
  await withScriptedServer((_line, socket) => socket.write('{"event":"output","stream":"stdout","text":"too long for 40 bytes"}\n'), async (client) => {
    await assert.rejects(client.command('next'), (err: Error) => err instanceof CobraProtocolError && err.message === 'a server line longer than 40 bytes');
    assert.deepEqual(client.output, []);
  }, 40);
});

test('sendPath() resolves with the file port\'s answer, an error answer included', async () => {
  await withScriptedServer(() => undefined, async (client) => {
    assert.deepEqual(await client.sendPath('nope.py'), { error: 'no such file' });
    assert.deepEqual(await client.sendPath('p.py'), { ok: true, file: '/srv/p.py' });
  });
});
