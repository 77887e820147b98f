import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { listenTcp } from '../../src/impl/common/net';
import { startChaosProxy } from '../../src/chaos/proxy';
import type { ToxicSpec } from '../../src/chaos/toxics';
import { connectTo, proxiedEcho, receiveAll, receiveBytes, startEchoUpstream } from './helpers';

test('without toxics every byte passes both ways, and each FIN follows its bytes', async () => {
  const { proxy, close } = await proxiedEcho([]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    const payload = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    client.end(payload);
    const { data, how } = await outcome;
    assert.equal(how, 'end');
    assert.deepEqual(data, payload);
  } finally {
    await close();
  }
});

test('property: bytes arrive intact and in order through latency with jitter, slicer and bandwidth', async () => {
  const echo = await startEchoUpstream();
  const proxy = await startChaosProxy({ upstream: echo, seed: 7 });
  const toxicsArb = fc.tuple(
    fc.record({ ms: fc.integer({ min: 0, max: 5 }), jitter: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ averageSize: fc.integer({ min: 1, max: 64 }), sizeVariation: fc.integer({ min: 0, max: 32 }) }),
    fc.integer({ min: 200_000, max: 2_000_000 }),
    fc.constantFrom<ToxicSpec['direction']>(undefined, 'upstream', 'downstream'),
  ).map(([latency, slicer, bytesPerSecond, direction]): ToxicSpec[] => [
    { type: 'latency', ...latency, direction },
    { type: 'slicer', ...slicer },
    { type: 'bandwidth', bytesPerSecond },
  ]);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 1500 }), { minLength: 1, maxLength: 6 }), toxicsArb, async (writes, toxics) => {
        proxy.setToxics(toxics);
        const client = await connectTo(proxy);
        const outcome = receiveAll(client);
        for (const bytes of writes) client.write(bytes);
        client.end();
        const { data, how } = await outcome;
        assert.equal(how, 'end');
        assert.deepEqual(data, Buffer.concat(writes));
      }),
      { numRuns: 25 },
    );
  } finally {
    await Promise.all([proxy.close(), echo.close()]);
  }
});

test('latency delays each direction by at least its ms', async () => {
  const { proxy, close } = await proxiedEcho([
    { type: 'latency', ms: 40, direction: 'upstream' },
    { type: 'latency', ms: 30, jitter: 10, direction: 'downstream' },
  ]);
  try {
    const client = await connectTo(proxy);
    for (let round = 0; round < 3; round++) {
      const sentAt = performance.now();
      const echoed = receiveBytes(client, 4);
      client.write('ping');
      await echoed;
      const roundTrip = performance.now() - sentAt;
      assert.ok(roundTrip >= 40 + 20 - 2, `round trip of ${roundTrip.toFixed(1)} ms`);
    }
    client.destroy();
  } finally {
    await close();
  }
});

test('bandwidth: N bytes take at least N / rate seconds (less one piece)', async () => {
  const bytesPerSecond = 100_000;
  const { proxy, close } = await proxiedEcho([{ type: 'bandwidth', bytesPerSecond, direction: 'downstream' }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    const sentAt = performance.now();
    client.end(Buffer.alloc(40_000, 9));
    const { data, times } = await outcome;
    assert.equal(data.length, 40_000);
    const elapsed = times[times.length - 1] - sentAt;
    const floor = ((40_000 - bytesPerSecond / 100) / bytesPerSecond) * 1000;
    assert.ok(elapsed >= floor - 2, `40000 bytes in ${elapsed.toFixed(0)} ms, expected >= ${floor} ms`);
  } finally {
    await close();
  }
});

test('slicer with a delay delivers a chunk as many small pieces, delay ms apart', async () => {
  const { proxy, close } = await proxiedEcho([{ type: 'slicer', averageSize: 10, delayMs: 5, direction: 'downstream' }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    const sentAt = performance.now();
    const payload = Buffer.from('0123456789'.repeat(10));
    client.end(payload);
    const { data, times } = await outcome;
    assert.deepEqual(data, payload);
    assert.ok(times.length >= 2, `${times.length} reads`);
    assert.ok(times[times.length - 1] - sentAt >= 9 * 4, 'ten pieces, nine pauses of 5 ms');
  } finally {
    await close();
  }
});

test('up:reset after N bytes: the upstream reads at most N bytes, the client gets ECONNRESET', async () => {
  const { echo, proxy, close } = await proxiedEcho([{ type: 'reset', afterBytes: 1000, direction: 'upstream' }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    client.write(Buffer.alloc(3000, 1));
    const { data, how } = await outcome;
    assert.equal(how, 'ECONNRESET');
    assert.ok(data.length <= 1000);
    await once(client, 'close');
    assert.ok(echo.bytesRead <= 1000, `upstream read ${echo.bytesRead} bytes`);
  } finally {
    await close();
  }
});

test('down:reset after N bytes: the client gets at most N bytes, the upstream an RST', async () => {
  const { echo, proxy, close } = await proxiedEcho([{ type: 'reset', afterBytes: 100, direction: 'downstream' }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    client.write(Buffer.alloc(200, 2));
    const { data, how } = await outcome;
    // An RST that arrives with bytes still unread is reported by libuv as a plain EOF.
    assert.ok(how === 'ECONNRESET' || how === 'end', how);
    assert.ok(data.length <= 100, `${data.length} bytes`);
    await echo.idle();
    assert.deepEqual(echo.errors, ['ECONNRESET']);
  } finally {
    await close();
  }
});

test('a server that writes then resets: its last bytes still reach the client through latency, then the reset', async () => {
  // It answers a request (so the proxy's connect has completed) with its last bytes, and resets once the
  // proxy has read them: loopback delivers at write, the proxy reads in the next loop turn's poll phase,
  // and a second setImmediate runs after that phase.
  const afterNextPoll = (then: () => void) => setImmediate(() => setImmediate(then));
  const upstream = await listenTcp((socket) =>
    socket.once('data', () => socket.write('bye', () => afterNextPoll(() => socket.resetAndDestroy()))));
  const proxy = await startChaosProxy({ upstream, toxics: [{ type: 'latency', ms: 100, direction: 'downstream' }] });
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    client.write('quit');
    const { data, how } = await outcome;
    assert.equal(data.toString(), 'bye');
    // An RST that arrives with bytes still unread is reported by libuv as a plain EOF.
    assert.ok(how === 'ECONNRESET' || how === 'end', how);
  } finally {
    await Promise.all([proxy.close(), upstream.close()]);
  }
});

test('reset after 0 bytes resets at the first byte: nothing passes', async () => {
  const { echo, proxy, close } = await proxiedEcho([{ type: 'reset', afterBytes: 0 }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    client.write('hello');
    assert.deepEqual(await outcome, { data: Buffer.alloc(0), how: 'ECONNRESET', times: [] });
    assert.equal(echo.bytesRead, 0);
  } finally {
    await close();
  }
});

test('stall keeps the connection open with no data until the client times out; removing it lets the bytes go', async () => {
  const { proxy, close } = await proxiedEcho([{ type: 'stall', afterBytes: 3, direction: 'downstream' }]);
  try {
    const client = await connectTo(proxy);
    const first = receiveBytes(client, 3);
    client.write('hello world');
    assert.equal((await first).toString(), 'hel');
    const rest = receiveBytes(client, 8);
    client.setTimeout(150);
    await once(client, 'timeout');
    assert.equal(client.destroyed || client.readableEnded, false, 'still open');
    assert.equal(proxy.connections, 1);
    client.setTimeout(0);
    proxy.setToxics([]);
    assert.equal((await rest).toString(), 'lo world');
    client.destroy();
  } finally {
    await close();
  }
});

test('close after N bytes: the client gets exactly N bytes then a FIN, and so does the upstream', async () => {
  const { echo, proxy, close } = await proxiedEcho([{ type: 'close', afterBytes: 10, direction: 'downstream' }]);
  try {
    const client = await connectTo(proxy);
    const outcome = receiveAll(client);
    client.write(Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    const { data, how } = await outcome;
    assert.equal(how, 'end');
    assert.equal(data.toString(), 'abcdefghij');
    client.end();
    await once(client, 'close');
    await echo.idle();
    assert.equal(echo.ends, 1);
    assert.deepEqual(echo.errors, []);
  } finally {
    await close();
  }
});

for (const toxics of [[], [{ type: 'latency', ms: 5 }]] as ToxicSpec[][]) {
  test(`a client that does not read stops the proxy reading upstream (${toxics.length ? 'latency' : 'no toxics'})`, async () => {
    const chunk = Buffer.alloc(64 * 1024, 3);
    const limit = 256 * 2 ** 20; // what the producer writes at most: all of it gets through without backpressure
    let written = 0;
    let blocked = false;
    let stop = false;
    const producer = await listenTcp((socket) => {
      socket.on('error', () => undefined);
      const produce = () => {
        while (written < limit && !stop) {
          written += chunk.length;
          if (!socket.write(chunk)) {
            blocked = true;
            socket.once('drain', () => ((blocked = false), produce()));
            return;
          }
        }
        socket.end();
      };
      produce();
    });
    const proxy = await startChaosProxy({ upstream: producer, toxics });
    try {
      const client = await connectTo(proxy);
      client.pause();
      // No event says "nothing moves any more": wait until the producer stays blocked for 300 ms (or is done).
      await new Promise<void>((resolve) => {
        const check = () => {
          const before = written;
          setTimeout(() => ((blocked && written === before) || written >= limit ? resolve() : check()), 300);
        };
        check();
      });
      assert.ok(written < 48 * 2 ** 20, `${written} bytes went out before the producer blocked`);
      stop = true;
      const outcome = receiveAll(client);
      client.resume();
      const { data, how } = await outcome;
      assert.equal(how, 'end');
      assert.equal(data.length, written, 'nothing lost once the client reads');
    } finally {
      await Promise.all([proxy.close(), producer.close()]);
    }
  });
}

test('close() closes every open connection and resolves', async () => {
  const { proxy, close } = await proxiedEcho([]);
  try {
    const clients = await Promise.all([connectTo(proxy), connectTo(proxy)]);
    for (const client of clients) {
      client.on('error', () => undefined);
      const echoed = receiveBytes(client, 1);
      client.write('x');
      await echoed; // the bridge to the upstream is up
    }
    assert.equal(proxy.connections, 2);
    const clientsClosed = Promise.all(clients.map((c) => new Promise((resolve) => c.once('close', resolve))));
    await proxy.close();
    await clientsClosed;
    assert.equal(proxy.connections, 0);
  } finally {
    await close();
  }
});

test('an upstream that refuses gets the client disconnected at once', async () => {
  const gone = await startEchoUpstream();
  const port = gone.port;
  await gone.close();
  const proxy = await startChaosProxy({ upstream: { host: '127.0.0.1', port } });
  try {
    const client = await connectTo(proxy);
    const { how } = await receiveAll(client);
    assert.ok(how === 'ECONNRESET' || how === 'end', how);
  } finally {
    await proxy.close();
  }
});
