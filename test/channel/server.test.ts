import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ConnectionClosedError } from '../../src/impl/common/errors';
import { decodeAll } from '../../src/impl/common/framer';
import { RunningServer } from '../../src/impl/common/net';
import { ChannelFramer, encodeFrame } from '../../src/impl/channel/framer';
import { connectChannel } from '../../src/impl/channel/client';
import { startChannelEchoServer } from '../../src/impl/channel/server';
import { rawClient, readToEnd, splitAt, writeChunks } from './wire';

async function withEchoServer(run: (server: RunningServer) => Promise<void>, maxBody?: number) {
  const server = await startChannelEchoServer({ maxBody });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

const bodyArb = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

/** Sends raw chunks, half-closes, and returns what came back until the server closed. */
async function rawExchange(port: number, chunks: Buffer[]) {
  const socket = await rawClient(port);
  const reply = readToEnd(socket);
  await writeChunks(socket, chunks);
  socket.end();
  return reply;
}

test('property: the echo server sends every body back whole and in order', async () => {
  await withEchoServer(async (server) => {
    await fc.assert(
      fc.asyncProperty(fc.array(bodyArb, { maxLength: 30 }), async (bodies) => {
        const channel = await connectChannel(server.host, server.port, { timeoutMs: 2000 });
        try {
          await Promise.all(bodies.map((body) => channel.send(body)));
          for (const body of bodies) assert.deepEqual(await channel.recv(), body);
        } finally {
          await channel.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});

test('property: however the client splits and merges its frames, the echo is the same bodies', async () => {
  await withEchoServer(async (server) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(bodyArb, { maxLength: 12 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 40 }),
        async (bodies, cuts) => {
          const wire = Buffer.concat(bodies.map((body) => encodeFrame(body)));
          const { bytes, reset } = await rawExchange(server.port, splitAt(wire, cuts));
          assert.equal(reset, false);
          // The echo server writes one frame per body: the reply is the same bytes.
          assert.deepEqual(decodeAll(new ChannelFramer(), [bytes]), bodies);
        },
      ),
      { numRuns: 40 },
    );
  });
});

test('many clients at once are each echoed their own bodies', async () => {
  await withEchoServer(async (server) => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, () => connectChannel(server.host, server.port, { timeoutMs: 2000 })),
    );
    await Promise.all(
      clients.map(async (channel, c) => {
        for (let i = 0; i < 20; i++) void channel.send(`client ${c} body ${i}`);
        for (let i = 0; i < 20; i++) assert.equal(String(await channel.recv()), `client ${c} body ${i}`);
      }),
    );
    await Promise.all(clients.map((channel) => channel.close()));
  });
});

test('property: a malformed frame: the frames before it are echoed, then that connection closes; others are served', async () => {
  const badTails = ['X', '\nMSG 1\nx', '\r\nMSG 1x\r\n', '\r\nMSG 99999999999\r\n', '\r\nMSG1\r\nx', '\r\nMSG 2048\r\n'];
  await withEchoServer(async (server) => {
    const bystander = await connectChannel(server.host, server.port, { timeoutMs: 2000 });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(bodyArb, { maxLength: 5 }),
          fc.constantFrom(...badTails),
          fc.array(fc.nat({ max: 2000 }), { maxLength: 5 }),
          async (bodies, tail, cuts) => {
            const wire = Buffer.concat([...bodies.map((body) => encodeFrame(body)), Buffer.from(tail, 'latin1')]);
            const socket = await rawClient(server.port);
            const reply = readToEnd(socket);
            await writeChunks(socket, splitAt(wire, cuts));
            // No half-close here: the server must close on its own.
            const { bytes, reset } = await reply;
            assert.equal(reset, false, 'closed with FIN');
            assert.deepEqual(decodeAll(new ChannelFramer(), [bytes]), bodies);
            await bystander.send('still there?');
            assert.equal(String(await bystander.recv()), 'still there?');
          },
        ),
        { numRuns: 30 },
      );
    } finally {
      await bystander.close();
    }
  }, 1024);
});

test('the maximum body is configurable: max is echoed, max + 1 closes the connection', async () => {
  await withEchoServer(async (server) => {
    const atMax = Buffer.alloc(1024, 'a');
    const channel = await connectChannel(server.host, server.port, { timeoutMs: 2000 });
    await channel.send(atMax);
    assert.deepEqual(await channel.recv(), atMax);
    await channel.close();
    const { bytes } = await rawExchange(server.port, [Buffer.from('\r\nMSG 1025\r\n'), Buffer.alloc(1025)]);
    assert.equal(bytes.length, 0);
  }, 1024);
});

test('closing the server closes its channels and resolves closed', async () => {
  const server = await startChannelEchoServer();
  const channel = await connectChannel(server.host, server.port, { timeoutMs: 2000 });
  await channel.send('before');
  assert.equal(String(await channel.recv()), 'before');
  const stopping = server.close();
  await assert.rejects(channel.recv(), ConnectionClosedError);
  await channel.close();
  await stopping;
  await server.closed;
  await assert.rejects(connectChannel(server.host, server.port, { timeoutMs: 500 }), /ECONNREFUSED/);
});
