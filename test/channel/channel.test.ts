import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import fc from 'fast-check';

import { ConnectionClosedError, TimeoutError } from '../../src/impl/common/errors';
import { decodeAll, FramingError } from '../../src/impl/common/framer';
import { ChannelFramer, encodeFrame } from '../../src/impl/channel/framer';
import { Channel } from '../../src/impl/channel/channel';
import { connectChannel } from '../../src/impl/channel/client';
import { listenChannels } from '../../src/impl/channel/server';
import { rawClient, rawServer, readToEnd } from './wire';

/** A client Channel and the raw server socket it is connected to. */
async function channelToRawPeer(options: { maxBody?: number; maxQueuedBytes?: number } = {}) {
  let accept!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => { accept = resolve; });
  const server = await rawServer((socket) => accept(socket));
  const channel = await connectChannel('127.0.0.1', server.port, { timeoutMs: 2000, ...options });
  const peer = await accepted;
  return {
    channel,
    peer,
    async close() {
      channel.close();
      await server.close();
      await channel.closed;
    },
  };
}

test('listenChannels and connectChannel: either side sends, recv and for-await get whole bodies in order', async () => {
  const server = await listenChannels();
  try {
    const client = await connectChannel(server.host, server.port, { timeoutMs: 2000 });
    const [serverSide] = await takeOne(server);
    await client.send('hello');
    await client.send(Buffer.from([0, 13, 10, 0xff]));
    await serverSide.send('');
    assert.equal(String(await serverSide.recv()), 'hello');
    assert.deepEqual(await serverSide.recv(), Buffer.from([0, 13, 10, 0xff]));
    assert.deepEqual(await client.recv(), Buffer.alloc(0));
    assert.equal(serverSide.remoteAddress, '127.0.0.1');

    await client.send('a');
    await client.send('b');
    const iterated: string[] = [];
    const iteration = (async () => { for await (const body of serverSide) iterated.push(String(body)); })();
    const clientClosed = client.close(); // resolves once the server side closes too
    await iteration;
    assert.deepEqual(iterated, ['a', 'b']);
    await assert.rejects(serverSide.recv(), ConnectionClosedError);
    await serverSide.send('after the client closed its side'); // half-close: replies still go out
    await serverSide.close();
    await clientClosed;
  } finally {
    await server.close();
  }
});

async function takeOne(server: AsyncIterable<Channel>): Promise<[Channel]> {
  for await (const channel of server) return [channel];
  throw new Error('server ended without a channel');
}

test('property: concurrent sends on one channel never interleave and go out in call order', async () => {
  const bodyArb = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 50 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 600_000 }).map((n) => Buffer.alloc(n, n % 251)) },
    { weight: 1, arbitrary: fc.string().map((s) => Buffer.from(s, 'utf8')) },
  );
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.array(bodyArb, { minLength: 1, maxLength: 20 }), async (s, bodies) => {
      const link = await channelToRawPeer();
      try {
        // The peer reads nothing until every send was called, so most of them wait for drain.
        link.peer.pause();
        const wire = readToEnd(link.peer);
        const callOrder: Buffer[] = [];
        const sends: Promise<void>[] = [];
        const producers = bodies.map(async (body) => {
          await s.schedule(Promise.resolve());
          callOrder.push(body);
          sends.push(link.channel.send(body));
        });
        await s.waitAll();
        await Promise.all(producers);
        link.peer.resume();
        await Promise.all(sends);
        await link.channel.close();
        const decoded = decodeAll(new ChannelFramer(), [(await wire).bytes]);
        assert.equal(decoded.length, callOrder.length);
        decoded.forEach((body, i) => assert.ok(body.equals(callOrder[i]), `body ${i} differs`));
      } finally {
        await link.close();
      }
    }),
    { numRuns: 40 },
  );
});

test('recv times out with TimeoutError and the next body still arrives', async () => {
  const link = await channelToRawPeer();
  try {
    await assert.rejects(link.channel.recv({ timeoutMs: 30 }), TimeoutError);
    link.peer.write(encodeFrame('late'));
    assert.equal(String(await link.channel.recv()), 'late');
  } finally {
    await link.close();
  }
});

test('the peer closing mid-frame: no partial body, recv rejects with ConnectionClosedError', async () => {
  const link = await channelToRawPeer();
  try {
    link.peer.end(Buffer.concat([encodeFrame('whole'), Buffer.from('\r\nMSG 10\r\nhalf')]));
    assert.equal(String(await link.channel.recv()), 'whole');
    await assert.rejects(link.channel.recv(), (err: Error) => {
      assert.ok(err instanceof ConnectionClosedError);
      assert.match(err.message, /middle of a frame \(14 bytes discarded\)/);
      return true;
    });
  } finally {
    await link.close();
  }
});

test('a malformed frame from the peer: earlier bodies delivered, then FramingError, then the connection closes', async () => {
  const link = await channelToRawPeer();
  try {
    const closedByChannel = readToEnd(link.peer);
    link.peer.write(Buffer.concat([encodeFrame('fine'), Buffer.from('\r\nMSG 1x\r\n')]));
    assert.equal(String(await link.channel.recv()), 'fine');
    await assert.rejects(link.channel.recv(), FramingError);
    await assert.rejects(link.channel.recv(), FramingError);
    const { reset } = await closedByChannel;
    assert.equal(reset, false, 'closed with FIN, not reset');
    await assert.rejects(
      (async () => { for await (const body of link.channel) assert.fail(`unexpected ${body}`); })(),
      FramingError,
    );
  } finally {
    await link.close();
  }
});

test('send refuses a body over maxBody, and sending after close', async () => {
  const link = await channelToRawPeer({ maxBody: 4 });
  try {
    await assert.rejects(link.channel.send('12345'), RangeError);
    await link.channel.send('1234');
    void link.channel.close();
    await assert.rejects(link.channel.send('x'), ConnectionClosedError);
    await assert.rejects(link.channel.recv(), ConnectionClosedError);
  } finally {
    await link.close();
  }
});

test('unread bodies pause the socket past maxQueuedBytes and resume as they are read', { timeout: 10_000 }, async () => {
  const maxQueuedBytes = 256 * 1024;
  const bodyCount = 256;
  const server = await listenChannels({ maxBody: 64 * 1024, maxQueuedBytes });
  const client = await rawClient(server.port);
  try {
    const [channel] = await takeOne(server);
    const body = (i: number) => Buffer.alloc(64 * 1024 - 1, i);
    // 16 MiB, far more than the kernel buffers on both sides hold.
    const writing = (async () => {
      for (let i = 0; i < bodyCount; i++) if (!client.write(encodeFrame(body(i)))) await once(client, 'drain');
    })();
    while (!channel.receivePaused) await new Promise(setImmediate);
    // A chunk of frames may land at once; the bound is the limit plus one socket read.
    const bound = maxQueuedBytes + 128 * 1024;
    assert.ok(channel.queuedBytes > maxQueuedBytes && channel.queuedBytes <= bound, `queued ${channel.queuedBytes}`);
    for (let i = 0; i < bodyCount; i++) {
      const received = await channel.recv({ timeoutMs: 5000 });
      assert.ok(received.equals(body(i)), `body ${i}`);
      assert.ok(channel.queuedBytes <= bound, `queued ${channel.queuedBytes} after body ${i}`);
    }
    await writing;
    client.destroy();
    await channel.close();
  } finally {
    client.destroy();
    await server.close();
  }
});
