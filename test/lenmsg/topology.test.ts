import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

import { ConnectionClosedError } from '../../src/impl/common/errors';
import { type CentralOptions, startCentral } from '../../src/impl/lenmsg/central';
import { LenmsgClient } from '../../src/impl/lenmsg/client';
import { LengthPrefixFramer } from '../../src/impl/lenmsg/framer';
import { isErrorBody } from '../../src/impl/lenmsg/messages';
import { startRemote } from '../../src/impl/lenmsg/remote';
import { startLenmsgServer } from '../../src/impl/lenmsg/server';

/** For the heartbeat cases: a remote gives up after 3 intervals, 60 ms. */
const FAST = { heartbeatIntervalMs: 20 };
/**
 * For every other case: heartbeats play no part in them, and at 20 ms a loaded machine's
 * pause of 60 ms would stop a remote in the middle of the case.
 */
const STEADY = { heartbeatIntervalMs: 500 };

/** A central closed when the test ends, pass or fail: an open one would keep the whole run alive. */
async function centralFor(t: TestContext, options: CentralOptions) {
  const central = await startCentral(options);
  t.after(() => central.close());
  return central;
}

async function assertRefused(port: number) {
  await assert.rejects(LenmsgClient.connect('127.0.0.1', port, { timeoutMs: 1000 }), /ECONNREFUSED/);
}

test('hello makes the central connect back to the address the remote announced', async (t) => {
  const central = await centralFor(t, STEADY);
  const connected = once(central, 'remote');
  const remote = await startRemote({ ...STEADY, central, id: 'r1' });
  const [id, address] = await connected;
  assert.equal(id, 'r1');
  assert.deepEqual(address, remote.address);
  assert.deepEqual(central.remoteIds(), ['r1']);
  await central.close();
  await remote.closed;
});

test('data from each remote is echoed back to that remote only, errors as structured data', async (t) => {
  const central = await centralFor(t, STEADY);
  const ready = new Promise<void>((resolve) => {
    let n = 0;
    central.on('remote', () => ++n === 2 && resolve());
  });
  const [a, b] = await Promise.all(['a', 'b'].map((id) => startRemote({ ...STEADY, central, id })));
  await ready;
  await Promise.all([a.send({ from: 'a', n: 1 }), b.send({ from: 'b', n: 1 }), a.send({ from: 'a', n: 2 })]);
  assert.deepEqual(await a.receive(), { from: 'a', n: 1 });
  assert.deepEqual(await a.receive(), { from: 'a', n: 2 });
  assert.deepEqual(await b.receive(), { from: 'b', n: 1 });
  await a.sendError(new RangeError('out of range'));
  const echoed = await a.receive();
  assert.ok(isErrorBody(echoed));
  assert.equal(echoed.error.name, 'RangeError');
  assert.equal(echoed.error.message, 'out of range');
  assert.match(echoed.error.stack, /topology\.test/);
  await central.close();
  assert.equal((await a.closed).kind, 'shutdown-message');
  assert.equal((await b.closed).kind, 'shutdown-message');
});

test('data sent before the connect-back completes is still echoed, in order', async (t) => {
  const central = await centralFor(t, STEADY);
  const remote = await startRemote({ ...STEADY, central, id: 'eager' });
  await Promise.all([1, 2, 3].map((n) => remote.send(n))); // no wait for the central's 'remote' event
  assert.deepEqual([await remote.receive(), await remote.receive(), await remote.receive()], [1, 2, 3]);
  await central.close();
});

test('heartbeats keep a remote running well past its timeout', async (t) => {
  const central = await centralFor(t, FAST);
  const remote = await startRemote({ ...FAST, central });
  const seqs: number[] = [];
  await new Promise<void>((resolve) =>
    remote.on('heartbeat', (seq) => {
      seqs.push(seq);
      if (seqs.length === 10) resolve(); // ~200 ms: more than three timeouts of 60 ms
    }),
  );
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  let stopped = false;
  void remote.closed.then(() => { stopped = true; });
  assert.equal(stopped, false);
  await central.close();
  assert.equal((await remote.closed).kind, 'shutdown-message');
});

test('a remote that hears no heartbeat shuts down: client and server closed, reason reported', async (t) => {
  let clientClosed!: () => void;
  const disconnected = new Promise<void>((resolve) => { clientClosed = resolve; });
  const silent = await startLenmsgServer({ onMessage: () => undefined, onDisconnect: () => clientClosed() });
  t.after(() => silent.close());
  const remote = await startRemote({ ...FAST, central: silent });
  const { port } = remote.address;
  const [reason] = await once(remote, 'stop');
  assert.deepEqual(reason, { kind: 'heartbeat-timeout', message: 'no heartbeat for 60 ms' });
  assert.deepEqual(await remote.closed, reason);
  await disconnected; // its client to the central is closed
  await assertRefused(port); // and its server
  await assert.rejects(remote.receive(), ConnectionClosedError);
  await silent.close();
});

test('shutdown stops a remote at once and the central forgets it', async (t) => {
  const central = await centralFor(t, { heartbeatIntervalMs: 1000 }); // no heartbeat timeout in play
  const connected = once(central, 'remote');
  const remote = await startRemote({ heartbeatIntervalMs: 1000, central, id: 'victim' });
  await connected;
  const gone = once(central, 'remote-gone');
  const started = Date.now();
  await central.shutdownRemote('victim');
  assert.deepEqual(await remote.closed, { kind: 'shutdown-message', message: 'the central sent shutdown' });
  assert.ok(Date.now() - started < 1000, 'at once, not after a heartbeat timeout');
  assert.deepEqual(await gone, ['victim']);
  assert.deepEqual(central.remoteIds(), []);
  await assertRefused(remote.address.port);
  await central.close();
});

test('a remote that closes is forgotten by the central; others are unaffected', async (t) => {
  const central = await centralFor(t, STEADY);
  const ready = new Promise<void>((resolve) => {
    let n = 0;
    central.on('remote', () => ++n === 2 && resolve());
  });
  const [leaving, staying] = await Promise.all(['leaving', 'staying'].map((id) => startRemote({ ...STEADY, central, id })));
  await ready;
  const gone = once(central, 'remote-gone');
  assert.equal((await leaving.close()).kind, 'closed');
  assert.deepEqual(await gone, ['leaving']);
  await staying.send('ping');
  assert.equal(await staying.receive(), 'ping');
  assert.deepEqual(central.remoteIds(), ['staying']);
  await central.close();
});

test('the central ignores data from a connection that never said hello, and unreachable hellos', async (t) => {
  const central = await centralFor(t, STEADY);
  const stranger = await LenmsgClient.connect(central.host, central.port);
  const unreachable = once(central, 'remote-unreachable');
  const closedServer = await startLenmsgServer({ onMessage: () => undefined });
  await closedServer.close();
  await stranger.send({ type: 'data', body: 'nobody to echo to' });
  await stranger.send({ type: 'hello', id: 'ghost', host: '127.0.0.1', port: closedServer.port });
  const [id, error] = await unreachable;
  assert.equal(id, 'ghost');
  assert.match(String(error), /ECONNREFUSED/);
  assert.deepEqual(central.remoteIds(), []);
  await stranger.close();
  await central.close();
});

test('a remote whose server stops reading is dropped once the central has too much queued for it', async (t) => {
  const central = await centralFor(t, { ...STEADY, maxBufferedBytes: 1024 * 1024 });
  const accepted: net.Socket[] = [];
  const stuck = net.createServer((socket) => { socket.pause(); accepted.push(socket); }); // never reads
  t.after(() => {
    accepted.forEach((socket) => socket.destroy());
    stuck.close();
  });
  stuck.listen(0, '127.0.0.1');
  await once(stuck, 'listening');
  const remote = await LenmsgClient.connect(central.host, central.port);
  const connected = once(central, 'remote');
  await remote.send({ type: 'hello', id: 'stuck', host: '127.0.0.1', port: (stuck.address() as net.AddressInfo).port });
  await connected;
  const gone = once(central, 'remote-gone');
  const body = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 64 && central.remoteIds().length > 0; i++) await remote.send({ type: 'data', body });
  assert.deepEqual(await gone, ['stuck']);
  assert.deepEqual(central.remoteIds(), []);
  await remote.close();
});

/**
 * A port whose connects hang: its listener's thread is blocked, so it accepts nothing, and
 * its backlog (1, which holds 2) is full of connections made here first, so the kernel
 * answers no further SYN.
 */
async function portThatHangsConnects(t: TestContext): Promise<number> {
  const blocked = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const net = require('node:net');
    const { parentPort, workerData } = require('node:worker_threads');
    const server = net.createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(new Int32Array(workerData), 0, 0);
      server.close();
    });`, { eval: true, workerData: blocked.buffer });
  const fillers: net.Socket[] = [];
  t.after(async () => {
    fillers.forEach((socket) => socket.destroy());
    Atomics.store(blocked, 0, 1);
    Atomics.notify(blocked, 0);
    await worker.terminate();
  });
  const [port] = (await once(worker, 'message')) as [number];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, '127.0.0.1');
    fillers.push(socket);
    await once(socket, 'connect');
  }
  return port;
}

// The connect would time out after 30 s: the test's 10 s are the proof that the bound, not the timeout, dropped it.
test('a remote that sends too much to echo while the central still connects to it is dropped', { timeout: 10_000 }, async (t) => {
  const central = await centralFor(t, { ...STEADY, maxBufferedBytes: 64 * 1024, timeoutMs: 30_000 });
  const port = await portThatHangsConnects(t);
  const remote = await LenmsgClient.connect(central.host, central.port);
  t.after(() => remote.destroy());
  let connectedBack = false;
  central.on('remote', () => { connectedBack = true; });
  const gone = once(central, 'remote-gone');
  await remote.send({ type: 'hello', id: 'flood', host: '127.0.0.1', port });
  const body = 'x'.repeat(8 * 1024);
  for (let i = 0; i < 16; i++) await remote.send({ type: 'data', body }); // 128 KiB against a bound of 64
  assert.deepEqual(await gone, ['flood']);
  assert.equal(connectedBack, false, 'dropped while connecting, not as a connected link that stopped reading');
  assert.deepEqual(central.remoteIds(), []);
});

test('the central echoes a data message byte for byte: the bytes it validated, not a re-encoding', async (t) => {
  const central = await centralFor(t, STEADY);
  let connectedBack!: (socket: net.Socket) => void;
  const back = new Promise<net.Socket>((resolve) => { connectedBack = resolve; });
  let accepted: net.Socket | undefined;
  const remoteServer = net.createServer((socket) => connectedBack((accepted = socket)));
  remoteServer.listen(0, '127.0.0.1');
  await once(remoteServer, 'listening');
  const { port } = remoteServer.address() as net.AddressInfo;
  const client = await LenmsgClient.connect('127.0.0.1', central.port);
  try {
    await client.send({ type: 'hello', id: 'raw', host: '127.0.0.1', port });
    // Whitespace, 1.0, 2e3 and an escaped é: JSON.stringify of the parsed value would spell all of them differently.
    const body = Buffer.from('{ "type" : "data", "body" : [1.0, 2e3, "\\u00e9"] }');
    client.relay([body]);
    const socket = await back;
    // Heartbeats share this connection: the first body that is not one is the echo.
    const framer = new LengthPrefixFramer();
    const echoed = await new Promise<Buffer>((resolve) =>
      socket.on('data', (chunk: Buffer) => framer.push(chunk, (frame) => frame.includes('"heartbeat"') || resolve(Buffer.from(frame)))));
    assert.deepEqual(echoed, body);
  } finally {
    client.destroy();
    remoteServer.close();
    accepted?.destroy();
  }
});

test('a listener to message events gets each data message parsed, as the echo relays it', async (t) => {
  const central = await centralFor(t, STEADY);
  const seen: unknown[] = [];
  central.on('message', (message, remoteId) => message.type === 'data' && seen.push([remoteId, message.body]));
  const remote = await startRemote({ ...STEADY, central, id: 'heard' });
  const bodies = [{ big: 'x'.repeat(100_000) }, [1, 'two', null]];
  for (const body of bodies) await remote.send(body);
  for (const body of bodies) assert.deepEqual(await remote.receive(), body);
  assert.deepEqual(seen, bodies.map((body) => ['heard', body]));
});

test('the central closes a connection whose data message is not JSON', { timeout: 10_000 }, async (t) => {
  const central = await centralFor(t, STEADY);
  const client = await LenmsgClient.connect('127.0.0.1', central.port);
  t.after(() => client.destroy());
  // Shaped like a data message, UTF-8 and long, but a raw newline inside a string is not JSON.
  const notJson = Buffer.from(`{"type":"data","body":"${'y'.repeat(5000)}\n${'y'.repeat(5000)}"}`);
  assert.ok(notJson.includes(0x0a));
  client.relay([notJson]);
  await client.closed;
});

test('relay refuses a body over the maximum before anything is written', async (t) => {
  const server = await startLenmsgServer({ onMessage: () => undefined });
  t.after(() => server.close());
  const client = await LenmsgClient.connect('127.0.0.1', server.port, { maxMessage: 8 });
  t.after(() => client.destroy());
  assert.throws(() => client.relay([Buffer.from('"12345'), Buffer.from('6789"')]), RangeError);
  assert.equal(client.bufferedBytes, 0);
});
