/** Steps of the echo features beyond the raw wire steps: long echoes, backpressure, the reference server and client. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import type { Parse, WireDriver } from '../conform/driver';
import { NonConformance } from '../conform/errors';
import { PROJECT_ROOT } from '../conform/srs';
import { echoOnce, formatPeer, type EchoResult } from '../impl/echo/client';
import { startEchoServer } from '../impl/echo/server';
import { listenTcp } from '../impl/common/net';
import { defineReferenceServerSteps, keepReference, type ReferenceWorld } from './reference';
import { everyByteValue } from './wire';

const MiB = 1024 * 1024;

interface EchoWorld extends ReferenceWorld {
  /** What a client offered while it did not read: the bytes, how many went to the socket, how many the kernel took. */
  offer?: { bytes: Buffer; offered: number; taken: number };
  result?: EchoResult;
  failure?: Error;
  cliOutput?: string;
}

/** Up to `n` of the bytes that arrived; the rest stays unread for the next step to judge. */
const upTo = (n: number): Parse<Buffer> => (received) =>
  received.length === 0 ? undefined : { value: received.subarray(0, n), consumed: Math.min(n, received.length) };

/**
 * Reads the echo of `want` as it arrives and compares it piece by piece, so a long echo
 * never piles up unread. The wait for each piece is the usual timeout.
 */
async function receiveEcho(world: EchoWorld, driver: WireDriver, want: Buffer, what: string): Promise<void> {
  for (let at = 0; at < want.length;) {
    const piece = await driver.read(upTo(want.length - at), world.timeoutMs, `${what}: byte ${at} of ${want.length} and on`);
    const expected = want.subarray(at, at + piece.length);
    if (!piece.equals(expected)) {
      const wrong = piece.findIndex((b, i) => b !== expected[i]);
      throw new NonConformance(`${what}: byte ${at + wrong} differs: expected 0x${expected[wrong].toString(16)}, received ` +
        `"${escapeBytes(piece.subarray(wrong, wrong + 40))}"`);
    }
    at += piece.length;
  }
}

Then('client {word} receives the echo of every byte value {int} times', async function (this: EchoWorld, name: string, times: number) {
  await receiveEcho(this, this.client(name), everyByteValue(times), `the echo of every byte value ${times} times`);
});

Then('client {word} receives the echo of {int} bytes of {string}', async function (this: EchoWorld, name: string, size: number, fill: string) {
  await receiveEcho(this, this.client(name), Buffer.alloc(size, unescapeBytes(fill)), `the echo of ${size} bytes of "${fill}"`);
});

// ---- backpressure ------------------------------------------------------------------------

When('client {word} stops reading and offers the echo server {int} MiB until its writes stall',
  async function (this: EchoWorld, name: string, mebibytes: number) {
    const driver = this.client(name);
    const bytes = randomBytes(mebibytes * MiB);
    driver.pauseReading();
    // No event says "the peer stopped reading": the kernel taking nothing for a while does.
    const { offered, taken } = await driver.writeUntilStalled(bytes, 64 * 1024, this.quietMs(500));
    this.offer = { bytes, offered, taken };
  });

Then('the echo server took fewer than {int} MiB from client {word} before its writes stalled', function (this: EchoWorld, limit: number, name: string) {
  const { bytes, taken } = this.offer!;
  const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  if (taken >= bytes.length) {
    throw new NonConformance(`the server took all ${mib(bytes.length)} while client ${name} read nothing: its buffering is unbounded`);
  }
  if (taken >= limit * MiB) {
    throw new NonConformance(`the server took ${mib(taken)} of ${mib(bytes.length)} while client ${name} read nothing (bound: ${limit} MiB)`);
  }
});

When('client {word} reads again and receives the echo of all of it intact while it sends the rest and closes its sending side',
  async function (this: EchoWorld, name: string) {
    const driver = this.client(name);
    const { bytes, offered } = this.offer!;
    driver.resumeReading();
    const sending = driver.write(bytes.subarray(offered), { pieceSize: 64 * 1024 }).then(() => driver.end());
    await Promise.all([sending, receiveEcho(this, driver, bytes, `the echo of ${bytes.length / MiB} MiB`)]);
  });

// ---- the reference server and client --------------------------------------------------------

defineReferenceServerSteps('echo', (options) => startEchoServer({ port: 0, ...options }));

Given('a scripted echo server that never answers', async function (this: EchoWorld) {
  keepReference(this, await listenTcp((socket) => socket.pause()));
});

Given('a scripted echo server that resets on the first bytes', async function (this: EchoWorld) {
  keepReference(this, await listenTcp((socket) => socket.once('data', () => socket.resetAndDestroy())));
});

async function runClient(world: EchoWorld, text: string, timeoutMs = world.timeoutMs): Promise<void> {
  try {
    world.result = await echoOnce(world.reference!.host, world.reference!.port, unescapeBytes(text), { timeoutMs });
  } catch (err) {
    world.failure = err as Error;
  }
}

When('the reference echo client sends {string} to it', async function (this: EchoWorld, text: string) {
  await runClient(this, text);
});

When('the reference echo client sends {string} to it with a timeout of {int} ms', async function (this: EchoWorld, text: string, ms: number) {
  await runClient(this, text, ms);
});

Then('the echo client reported the server\'s address as the lecture prints it', function (this: EchoWorld) {
  assert.equal(this.failure, undefined, `the client failed: ${this.failure?.message}`);
  assert.equal(formatPeer(this.result!.peer), `('127.0.0.1', ${this.reference!.port})`);
});

Then('the echo client received {string}', function (this: EchoWorld, text: string) {
  assert.equal(this.failure, undefined, `the client failed: ${this.failure?.message}`);
  assert.equal(escapeBytes(this.result!.received), escapeBytes(unescapeBytes(text)));
});

Then('the echo client failed with a {word}', function (this: EchoWorld, type: string) {
  assert.ok(this.failure, 'the client did not fail');
  assert.equal(this.failure.name, type, `failed with ${this.failure.name}: ${this.failure.message}`);
});

When('`wireproof client echo {}` runs against it', async function (this: EchoWorld, text: string) {
  const bin = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');
  this.cliOutput = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [bin, 'client', 'echo', '--port', String(this.reference!.port), text], { timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
});

Then('it printed {string} with the server\'s port, then {string}', function (this: EchoWorld, connected: string, received: string) {
  const expected = [connected.replace('PORT', String(this.reference!.port)), received];
  assert.deepEqual(this.cliOutput!.trimEnd().split('\n'), expected);
});
