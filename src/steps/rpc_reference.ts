/** Steps of the rpc features for the reference server, the reference proxy and `wireproof client rpc`. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { HOSTILE_SERPENT } from '../conform/rpc/hostile';
import { inJson, type Rewrite, startRelay, withHeader } from '../conform/rpc/relay';
import { describeValue, invokeMessage } from '../conform/rpc/wire';
import { PROJECT_ROOT } from '../conform/srs';
import { listenTcp } from '../impl/common/net';
import { RemoteError } from '../impl/rpc/json';
import type { DaemonOptions } from '../impl/rpc/daemon';
import { MSG_INVOKE, MSG_RESULT, pyroMessage } from '../impl/rpc/message';
import { type BatchCall, createProxy, kwargs, type RemoteObject } from '../impl/rpc/proxy';
import { decodeSerpent, SerpentDecodeError, serpentLiteral } from '../impl/rpc/serpent';
import { SERPENT_SERIALIZER, serializerByName, type SerializerName } from '../impl/rpc/serializers';
import { startRpcServer, type RunningRpcServer } from '../impl/rpc/serve';
import { ECHO_OBJECT_ID } from '../impl/rpc/testobject';
import { NAMESERVER_OBJECT_ID, PyroURI } from '../impl/rpc/uri';
import { defineReferenceServerSteps } from './reference';
import { expectReply, expectValue, json, jsonDict, jsonList, nextReply, openClient, rpcClient, type RpcWorld } from './rpc';

const reference = (world: RpcWorld) => world.reference as RunningRpcServer;

// ---- the reference server -------------------------------------------------------------------------

defineReferenceServerSteps('rpc', (options) => startRpcServer({ port: 0, ...options }));

async function keepReference(world: RpcWorld, options: DaemonOptions) {
  const server = await startRpcServer({ port: 0, ...options });
  world.reference = server;
  world.cleanups.push(() => server.close());
}

Given('a reference rpc server with a maximum message of {int} bytes', async function (this: RpcWorld, max: number) {
  await keepReference(this, { maxMessageSize: max });
});

Given('a reference rpc server accepting only {word}', async function (this: RpcWorld, serializer: string) {
  await keepReference(this, { serializers: [serializer as SerializerName] });
});

Given('client {word} is connected to the reference server\'s wireproof.echo daemon', async function (this: RpcWorld, name: string) {
  const { host, port } = reference(this).echoUri;
  await openClient(this, name, { host: host!, port: port! });
});

When('rpc client {word} calls echo in serializer {int}, which wireproof does not speak', async function (this: RpcWorld, name: string, id: number) {
  const connection = rpcClient(this, name);
  await connection.send(pyroMessage(MSG_INVOKE, connection.nextSeq(), Buffer.from('not read'), { serializerId: id }));
});

Given('rpc client {word} is connected to the reference server\'s wireproof.echo', async function (this: RpcWorld, name: string) {
  const { host, port } = reference(this).echoUri;
  await (await openClient(this, name, { host: host!, port: port! })).handshake(ECHO_OBJECT_ID);
});

Given('rpc client {word} is connected to the reference server\'s wireproof.echo in {word}', async function (this: RpcWorld, name: string, serializer: string) {
  const { host, port } = reference(this).echoUri;
  const connection = await openClient(this, name, { host: host!, port: port! });
  connection.serializer = serializerByName(serializer);
  await connection.handshake(ECHO_OBJECT_ID);
});

When('rpc client {word} calls echo in a message of {int} bytes', async function (this: RpcWorld, name: string, size: number) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  const empty = invokeMessage(seq, ECHO_OBJECT_ID, 'echo', ['']).data.length;
  this.noted = 'y'.repeat(size - empty);
  await connection.send(invokeMessage(seq, ECHO_OBJECT_ID, 'echo', [this.noted]));
  expectReply(this, name, seq, `echo() in a message of ${size} bytes`);
});

Then('rpc client {word} gets that value back', async function (this: RpcWorld, name: string) {
  expectValue(await nextReply(this, name), this.noted, 'echo()');
});

When('the reference rpc server closes as the first reply to rpc client {word} arrives', async function (this: RpcWorld, name: string) {
  const connection = rpcClient(this, name);
  const first = this.pending!.get(name)![0];
  this.pending!.get(name)!.shift();
  const reply = await connection.result(first.seq, first.what);
  void reference(this).close();
  expectValue(reply, json('"0"'), 'the first call');
});

Then('the command printed the name server URI and the wireproof.echo URI', function (this: RpcWorld) {
  const output = this.command!.output();
  const { host, port } = this.command!;
  assert.match(output, new RegExp(`PYRO:${NAMESERVER_OBJECT_ID.replace('.', '\\.')}@${host}:${port}\\b`), output);
  assert.match(output, new RegExp(`PYRO:${ECHO_OBJECT_ID.replace('.', '\\.')}@${host}:\\d+`), output);
});

Given('rpc client {word} is connected to the name server at the port it printed', async function (this: RpcWorld, name: string) {
  const { host, port } = this.command!;
  await (await openClient(this, name, { host, port })).handshake(NAMESERVER_OBJECT_ID);
});

// ---- the reference proxy ----------------------------------------------------------------------------

/** `{ns}`, `{echo}`, `{relay}` and `{scripted}` in a URI become the locations of the scenario's servers. */
function uriOf(world: RpcWorld, template: string): string {
  const server = reference(world);
  return template
    .replace('{ns}', `${server.host}:${server.port}`)
    .replace('{echo}', server.echoUri.location!)
    .replace('{relay}', `${world.relay?.host}:${world.relay?.port}`)
    .replace('{scripted}', `${world.scripted?.host}:${world.scripted?.port}`);
}

function keepProxy(world: RpcWorld, uri: string, timeoutMs: number, serializer?: SerializerName): RemoteObject {
  const proxy = createProxy(uriOf(world, uri), { timeoutMs, serializer });
  world.proxy = proxy;
  world.cleanups.push(() => proxy.close());
  return proxy;
}

Given('a reference rpc proxy for {string}', function (this: RpcWorld, uri: string) {
  keepProxy(this, uri, this.timeoutMs);
});

Given('a reference rpc proxy for {string} with a timeout of {int} ms', function (this: RpcWorld, uri: string, ms: number) {
  keepProxy(this, uri, ms);
});

Given('a reference rpc proxy for {string} with serializer {word}', function (this: RpcWorld, uri: string, serializer: string) {
  keepProxy(this, uri, this.timeoutMs, serializer as SerializerName);
});

When('the proxy runs the batch {string}', async function (this: RpcWorld, calls: string) {
  await proxyCall(this, () => this.proxy!.$pyro.batch(jsonList(calls) as BatchCall[]));
});

async function proxyCall(world: RpcWorld, run: () => Promise<unknown>) {
  const started = Date.now();
  try {
    world.outcome = { value: await run(), ms: Date.now() - started };
  } catch (error) {
    world.outcome = { error: error as Error, ms: Date.now() - started };
  }
}

When('the proxy calls {word} with {string}', async function (this: RpcWorld, method: string, args: string) {
  await proxyCall(this, () => this.proxy![method](...jsonList(args)));
});

When('the proxy calls {word} with the keywords {string}', async function (this: RpcWorld, method: string, kw: string) {
  await proxyCall(this, () => this.proxy![method](kwargs(jsonDict(kw))));
});

When('the proxy calls {word} with {string} and a call timeout of {int} ms', async function (this: RpcWorld, method: string, args: string, ms: number) {
  await proxyCall(this, () => this.proxy!.$pyro.call(method, jsonList(args), {}, { timeoutMs: ms }));
});

When('the proxy is closed', async function (this: RpcWorld) {
  await this.proxy!.close();
});

Then('the proxy call returns {string}', function (this: RpcWorld, want: string) {
  assert.equal(this.outcome!.error, undefined, `the call failed: ${this.outcome!.error?.message}`);
  assert.deepStrictEqual(this.outcome!.value, json(want));
});

Then('the proxy call returns nothing, without waiting for a reply', function (this: RpcWorld) {
  assert.equal(this.outcome!.error, undefined, `the call failed: ${this.outcome!.error?.message}`);
  assert.equal(this.outcome!.value, undefined, 'a oneway call resolves with undefined; a reply would have been null');
});

Then('the proxy call fails with a {word}', function (this: RpcWorld, type: string) {
  const { error } = this.outcome!;
  assert.ok(error, `the call did not fail: it returned ${describeValue(this.outcome!.value)}`);
  assert.equal(error.name, type, `failed with ${error.name}: ${error.message}`);
});

Then('the proxy call failed within {int} ms', function (this: RpcWorld, ms: number) {
  assert.ok(this.outcome!.error, 'the call did not fail');
  assert.ok(this.outcome!.ms <= ms, `it took ${this.outcome!.ms} ms`);
});

Then('the remote error is a {word} with args {string} and a remote traceback mentioning {string}',
  function (this: RpcWorld, pythonClass: string, args: string, mention: string) {
    const error = this.outcome!.error;
    assert.ok(error instanceof RemoteError, `expected a RemoteError, got ${error?.name}: ${error?.message}`);
    assert.equal(error.pythonClass, pythonClass);
    assert.deepStrictEqual(error.args, jsonList(args));
    assert.ok(error.remoteTraceback.length > 0, 'no remote traceback');
    assert.match(error.remoteTraceback.join(''), new RegExp(mention));
    assert.match(String(error.stack), /Remote traceback/);
  });

/** Relays that make the reference daemon misbehave in one way, for the proxy to notice, or that watch what passes. */
const RELAYS: Record<string, (world: RpcWorld) => Rewrite> = {
  'counts connections': () => (message) => message,
  'answers with the wrong seq': () => (message, direction) =>
    direction === 'toClient' && message.readUInt16BE(6) === MSG_RESULT ? withHeader(message, { seq: message.readUInt16BE(10) + 1 }) : message,
  'answers serpent calls in json': () => (message, direction) =>
    direction === 'toClient' && message.readUInt16BE(6) === MSG_RESULT && message.readUInt16BE(16) === SERPENT_SERIALIZER.id ? inJson(message) : message,
  'records the serializers': (world) => (message) => {
    (world.serializersSeen ??= []).push(message.readUInt16BE(16));
    return message;
  },
};

async function relayInFront(world: RpcWorld, upstream: { host: string; port: number }, behaviour: string) {
  const rewrite = RELAYS[behaviour];
  if (!rewrite) throw new Error(`no relay that "${behaviour}" (known: ${Object.keys(RELAYS).join('; ')})`);
  const relay = await startRelay(upstream, rewrite(world));
  world.relay = relay;
  world.cleanups.push(() => relay.close());
}

Given('a relay in front of wireproof.echo that {}', async function (this: RpcWorld, behaviour: string) {
  const { host, port } = reference(this).echoUri;
  await relayInFront(this, { host: host!, port: port! }, behaviour);
});

Given('a relay in front of the name server that {}', async function (this: RpcWorld, behaviour: string) {
  await relayInFront(this, { host: reference(this).host, port: reference(this).port }, behaviour);
});

Then('every message through the relay was in serializer {int}', function (this: RpcWorld, id: number) {
  const seen = this.serializersSeen ?? [];
  assert.ok(seen.length >= 4, `only ${seen.length} messages passed the relay`);
  assert.deepEqual([...new Set(seen)], [id], `serializer ids seen: ${seen.join(', ')}`);
});

Then('the relay saw {int} connection(s)', function (this: RpcWorld, count: number) {
  assert.equal(this.relay!.connections, count);
});

Given('a scripted rpc server that accepts and never answers', async function (this: RpcWorld) {
  const server = await listenTcp((socket) => socket.resume());
  this.scripted = server;
  this.cleanups.push(() => server.close());
});

When('the URI {string} is parsed', function (this: RpcWorld, text: string) {
  try {
    this.outcome = { value: PyroURI.parse(text), ms: 0 };
  } catch (error) {
    this.outcome = { error: error as Error, ms: 0 };
  }
});

Then('it is a {word} URI of {string} at {string} and prints back as {string}',
  function (this: RpcWorld, protocol: string, object: string, location: string, text: string) {
    const uri = this.outcome!.value as PyroURI;
    assert.ok(uri, `refused: ${this.outcome!.error?.message}`);
    assert.equal(uri.protocol, protocol);
    assert.equal(uri.object, object);
    assert.equal(uri.location ?? '', location);
    assert.equal(uri.toString(), text);
  });

Then('the URI is refused', function (this: RpcWorld) {
  assert.ok(this.outcome!.error, `accepted as ${String(this.outcome!.value)}`);
});

// ---- the CLI client --------------------------------------------------------------------------------

async function runClientRpc(world: RpcWorld, options: string[], args: string): Promise<void> {
  const bin = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');
  const uri = `PYRONAME:${ECHO_OBJECT_ID}@${reference(world).host}:${reference(world).port}`;
  world.cli = await new Promise((resolve) => {
    execFile(process.execPath, [bin, 'client', 'rpc', ...options, uri, ...args.split(' ')], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
    });
  });
}

When('`wireproof client rpc` calls {string} on the reference server\'s wireproof.echo', async function (this: RpcWorld, args: string) {
  await runClientRpc(this, [], args);
});

When('`wireproof client rpc --serializer {word}` calls {string} on the reference server\'s wireproof.echo', async function (this: RpcWorld, serializer: string, args: string) {
  await runClientRpc(this, ['--serializer', serializer], args);
});

Then('it exits {int}, printing {string}', function (this: RpcWorld, code: number, text: string) {
  assert.equal(this.cli!.code, code, this.cli!.output);
  assert.ok(this.cli!.output.includes(text), `"${text}" not in: ${this.cli!.output}`);
});

Then('what it printed holds the remote traceback', function (this: RpcWorld) {
  assert.match(this.cli!.output, /Traceback|at EchoObject\.fail|fail/);
  assert.match(this.cli!.output, /remote traceback/i);
});


// ---- the reference serpent codec --------------------------------------------------------------

When(/^the reference serpent codec reads and writes again: (.*)$/, function (this: RpcWorld, literal: string) {
  this.outcome = { value: serpentLiteral(decodeSerpent(Buffer.from(literal))), ms: 0 };
});

Then(/^it writes the serpent text: (.*)$/, function (this: RpcWorld, text: string) {
  assert.equal(this.outcome!.value, text);
});

When('the reference serpent codec reads the hostile serpent body {string}', function (this: RpcWorld, what: string) {
  const body = HOSTILE_SERPENT[what];
  if (!body) throw new Error(`no hostile serpent body named ${JSON.stringify(what)}`);
  try {
    this.outcome = { value: decodeSerpent(body), ms: 0 };
  } catch (error) {
    this.outcome = { error: error as Error, ms: 0 };
  }
});

Then('it refuses it at byte {int}, saying {string}', function (this: RpcWorld, offset: number, why: string) {
  const { error } = this.outcome!;
  assert.ok(error instanceof SerpentDecodeError, `read as ${describeValue(this.outcome!.value)}, or failed otherwise: ${String(error)}`);
  assert.equal(error.offset, offset, error.message);
  assert.ok(error.message.includes(why), error.message);
});
