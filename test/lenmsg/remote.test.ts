/**
 * The reference remote when the central's connection to it goes (SRS-LENMSG-104..106, found
 * by `conform --client`): a receive() waiting for data ends at once, a close as a
 * ConnectionClosedError, a connection that broke the framing as a ProtocolError, after the
 * data that came before; it used to wait out its timeout.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { ConnectionClosedError, ProtocolError } from '../../src/impl/common/errors';
import { encodeMessage } from '../../src/impl/lenmsg/framer';
import { startRemote } from '../../src/impl/lenmsg/remote';
import { startLenmsgServer } from '../../src/impl/lenmsg/server';

/** Long enough that a test which waited for it would time out the test itself. */
const TIMEOUT_MS = 60_000;

/** A remote against a central that only reads, and a connection to the remote's server standing for the central's link. */
async function remoteWithLink(t: TestContext, maxMessage?: number) {
  const central = await startLenmsgServer({ onMessage: () => undefined });
  const remote = await startRemote({ central, timeoutMs: TIMEOUT_MS, heartbeatIntervalMs: TIMEOUT_MS, maxMessage });
  t.after(async () => {
    await remote.close();
    await central.close();
  });
  const link = net.connect(remote.address.port, remote.address.host);
  await once(link, 'connect');
  link.on('error', () => undefined);
  return { remote, link };
}

test('the central closing its connection mid-frame ends a waiting receive with a close, after the data before it', async (t) => {
  const { remote, link } = await remoteWithLink(t);
  const cut = encodeMessage({ type: 'data', body: 'second' });
  link.end(Buffer.concat([encodeMessage({ type: 'data', body: 'first' }), cut.subarray(0, 7)]));
  assert.equal(await remote.receive(), 'first');
  await assert.rejects(remote.receive(), (err: Error) => err instanceof ConnectionClosedError && /mid-frame/.test(err.message));
  await assert.rejects(remote.receive(), ConnectionClosedError, 'and so does the next, while no connection is open');
});

test('a body that is not JSON ends a waiting receive with a ProtocolError, and a new connection from the central lifts it', async (t) => {
  const { remote, link } = await remoteWithLink(t);
  const waiting = remote.receive();
  link.write(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('NaN')]));
  await assert.rejects(waiting, ProtocolError);
  await once(link, 'close'); // the remote closed the connection that broke the framing
  const again = net.connect(remote.address.port, remote.address.host);
  t.after(() => again.destroy());
  await once(again, 'connect');
  again.write(encodeMessage({ type: 'data', body: 'back' }));
  assert.equal(await remote.receive(), 'back');
});

test('a length over the remote\'s maximum ends a waiting receive with a ProtocolError from the header alone', async (t) => {
  const { remote, link } = await remoteWithLink(t, 100);
  const waiting = remote.receive();
  link.write(Buffer.from([0, 0, 0, 101]));
  await assert.rejects(waiting, ProtocolError);
});
