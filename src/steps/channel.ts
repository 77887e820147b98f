/** Steps of the channel features beyond the raw wire steps: echoed frames, the reference server and client. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { channelFrameParse, frame, wholeFrames } from '../conform/channel/wire';
import { NonConformance } from '../conform/errors';
import type { Channel } from '../impl/channel/channel';
import { connectChannel } from '../impl/channel/client';
import { startChannelEchoServer } from '../impl/channel/server';
import { listenTcp, type RunningServer } from '../impl/common/net';
import { defineReferenceServerSteps, keepReference, type ReferenceWorld } from './reference';
import { everyByteValue } from './wire';

/** A raw server that plays one part against the reference client; it keeps what it received. */
interface ScriptedServer extends RunningServer {
  received(): Buffer;
  /** Resolves when the condition holds on what arrived, or the client closed. */
  until(condition: (received: Buffer) => boolean): Promise<void>;
  clientClosed: Promise<void>;
}

interface ChannelWorld extends ReferenceWorld {
  scripted?: ScriptedServer;
  channel?: Channel;
  bodies?: Buffer[];
  sentBodies?: Buffer[];
  failure?: Error;
}

/** Writes of a long frame: socket-sized, so a 16 MiB frame is not one 16 MiB write. */
const WRITE_PIECE = 64 * 1024;
const show = (body: Buffer) => (body.length > 80 ? `<${body.length} bytes: "${escapeBytes(body.subarray(0, 40))}"…>` : `"${escapeBytes(body)}"`);

// ---- what the target echoes ----------------------------------------------------------------

/** The usual wait, plus as much again for every 4 MiB to move. */
const longWait = (world: ChannelWorld, bytes: number) => world.timeoutMs * (1 + Math.floor(bytes / (4 << 20)));

/** Reads one frame; a long body gets time in proportion to its size. */
async function receiveBody(world: ChannelWorld, name: string, want: Buffer, what = show(want)): Promise<void> {
  const got = await world.client(name).read(channelFrameParse, longWait(world, want.length), `the echo of ${what}`);
  if (!got.equals(want)) throw new NonConformance(`expected the body ${what}, received ${show(got)}`);
}

Then('client {word} receives the channel body {string}', async function (this: ChannelWorld, name: string, body: string) {
  await receiveBody(this, name, unescapeBytes(body));
});

/** "a", "b" and "c": a list of quoted bodies in step text. */
Then(/^client (\w+) receives the channel bodies ((?:"(?:[^"\\]|\\.)*"(?:, | and )?)+)$/, async function (this: ChannelWorld, name: string, list: string) {
  for (const [, body] of list.matchAll(/"((?:[^"\\]|\\.)*)"/g)) await receiveBody(this, name, unescapeBytes(body));
});

When('client {word} sends a channel frame holding every byte value {int} times', async function (this: ChannelWorld, name: string, times: number) {
  await this.client(name).write(frame(everyByteValue(times)));
});

Then('client {word} receives a channel body holding every byte value {int} times', async function (this: ChannelWorld, name: string, times: number) {
  await receiveBody(this, name, everyByteValue(times), `every byte value ${times} times`);
});

When('client {word} sends a channel frame of {int} bytes of {string}', async function (this: ChannelWorld, name: string, size: number, fill: string) {
  // A target that stops reading mid-body would hold the write for ever: give it time in proportion.
  const timeoutMs = longWait(this, size);
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NonConformance(`the target did not take a frame of ${size} bytes within ${timeoutMs} ms`)), timeoutMs);
  });
  const writing = this.client(name).write(frame(Buffer.alloc(size, unescapeBytes(fill))), { pieceSize: WRITE_PIECE });
  await Promise.race([writing, stalled]).finally(() => clearTimeout(timer));
});

When('client {word} sends a channel frame of {int} bytes of {string} followed by {string}',
  async function (this: ChannelWorld, name: string, size: number, fill: string, tail: string) {
    await this.client(name).write(Buffer.concat([frame(Buffer.alloc(size, unescapeBytes(fill))), unescapeBytes(tail)]));
  });

Then('client {word} receives a channel body of {int} bytes of {string}', async function (this: ChannelWorld, name: string, size: number, fill: string) {
  await receiveBody(this, name, Buffer.alloc(size, unescapeBytes(fill)), `${size} bytes of "${fill}"`);
});

// ---- the reference server ------------------------------------------------------------------

defineReferenceServerSteps('channel', (options) => startChannelEchoServer({ port: 0, ...options }));

Given('a reference channel server with a maximum body of {int} bytes', async function (this: ChannelWorld, max: number) {
  keepReference(this, await startChannelEchoServer({ port: 0, maxBody: max }));
});

// ---- the reference client against scripted servers -------------------------------------------

async function startScripted(world: ChannelWorld, onSocket: (socket: net.Socket) => void): Promise<void> {
  let received = Buffer.alloc(0);
  let wake: () => void = () => undefined;
  let markClosed: () => void = () => undefined;
  const clientClosed = new Promise<void>((resolve) => { markClosed = resolve; });
  let closed = false;
  const running = await listenTcp((socket) => {
    socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]); wake(); });
    socket.on('error', () => undefined);
    socket.once('close', () => { closed = true; markClosed(); wake(); });
    onSocket(socket);
  });
  world.scripted = {
    host: running.host,
    port: running.port,
    closed: running.closed,
    close: running.close,
    received: () => received,
    clientClosed,
    async until(condition) {
      while (!condition(received) && !closed) await new Promise<void>((resolve) => { wake = resolve; });
    },
  };
  world.cleanups.push(() => running.close());
}

/** Writes the bytes in pieces of `size`, each its own write. */
function writeInPieces(socket: net.Socket, bytes: Buffer, size: number): void {
  for (let at = 0; at < bytes.length; at += size) socket.write(bytes.subarray(at, at + size));
}

Given('a scripted channel server that sends {string} in {int}-byte writes', async function (this: ChannelWorld, text: string, size: number) {
  await startScripted(this, (socket) => writeInPieces(socket, unescapeBytes(text), size));
});

Given('a scripted channel server that sends {string} in {int}-byte writes and closes',
  async function (this: ChannelWorld, text: string, size: number) {
    await startScripted(this, (socket) => {
      writeInPieces(socket, unescapeBytes(text), size);
      socket.end();
    });
  });

Given('a scripted channel server that never reads', async function (this: ChannelWorld) {
  await startScripted(this, (socket) => socket.pause());
});

Given('a scripted channel server that records what it receives', async function (this: ChannelWorld) {
  await startScripted(this, () => undefined);
});

async function connectClient(world: ChannelWorld, timeoutMs = world.timeoutMs): Promise<void> {
  const server = world.scripted ?? world.reference!;
  // A scripted server may never close its side: do not wait for it when the scenario ends.
  const channel = await connectChannel(server.host, server.port, { timeoutMs, closeGraceMs: 50 });
  world.channel = channel;
  world.cleanups.push(() => channel.close());
}

Given('a reference channel client connected to it', async function (this: ChannelWorld) {
  await connectClient(this);
});

Given('a reference channel client connected to it with a timeout of {int} ms', async function (this: ChannelWorld, ms: number) {
  await connectClient(this, ms);
});

async function attempt(world: ChannelWorld, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    world.failure = err as Error;
  }
}

When('the channel client sends the bodies {string}', async function (this: ChannelWorld, list: string) {
  const channel = this.channel!;
  await Promise.all(list.split(',').map((body) => channel.send(body)));
});

When('the channel client sends {int} bodies of {int} bytes at once', async function (this: ChannelWorld, count: number, size: number) {
  const channel = this.channel!;
  // Each body its own fill byte, so an interleaving shows as a body of mixed bytes.
  this.sentBodies = Array.from({ length: count }, (_, i) => Buffer.alloc(size, 0x41 + (i % 26)));
  await attempt(this, () => Promise.all(this.sentBodies!.map((body) => channel.send(body))));
});

When('the channel client receives {int} bodies', async function (this: ChannelWorld, count: number) {
  this.bodies = [];
  await attempt(this, async () => {
    for (let i = 0; i < count; i++) this.bodies!.push(await this.channel!.recv());
  });
});

When('the channel client iterates until the server closes', async function (this: ChannelWorld) {
  this.bodies = [];
  await attempt(this, async () => {
    for await (const body of this.channel!) this.bodies!.push(body);
  });
});

Then('the channel bodies are {string}', function (this: ChannelWorld, list: string) {
  const got = (this.bodies ?? []).map((b) => b.toString('latin1'));
  assert.deepEqual(got, list.split(','), `received ${JSON.stringify(got)}${this.failure ? `, then ${this.failure.name}: ${this.failure.message}` : ''}`);
});

Then('the channel call failed with a {word}', function (this: ChannelWorld, type: string) {
  assert.ok(this.failure, 'the call did not fail');
  assert.equal(this.failure.name, type, `failed with ${this.failure.name}: ${this.failure.message}`);
});

Then('the scripted channel server received those {int} bodies whole, in call order', async function (this: ChannelWorld, count: number) {
  assert.equal(this.failure, undefined, `a send failed: ${this.failure?.message}`);
  const sent = this.sentBodies!;
  const total = sent.reduce((n, b) => n + frame(b).length, 0);
  await this.scripted!.until((received) => received.length >= total);
  const { bodies, rest } = wholeFrames(this.scripted!.received());
  assert.equal(rest, 0, `${rest} bytes after the last whole frame`);
  assert.equal(bodies.length, count);
  bodies.forEach((body, i) => assert.ok(body.equals(sent[i]), `frame ${i + 1} is not body ${i + 1}: ${show(body)}`));
});

Then('the scripted channel server sees the client close', async function (this: ChannelWorld) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new NonConformance('the client did not close the connection')), this.timeoutMs);
  });
  await Promise.race([this.scripted!.clientClosed, timeout]).finally(() => clearTimeout(timer));
});
