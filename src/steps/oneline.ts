/** Steps of the oneline features beyond the raw wire steps: the reference server, client and CLI. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import net from 'node:net';
import { lineParse } from '../conform/driver';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { NonConformance } from '../conform/errors';
import { listenTcp, type RunningServer } from '../impl/common/net';
import { OnelineClient } from '../impl/oneline/client';
import { startOnelineServer, type OnelineServerOptions } from '../impl/oneline/server';
import { resolveServeOptions } from '../cli/serve';
import { expectBoundTo, expectClosedResolves, expectReportedPortAccepts } from './reference';
import { expectLine } from './wire';
import type { WireWorld } from './world';

/** What the oneline scenarios keep beside the raw clients. */
interface OnelineWorld extends WireWorld {
  reference?: RunningServer;
  scripted?: RunningServer;
  refClient?: OnelineClient;
  responses?: string[];
  failure?: Error;
}

async function startReference(world: OnelineWorld, options: OnelineServerOptions) {
  const server = await startOnelineServer({ port: 0, ...options });
  world.reference = server;
  world.cleanups.push(() => server.close());
}

Given('a reference oneline server on an ephemeral port', async function (this: OnelineWorld) {
  await startReference(this, {});
});

Given('a reference oneline server on {string} and an ephemeral port', async function (this: OnelineWorld, host: string) {
  await startReference(this, { host });
});

Given('a reference oneline server with a maximum packet of {int} bytes', async function (this: OnelineWorld, max: number) {
  await startReference(this, { maxPacket: max });
});

When('client {word} connects to the reference server', async function (this: OnelineWorld, name: string) {
  await this.connect(name, { host: this.reference!.host, port: this.reference!.port });
});

Then('the reference server is bound to {string}', async function (this: OnelineWorld, host: string) {
  await expectBoundTo(this.reference!, host);
});

Then('the reference server reports a port above 0 that accepts connections', async function (this: OnelineWorld) {
  await expectReportedPortAccepts(this, this.reference!);
});

Then('the reference server\'s closed promise resolves', async function (this: OnelineWorld) {
  await expectClosedResolves(this, this.reference!);
});

Then('`wireproof serve oneline` without --port would listen on {word}', function (this: OnelineWorld, where: string) {
  const { host, port } = resolveServeOptions('oneline', {});
  assert.equal(`${host}:${port}`, where);
});

// ---- raw-client observations specific to oneline ---------------------------------------

Then('the lines client {word} receives within {int} ms are not just {string} twice',
  async function (this: OnelineWorld, name: string, ms: number, text: string) {
    const received = await this.client(name).settle(this.quietMs(ms));
    const lines = received.toString('latin1').split('\n').slice(0, -1);
    if (lines.length === 2 && lines.every((l) => l === text)) {
      throw new NonConformance(`"ping\\r" was answered as "ping": the CR was stripped (received ${JSON.stringify(lines)})`);
    }
  });

Then('client {word} does not receive the line {string} before {string}',
  async function (this: OnelineWorld, name: string, bad: string, until: string) {
    // One timeout for all the lines before it: a target that floods lines is not waited out line by line.
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new NonConformance(`expected the line "${until}" within ${this.timeoutMs} ms; received other lines only`);
      const line = await this.client(name).read(lineParse, left, `the line "${until}"`);
      if (line.toString() === bad) throw new NonConformance(`received "${bad}" before "${until}"`);
      if (line.toString() === until) return;
    }
  });

Then('what client {word} receives before the close is recorded', async function (this: OnelineWorld, name: string) {
  const driver = this.client(name);
  const how = await driver.expectClosed(this.timeoutMs, 'expected the target to close after "disconnect"');
  const got = driver.unread;
  this.observe(got.length === 0
    ? `closed (${how}) without answering the packets after "disconnect"`
    : `answered "${escapeBytes(got)}" after "disconnect", then closed (${how})`);
});

Then('client {word} receives "line 1" to "line {int}"', async function (this: OnelineWorld, name: string, n: number) {
  for (let i = 1; i <= n; i++) await expectLine(this, name, Buffer.from(`line ${i}`));
});

Then('client {word} receives a line of {int} bytes of {string}', async function (this: OnelineWorld, name: string, n: number, fill: string) {
  await expectLine(this, name, Buffer.alloc(n, unescapeBytes(fill)));
});

Then('client {word} receives a line of {string} and {int} bytes of {string}',
  async function (this: OnelineWorld, name: string, head: string, n: number, fill: string) {
    await expectLine(this, name, Buffer.concat([unescapeBytes(head), Buffer.alloc(n, unescapeBytes(fill))]));
  });

// ---- the reference client against reference and scripted servers ----------------------

/** Scripted servers: each misbehaves in one way the reference client must survive. */
const SCRIPTS: Record<string, (socket: net.Socket, arg: { text?: string; size?: number }) => void> = {
  'never answers': (socket) => socket.resume(),
  'closes on the first packet': (socket) => socket.once('data', () => socket.end()),
  'answers every packet': (socket, { text, size }) => {
    const answer = unescapeBytes(text!);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
        pending = pending.slice(lf + 1);
        for (let at = 0; at < answer.length; at += size!) socket.write(answer.subarray(at, at + size!));
      }
    });
  },
};

async function startScripted(world: OnelineWorld, script: string, arg: { text?: string; size?: number } = {}) {
  const server = await listenTcp((socket) => SCRIPTS[script](socket, arg));
  world.scripted = server;
  world.cleanups.push(() => server.close());
}

Given('a scripted server that never answers', async function (this: OnelineWorld) {
  await startScripted(this, 'never answers');
});

Given('a scripted server that closes on the first packet', async function (this: OnelineWorld) {
  await startScripted(this, 'closes on the first packet');
});

Given('a scripted server that answers every packet with {string} in {int}-byte writes',
  async function (this: OnelineWorld, text: string, size: number) {
    await startScripted(this, 'answers every packet', { text, size });
  });

async function connectClient(world: OnelineWorld, timeoutMs?: number): Promise<OnelineClient> {
  const server = world.scripted ?? world.reference!;
  const client = await OnelineClient.connect(server.host, server.port, { timeoutMs: timeoutMs ?? world.timeoutMs });
  world.cleanups.push(() => client.close());
  return client;
}

Given('a reference client connected to it', async function (this: OnelineWorld) {
  this.refClient = await connectClient(this);
});

Given('a reference client connected to it with a timeout of {int} ms', async function (this: OnelineWorld, ms: number) {
  this.refClient = await connectClient(this, ms);
});

async function attempt(world: OnelineWorld, call: () => Promise<unknown>) {
  try {
    await call();
  } catch (err) {
    world.failure = err as Error;
  }
}

When('the client sends {string} expecting {int} responses', async function (this: OnelineWorld, command: string, n: number) {
  await attempt(this, async () => { this.responses = await this.refClient!.send(command, { expect: n }); });
});

When('the client sends {string} with a quiet period of {int} ms', async function (this: OnelineWorld, command: string, ms: number) {
  this.responses = await this.refClient!.send(command, { quietMs: ms });
});

When('the client calls {word}', async function (this: OnelineWorld, method: string) {
  const client = this.refClient!;
  const calls: Record<string, () => Promise<void>> = {
    ping: () => client.ping(),
    disconnect: () => client.disconnect(),
    shutdown: () => client.shutdown(),
  };
  await attempt(this, calls[method]);
});

When('a second reference client connects and calls ping', async function (this: OnelineWorld) {
  assert.equal(this.failure, undefined, `an earlier call failed: ${this.failure?.message}`);
  this.refClient = await connectClient(this);
  await this.refClient.ping();
});

When('the second client calls shutdown', async function (this: OnelineWorld) {
  await this.refClient!.shutdown();
});

Then('the responses are {string}', function (this: OnelineWorld, joined: string) {
  assert.equal(this.failure, undefined, `the call failed: ${this.failure?.message}`);
  assert.deepEqual(this.responses, joined.split(','));
});

Then('the call fails with a {word}', function (this: OnelineWorld, type: string) {
  assert.ok(this.failure, 'the call did not fail');
  assert.equal(this.failure.name, type, `failed with ${this.failure.name}: ${this.failure.message}`);
});
