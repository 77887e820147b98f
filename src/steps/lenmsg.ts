/**
 * Steps of the lenmsg features. Against a central under test the suite plays remotes:
 * "lenmsg remote A" is a server of the suite's own plus raw client A to the central.
 * The reference central, remote, client and CLI have steps of their own below.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { unescapeBytes } from '../conform/bytes-text';
import type { Endpoint, WriteOptions } from '../conform/driver';
import { NonConformance, Unsupported } from '../conform/errors';
import { dataFrame, lengthHeader, preview, rawFrame, SuiteRemote } from '../conform/lenmsg/remote';
import { session } from '../conform/session';
import { PROJECT_ROOT } from '../conform/srs';
import { TimeoutError, withTimeout } from '../impl/common/errors';
import { startCentral } from '../impl/lenmsg/central';
import { LenmsgClient } from '../impl/lenmsg/client';
import { AsyncQueue } from '../impl/common/queue';
import { isErrorBody } from '../impl/lenmsg/messages';
import { startRemote, type LenmsgRemote, type RemoteStopReason } from '../impl/lenmsg/remote';
import { startLenmsgServer, type LenmsgServer } from '../impl/lenmsg/server';
import { defineReferenceServerSteps, keepReference, type ReferenceWorld } from './reference';

/** Scheduling slack allowed on top of a heartbeat interval (scaled with --timeout-scale). */
const HEARTBEAT_SLACK_MS = 250;

/** `reference` (src/steps/reference.ts) is a reference central the scenario started. */
interface LenmsgWorld extends ReferenceWorld {
  remotes?: Map<string, SuiteRemote>;
  /** Set by `wireproof ... is running` (src/steps/cli.ts). */
  command?: { child: ChildProcess; host: string; port: number };
  /** A scripted central: a bare lenmsg server recording what it receives. */
  scripted?: { server: LenmsgServer; messages: AsyncQueue<unknown>; disconnects: AsyncQueue<number> };
  refRemote?: LenmsgRemote;
  refClient?: LenmsgClient;
  failure?: Error;
  output?: { code: number | null; stdout: string; stderr: string };
}

const parseJson = (text: string): unknown => JSON.parse(text);

function remoteOf(world: LenmsgWorld, name: string): SuiteRemote {
  const remote = world.remotes?.get(name);
  if (!remote) throw new Error(`no lenmsg remote named "${name}" in this scenario`);
  return remote;
}

/** Starts remote `name`'s server, connects its client `name` to `endpoint` and sends the hello. */
async function sayHello(world: LenmsgWorld, name: string, endpoint: Endpoint, options?: WriteOptions): Promise<void> {
  const remote = await SuiteRemote.start(name, world.trace, world.timeoutMs, { central: endpoint, caseName: world.caseName });
  world.cleanups.push(() => remote.close());
  (world.remotes ??= new Map()).set(name, remote);
  const client = await world.connect(name, endpoint);
  await client.write(remote.helloFrame(), options);
}

/** A wait of the reference implementation that runs out is its failure (FAIL), not the suite's (ERROR). */
async function expectWithin<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TimeoutError) throw new NonConformance(err.message);
    throw err;
  }
}

async function attempt(world: LenmsgWorld, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    world.failure = err as Error;
  }
}

// ---- the suite as remotes of the central under test ---------------------------------------

Given('lenmsg remote {word} has said hello', async function (this: LenmsgWorld, name: string) {
  await sayHello(this, name, this.endpoint);
});

Given('lenmsg remote {word} has said hello in {int}-byte writes with {int} ms between them',
  async function (this: LenmsgWorld, name: string, size: number, gap: number) {
    await sayHello(this, name, this.endpoint, { pieceSize: size, delayMs: gap });
  });

Given('lenmsg remote {word} has said hello to the reference server', async function (this: LenmsgWorld, name: string) {
  await sayHello(this, name, { host: this.reference!.host, port: this.reference!.port });
});

Given('lenmsg remote {word} has said hello to the port it printed', async function (this: LenmsgWorld, name: string) {
  await sayHello(this, name, { host: this.command!.host, port: this.command!.port });
});

When('lenmsg remote {word} says hello again from client {word}', async function (this: LenmsgWorld, name: string, client: string) {
  const remote = remoteOf(this, name);
  const driver = await this.connect(client);
  await driver.write(remote.helloFrame()); // a new id, the same server: the central connects back to it again
});

When('client {word} sends the lenmsg data {string}', async function (this: LenmsgWorld, name: string, body: string) {
  await this.client(name).write(dataFrame(parseJson(body)));
});

When('client {word} sends the lenmsg data {string} in {int}-byte writes with {int} ms between them',
  async function (this: LenmsgWorld, name: string, body: string, size: number, gap: number) {
    await this.client(name).write(dataFrame(parseJson(body)), { pieceSize: size, delayMs: gap });
  });

When('client {word} sends the lenmsg data messages {string} in one write', async function (this: LenmsgWorld, name: string, bodies: string) {
  await this.client(name).write(Buffer.concat((parseJson(bodies) as unknown[]).map(dataFrame)));
});

When('client {word} sends the lenmsg data messages {string} in {int}-byte writes',
  async function (this: LenmsgWorld, name: string, bodies: string, size: number) {
    await this.client(name).write(Buffer.concat((parseJson(bodies) as unknown[]).map(dataFrame)), { pieceSize: size });
  });

When('client {word} sends the lenmsg data of {int} characters of {string}', async function (this: LenmsgWorld, name: string, n: number, fill: string) {
  await this.client(name).write(dataFrame(fill.repeat(n)));
});

When('client {word} sends a lenmsg frame holding {string}', async function (this: LenmsgWorld, name: string, body: string) {
  await this.client(name).write(rawFrame(unescapeBytes(body)));
});

When('client {word} sends a lenmsg header announcing {int} bytes', async function (this: LenmsgWorld, name: string, length: number) {
  await this.client(name).write(lengthHeader(length));
});

When('client {word} sends a lenmsg header announcing {int} more bytes than the data {string}, then that data',
  async function (this: LenmsgWorld, name: string, extra: number, body: string) {
    const frame = dataFrame(parseJson(body));
    const header = lengthHeader(frame.length - 4 + extra);
    await this.client(name).write(Buffer.concat([header, frame.subarray(4)]));
  });

When('the lenmsg target is done with client {word}', async function (this: LenmsgWorld, name: string) {
  // What follows goes through another connection, which the central may serve first. A central
  // closes a connection it has read to the end: that close says it is done with this one. One that
  // keeps the half-closed connection open gets a quiet period instead.
  await this.client(name).closedWithin(this.quietMs(1000));
});

Then('the lenmsg target connects back to remote {word}', async function (this: LenmsgWorld, name: string) {
  await remoteOf(this, name).connectBack();
});

Then('lenmsg remote {word} receives the data {string}', async function (this: LenmsgWorld, name: string, body: string) {
  await remoteOf(this, name).expectEchoes([parseJson(body)]);
});

Then('lenmsg remote {word} receives the data messages {string}', async function (this: LenmsgWorld, name: string, bodies: string) {
  await remoteOf(this, name).expectEchoes(parseJson(bodies) as unknown[]);
});

Then('lenmsg remote {word} receives the data of {int} characters of {string}',
  async function (this: LenmsgWorld, name: string, n: number, fill: string) {
    await remoteOf(this, name).expectEchoes([fill.repeat(n)]);
  });

Then('the lenmsg target keeps client {word} open for {int} ms', async function (this: LenmsgWorld, name: string, ms: number) {
  const driver = this.client(name);
  const closed = await driver.closedWithin(this.quietMs(ms));
  if (closed) throw new NonConformance(`the central closed client ${name}'s connection (${closed}) within ${ms} ms`);
});

Then('lenmsg remote {word} receives {int} heartbeats with increasing seq, one per interval of {int} ms',
  async function (this: LenmsgWorld, name: string, count: number, intervalMs: number) {
    const remote = remoteOf(this, name);
    const limit = intervalMs + HEARTBEAT_SLACK_MS * session().timeoutScale;
    let previous = { at: await remote.connectBack(), seq: -Infinity, what: 'the connect-back' };
    for (let i = 1; i <= count; i++) {
      const wait = Math.max(0, limit - (performance.now() - previous.at));
      const beat = await remote.nextHeartbeat(wait, `heartbeat ${i} of ${count} at remote ${name} within ${Math.round(limit)} ms of ${previous.what}`);
      if (beat.at - previous.at > limit) {
        throw new NonConformance(`heartbeat ${i} at remote ${name} came ${Math.round(beat.at - previous.at)} ms after ${previous.what}, over ${Math.round(limit)} ms`);
      }
      if (!(beat.seq > previous.seq)) {
        throw new NonConformance(`heartbeat ${i} at remote ${name} has seq ${beat.seq}, not above the previous ${previous.seq}`);
      }
      previous = { at: beat.at, seq: beat.seq, what: `heartbeat ${i} (seq ${beat.seq})` };
    }
  });

Then('lenmsg remote {word} receives a shutdown', async function (this: LenmsgWorld, name: string) {
  await remoteOf(this, name).nextShutdown();
});

Then('the lenmsg target closes its connection to remote {word}', async function (this: LenmsgWorld, name: string) {
  await remoteOf(this, name).linkClosed();
});

Then('the lenmsg target has written nothing on client {word}', function (this: LenmsgWorld, name: string) {
  const unread = this.client(name).unread;
  if (unread.length > 0) {
    throw new NonConformance(`the central wrote ${unread.length} bytes on the connection remote ${name} opened; it must answer through its own client`);
  }
});

Then('whether lenmsg remote {word} receives the data {string} is recorded', async function (this: LenmsgWorld, name: string, body: string) {
  try {
    await remoteOf(this, name).expectEchoes([parseJson(body)]);
    this.observe(`ignored, and carried on: ${body} was echoed afterwards`);
  } catch (err) {
    const closed = this.client(name).isClosed;
    this.observe(closed ? 'closed the connection' : `neither echoed ${body} nor closed: ${(err as Error).message}`);
  }
});

When('the lenmsg target is stopped', async function (this: LenmsgWorld) {
  if (session().target.kind === 'external') {
    throw new Unsupported('the suite cannot stop a --target central; run it with --spawn (stopped with SIGTERM) to verify its shutdown');
  }
  await this.instance!.stop();
});

// ---- the reference central -----------------------------------------------------------------

defineReferenceServerSteps('lenmsg', (options) => startCentral({ port: 0, ...options }));

Given('a reference lenmsg server with a maximum message of {int} bytes', async function (this: LenmsgWorld, max: number) {
  keepReference(this, await startCentral({ port: 0, maxMessage: max }));
});

Given('a reference lenmsg server with a heartbeat interval of {int} ms', async function (this: LenmsgWorld, ms: number) {
  keepReference(this, await startCentral({ port: 0, heartbeatIntervalMs: ms }));
});

// ---- the reference remote and client against scripted and reference centrals --------------

/** A bare lenmsg server as the central: records every message, and never writes unless told to shut remotes down. */
async function startScripted(world: LenmsgWorld, { shutdownOnHello = false } = {}): Promise<void> {
  const messages = new AsyncQueue<unknown>();
  const disconnects = new AsyncQueue<number>();
  const server = await startLenmsgServer({
    onMessage: (message) => {
      messages.push(message);
      const hello = message as { type?: string; host?: string; port?: number };
      if (shutdownOnHello && hello.type === 'hello') {
        void LenmsgClient.connect(hello.host!, hello.port!, { timeoutMs: world.timeoutMs })
          .then(async (client) => { await client.send({ type: 'shutdown' }); await client.close(); });
      }
    },
    onDisconnect: (from) => disconnects.push(from.id),
  });
  world.scripted = { server, messages, disconnects };
  world.cleanups.push(() => server.close());
}

Given('a scripted lenmsg central that never writes', async function (this: LenmsgWorld) {
  await startScripted(this);
});

Given('a scripted lenmsg central that answers hello with shutdown', async function (this: LenmsgWorld) {
  await startScripted(this, { shutdownOnHello: true });
});

async function startRefRemote(world: LenmsgWorld, central: { host: string; port: number }, heartbeatIntervalMs: number): Promise<void> {
  const remote = await startRemote({ central, heartbeatIntervalMs, id: 'reference-remote', timeoutMs: world.timeoutMs });
  world.refRemote = remote;
  world.cleanups.push(() => remote.close());
}

When('a reference lenmsg remote with a heartbeat interval of {int} ms starts against the scripted lenmsg central',
  async function (this: LenmsgWorld, ms: number) {
    await startRefRemote(this, this.scripted!.server, ms);
  });

When('a reference lenmsg remote with a heartbeat interval of {int} ms starts against the reference server',
  async function (this: LenmsgWorld, ms: number) {
    await startRefRemote(this, this.reference!, ms);
  });

Then("the scripted lenmsg central's first message is the reference remote's hello with its server's address", async function (this: LenmsgWorld) {
  const first = await expectWithin(this.scripted!.messages.take(this.timeoutMs, 'the first message at the scripted central'));
  const remote = this.refRemote!;
  assert.deepEqual(first, { type: 'hello', id: remote.id, host: remote.address.host, port: remote.address.port });
  await this.connect('remote-server', remote.address); // the announced address is the remote's live server
});

Then('the reference lenmsg remote stops within {int} ms reporting {word}', async function (this: LenmsgWorld, ms: number, kind: string) {
  const remote = this.refRemote!;
  const reason: RemoteStopReason = await expectWithin(withTimeout(remote.closed, ms * session().timeoutScale, 'the reference remote stopping'));
  assert.equal(reason.kind, kind, `stopped: ${reason.message}`);
  await assert.rejects(LenmsgClient.connect(remote.address.host, remote.address.port, { timeoutMs: this.timeoutMs }), /ECONNREFUSED/,
    'its server still accepts connections');
  if (this.scripted) await expectWithin(this.scripted.disconnects.take(this.timeoutMs, 'the remote closing its client to the central'));
});

Then('the reference lenmsg remote is still running after {int} ms', async function (this: LenmsgWorld, ms: number) {
  let stopped: RemoteStopReason | undefined;
  void this.refRemote!.closed.then((reason) => { stopped = reason; });
  await new Promise((resolve) => setTimeout(resolve, ms)); // the claim is about time passing: nothing to wait on
  assert.equal(stopped, undefined, `it stopped: ${stopped?.message}`);
});

When('the reference lenmsg remote sends the error {word} {string}', async function (this: LenmsgWorld, type: string, message: string) {
  const ErrorType = (globalThis as unknown as Record<string, ErrorConstructor>)[type];
  await this.refRemote!.sendError(new ErrorType(message));
});

Then('the reference lenmsg remote receives an error body named {string} with the message {string}',
  async function (this: LenmsgWorld, name: string, message: string) {
    const body = await expectWithin(this.refRemote!.receive());
    assert.ok(isErrorBody(body), `not an error body: ${preview(body)}`);
    assert.deepEqual(Object.keys(body), ['error']);
    assert.deepEqual(Object.keys(body.error).sort(), ['message', 'name', 'stack']);
    assert.equal(body.error.name, name);
    assert.equal(body.error.message, message);
    assert.match(body.error.stack, new RegExp(`^${name}: ${message}\\n\\s+at `));
  });

When('the reference lenmsg remote waits for data with a timeout of {int} ms', async function (this: LenmsgWorld, ms: number) {
  await attempt(this, () => this.refRemote!.receive({ timeoutMs: ms }));
});

When('the reference lenmsg remote is closed and waits for data', async function (this: LenmsgWorld) {
  await this.refRemote!.close();
  await attempt(this, () => this.refRemote!.receive());
});

Given('a reference lenmsg client connected to the scripted lenmsg central with a maximum message of {int} bytes',
  async function (this: LenmsgWorld, max: number) {
    const { server } = this.scripted!;
    const client = await LenmsgClient.connect(server.host, server.port, { maxMessage: max, timeoutMs: this.timeoutMs });
    this.refClient = client;
    this.cleanups.push(() => client.close());
  });

Given('a reference lenmsg client connected to the reference server', async function (this: LenmsgWorld) {
  const client = await LenmsgClient.connect(this.reference!.host, this.reference!.port, { timeoutMs: this.timeoutMs });
  this.refClient = client;
  this.cleanups.push(() => client.close());
});

When('the reference lenmsg client sends the data {string}', async function (this: LenmsgWorld, body: string) {
  await attempt(this, () => this.refClient!.send({ type: 'data', body: parseJson(body) }));
});

When('the reference lenmsg client sends the data {string}, {string} and {string} without waiting',
  async function (this: LenmsgWorld, a: string, b: string, c: string) {
    await Promise.all([a, b, c].map((body) => this.refClient!.send({ type: 'data', body: parseJson(body) })));
  });

When('the reference lenmsg client waits for the server to close with a timeout of {int} ms', async function (this: LenmsgWorld, ms: number) {
  await attempt(this, () => this.refClient!.waitClosed({ timeoutMs: ms }));
});

When('the reference lenmsg client sees the server close, then sends the data {string}', async function (this: LenmsgWorld, body: string) {
  await this.refClient!.waitClosed();
  await attempt(this, () => this.refClient!.send({ type: 'data', body: parseJson(body) }));
});

Then('the scripted lenmsg central receives the data messages {string}', async function (this: LenmsgWorld, bodies: string) {
  for (const body of parseJson(bodies) as unknown[]) {
    assert.deepEqual(await expectWithin(this.scripted!.messages.take(this.timeoutMs, `the data ${preview(body)}`)), { type: 'data', body });
  }
});

Then('the lenmsg call fails with a {word}', function (this: LenmsgWorld, type: string) {
  assert.ok(this.failure, 'the call did not fail');
  assert.equal(this.failure.name, type, `failed with ${this.failure.name}: ${this.failure.message}`);
});

// ---- the client command ----------------------------------------------------------------------

When('`wireproof client lenmsg` runs against the reference server with the arguments {string} and {string}',
  async function (this: LenmsgWorld, first: string, second: string) {
    const bin = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');
    const args = ['client', 'lenmsg', '--port', String(this.reference!.port), '--timeout', String(this.timeoutMs), first, second];
    this.output = await new Promise((resolve) => {
      execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
    });
  });

Then('`wireproof client lenmsg` prints the lines {string} and {string} and exits 0', function (this: LenmsgWorld, first: string, second: string) {
  const { code, stdout, stderr } = this.output!;
  assert.equal(code, 0, `exit ${code}: ${stderr}`);
  assert.deepEqual(stdout.trimEnd().split('\n'), [first, second]);
});
