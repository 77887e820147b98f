/**
 * Steps of the rpc features against a target: the suite plays Pyro4 clients over raw
 * connections ("rpc client A": handshaken; "client A": raw bytes, see wire.ts). The
 * reference server, proxy and CLI have theirs in rpc_reference.ts.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import zlib from 'node:zlib';
import { unescapeBytes } from '../conform/bytes-text';
import type { Endpoint } from '../conform/driver';
import { NonConformance, Unsupported } from '../conform/errors';
import { corrupt, HOSTILE_SERPENT } from '../conform/rpc/hostile';
import type { startRelay } from '../conform/rpc/relay';
import {
  type CallReply, connectMessage, describeValue, exceptionOrClose, expectClosedAfterError, expectEchoServes, expectLast, invokeMessage,
  lookupEcho, messageName, replyValue, RpcConnection,
} from '../conform/rpc/wire';
import type { RunningServer } from '../impl/common/net';
import { ExceptionWrapper, decodeJson, RemoteError } from '../impl/rpc/json';
import {
  encodeMessage, FLAGS_BATCH, FLAGS_COMPRESSED, FLAGS_META_ON_CONNECT, FLAGS_ONEWAY, MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_PING,
  pyroMessage,
} from '../impl/rpc/message';
import { SERPENT_HEADER, decodeSerpent } from '../impl/rpc/serpent';
import { SERPENT_SERIALIZER, serializerByName } from '../impl/rpc/serializers';
import type { RemoteObject } from '../impl/rpc/proxy';
import { ECHO_OBJECT_ID } from '../impl/rpc/testobject';
import { DAEMON_OBJECT_ID, NAMESERVER_OBJECT_ID, PyroURI } from '../impl/rpc/uri';
import type { ReferenceWorld } from './reference';

export interface RpcWorld extends ReferenceWorld {
  /** Handshaken connections by client name (their drivers are also the world's raw clients). */
  rpc?: Map<string, RpcConnection>;
  /** Seqs sent by each client and not yet answered, oldest first. */
  pending?: Map<string, { seq: number; what: string }[]>;
  /** The last reply each client got. */
  replies?: Map<string, CallReply>;
  /** Where wireproof.echo lives, looked up once per scenario. */
  echoAt?: Endpoint;
  /** The seq and CORR of the last CONNECT or correlated call a raw client sent. */
  sent?: Map<string, { seq: number; corr?: Buffer }>;
  noted?: unknown;
  /** Set by `wireproof ... is running` (src/steps/cli.ts). */
  command?: { host: string; port: number; output: () => string };
  relay?: Awaited<ReturnType<typeof startRelay>>;
  scripted?: RunningServer;
  proxy?: RemoteObject;
  outcome?: { value?: unknown; error?: Error; ms: number };
  cli?: { code: number; output: string };
  /** The serializer id of every message a recording relay passed on. */
  serializersSeen?: number[];
}

/** Step arguments are Pyro4 json (big integers, NaN, ...), decoded as replies are. */
export const json = (text: string): unknown => decodeJson(Buffer.from(text));
export const jsonList = (text: string): unknown[] => {
  const value = json(text);
  if (!Array.isArray(value)) throw new Error(`expected a json list in the step, got ${text}`);
  return value;
};
export const jsonDict = (text: string) => json(text) as Record<string, unknown>;

async function echoEndpoint(world: RpcWorld): Promise<Endpoint> {
  return (world.echoAt ??= await lookupEcho(world.endpoint, world.trace, world.timeoutMs));
}

export function rpcClient(world: RpcWorld, name: string): RpcConnection {
  const connection = world.rpc?.get(name);
  if (!connection) throw new Error(`no rpc client named "${name}" in this scenario`);
  return connection;
}

/** A raw client of the world wrapped as an rpc connection (no handshake yet). */
export async function openClient(world: RpcWorld, name: string, endpoint: Endpoint): Promise<RpcConnection> {
  const connection = new RpcConnection(await world.connect(name, endpoint), world.timeoutMs);
  (world.rpc ??= new Map()).set(name, connection);
  return connection;
}

export function expectReply(world: RpcWorld, name: string, seq: number, what: string) {
  const list = (world.pending ??= new Map()).get(name) ?? [];
  list.push({ seq, what });
  world.pending.set(name, list);
}

/** The reply to the oldest unanswered request of the client. */
export async function nextReply(world: RpcWorld, name: string): Promise<CallReply> {
  const next = world.pending?.get(name)?.shift();
  if (!next) throw new Error(`rpc client ${name} has no request waiting for a reply`);
  const reply = await rpcClient(world, name).result(next.seq, next.what);
  (world.replies ??= new Map()).set(name, reply);
  return reply;
}

async function call(world: RpcWorld, name: string, method: string, params: unknown[], kw: Record<string, unknown> = {}, flags = 0) {
  const connection = rpcClient(world, name);
  const seq = await connection.invoke(method, params, kw, flags);
  if (!(flags & FLAGS_ONEWAY)) expectReply(world, name, seq, `${method}()`);
}

export function expectValue(reply: CallReply, want: unknown, what: string): void {
  if (reply.exception) throw new NonConformance(`${what} raised ${describeValue(reply.value)}, expected the result ${describeValue(want)}`);
  if (!isDeepStrictEqual(reply.value, want)) throw new NonConformance(`${what} returned ${describeValue(reply.value)}, expected ${describeValue(want)}`);
}

function expectException(reply: CallReply, pythonClass: string, args?: unknown[]): RemoteError {
  const error = reply.value;
  if (!reply.exception || !(error instanceof RemoteError)) {
    throw new NonConformance(`expected an exception ${pythonClass}, got ${reply.exception ? 'an exception reply holding' : 'the result'} ${describeValue(error)}`);
  }
  if (error.pythonClass !== pythonClass) throw new NonConformance(`expected the exception ${pythonClass}, got ${describeValue(error)}`);
  if (args && !isDeepStrictEqual(error.args, args)) throw new NonConformance(`expected ${pythonClass} with args ${describeValue(args)}, got ${describeValue(error)}`);
  return error;
}

// ---- connecting to the target ---------------------------------------------------------------

/** A handshaken client whose handshake and calls are in the serializer named (json or serpent). */
async function connectIn(world: RpcWorld, name: string, endpoint: Endpoint, objectId: string, serializer = 'json') {
  const connection = await openClient(world, name, endpoint);
  connection.serializer = serializerByName(serializer);
  await connection.handshake(objectId);
}

Given('rpc client {word} is connected to the name server', async function (this: RpcWorld, name: string) {
  await connectIn(this, name, this.endpoint, NAMESERVER_OBJECT_ID);
});

Given('rpc client {word} is connected to the name server in {word}', async function (this: RpcWorld, name: string, serializer: string) {
  await connectIn(this, name, this.endpoint, NAMESERVER_OBJECT_ID, serializer);
});

Given('rpc client {word} is connected to wireproof.echo', async function (this: RpcWorld, name: string) {
  await connectIn(this, name, await echoEndpoint(this), ECHO_OBJECT_ID);
});

Given('rpc client {word} is connected to wireproof.echo in {word}', async function (this: RpcWorld, name: string, serializer: string) {
  await connectIn(this, name, await echoEndpoint(this), ECHO_OBJECT_ID, serializer);
});

Given('rpc client {word} is connected to the daemon object of wireproof.echo\'s daemon in {word}', async function (this: RpcWorld, name: string, serializer: string) {
  await connectIn(this, name, await echoEndpoint(this), DAEMON_OBJECT_ID, serializer);
});

When('rpc client {word} speaks {word} from now on', function (this: RpcWorld, name: string, serializer: string) {
  rpcClient(this, name).serializer = serializerByName(serializer);
});

Given('client {word} is connected to the daemon of wireproof.echo', async function (this: RpcWorld, name: string) {
  await openClient(this, name, await echoEndpoint(this));
});

Then('the daemon of wireproof.echo serves a new connection', async function (this: RpcWorld) {
  await expectEchoServes(await echoEndpoint(this), this.trace, this.timeoutMs, 'after the case');
});

// ---- the handshake ------------------------------------------------------------------------------

async function sendConnect(world: RpcWorld, name: string, objectId: string, options: { flags?: number; serializerId?: number; serializer?: string } = {}) {
  const connection = rpcClient(world, name);
  const seq = connection.nextSeq();
  const serializer = serializerByName(options.serializer ?? 'json');
  const message = connectMessage(seq, objectId, options.flags ?? FLAGS_META_ON_CONNECT, serializer);
  await connection.send({ ...message, serializerId: options.serializerId ?? serializer.id });
  (world.sent ??= new Map()).set(name, { seq });
}

When('client {word} sends an rpc CONNECT for {string}', async function (this: RpcWorld, name: string, objectId: string) {
  await sendConnect(this, name, objectId);
});

When('client {word} sends an rpc CONNECT for {string} in {word}', async function (this: RpcWorld, name: string, objectId: string, serializer: string) {
  await sendConnect(this, name, objectId, { serializer });
});

When('client {word} sends an rpc CONNECT for {string} in {word} without the metadata flag', async function (this: RpcWorld, name: string, objectId: string, serializer: string) {
  await sendConnect(this, name, objectId, { flags: 0, serializer });
});

When('client {word} sends an rpc CONNECT with serializer id {int}', async function (this: RpcWorld, name: string, id: number) {
  await sendConnect(this, name, ECHO_OBJECT_ID, { serializerId: id });
});

When('client {word} sends an rpc PING without a body before any CONNECT', async function (this: RpcWorld, name: string) {
  const connection = rpcClient(this, name);
  await connection.send(pyroMessage(MSG_PING, connection.nextSeq(), Buffer.alloc(0)));
});

When('client {word} sends an rpc call of {word} with {string} before any CONNECT', async function (this: RpcWorld, name: string, method: string, params: string) {
  const connection = rpcClient(this, name);
  await connection.send(invokeMessage(connection.nextSeq(), ECHO_OBJECT_ID, method, jsonList(params)));
});

Then('client {word} receives an rpc CONNECTOK in {word} with the CONNECT\'s seq', async function (this: RpcWorld, name: string, serializer: string) {
  const reply = await rpcClient(this, name).next('CONNECTOK');
  if (reply.type !== MSG_CONNECTOK) throw new NonConformance(`the CONNECT was answered ${messageName(reply.type)}, expected CONNECTOK`);
  const { seq } = this.sent!.get(name)!;
  if (reply.seq !== seq) throw new NonConformance(`the CONNECTOK carries seq ${reply.seq}, the CONNECT had ${seq}`);
  const want = serializerByName(serializer);
  if (reply.serializerId !== want.id) throw new NonConformance(`the CONNECTOK is in serializer ${reply.serializerId}, the CONNECT was ${want.name} (${want.id})`);
  (this.replies ??= new Map()).set(name, { message: reply, exception: false, value: replyValue(reply) });
});

Then('the CONNECTOK of client {word} lists the methods {string} and the oneway methods {string}',
  async function (this: RpcWorld, name: string, methods: string, oneway: string) {
    const { message, value } = this.replies!.get(name)!;
    if (!(message.flags & FLAGS_META_ON_CONNECT)) throw new NonConformance('the CONNECTOK does not carry the META_ON_CONNECT flag');
    const meta = (value as { meta?: { methods?: unknown; oneway?: unknown; attrs?: unknown } } | null)?.meta;
    if (!meta || !Array.isArray(meta.methods) || !Array.isArray(meta.oneway) || !Array.isArray(meta.attrs)) {
      throw new NonConformance(`the CONNECTOK body is ${describeValue(value)}, expected {"handshake": ..., "meta": {"methods", "oneway", "attrs"}}`);
    }
    const sorted = (list: unknown[]) => [...list].map(String).sort();
    assert.deepEqual(sorted(meta.methods), sorted(jsonList(methods)), 'the exposed methods in the metadata');
    assert.deepEqual(sorted(meta.oneway), sorted(jsonList(oneway)), 'the oneway methods in the metadata');
  });

Then('client {word} receives an rpc CONNECTFAIL and is closed', async function (this: RpcWorld, name: string) {
  const connection = rpcClient(this, name);
  const reply = await connection.next('a CONNECTFAIL');
  if (reply.type !== MSG_CONNECTFAIL) throw new NonConformance(`expected CONNECTFAIL, got ${messageName(reply.type)}`);
  await connection.driver.expectClosed(this.timeoutMs, 'expected the target to close the connection after its CONNECTFAIL');
});

Then('client {word} is closed by the target, receiving at most an rpc CONNECTFAIL', async function (this: RpcWorld, name: string) {
  await expectClosedAfterError(this.client(name), this.timeoutMs, 'expected the target to close the connection');
});

// ---- hostile bytes ------------------------------------------------------------------------------

When('client {word} sends an rpc CONNECT with {string}', async function (this: RpcWorld, name: string, corruption: string) {
  const connection = rpcClient(this, name);
  await connection.driver.write(corrupt(connectMessage(connection.nextSeq(), ECHO_OBJECT_ID), corruption));
});

When('rpc client {word} sends a call with {string}', async function (this: RpcWorld, name: string, corruption: string) {
  const connection = rpcClient(this, name);
  await connection.driver.write(corrupt(invokeMessage(connection.nextSeq(), ECHO_OBJECT_ID, 'echo', ['corrupted']), corruption));
});

When('rpc client {word} sends a call of echo cut short after {int} bytes', async function (this: RpcWorld, name: string, bytes: number) {
  const connection = rpcClient(this, name);
  const message = encodeMessage(invokeMessage(connection.nextSeq(), ECHO_OBJECT_ID, 'echo', ['x'.repeat(100)]));
  await connection.driver.write(message.subarray(0, bytes));
});

// ---- calls --------------------------------------------------------------------------------------

When('rpc client {word} calls {word} with {string}', async function (this: RpcWorld, name: string, method: string, params: string) {
  await call(this, name, method, jsonList(params));
});

When('rpc client {word} calls the method {string} with {string}', async function (this: RpcWorld, name: string, method: string, params: string) {
  await call(this, name, method, jsonList(params));
});

When('rpc client {word} calls {word} with {string} and keywords {string}',
  async function (this: RpcWorld, name: string, method: string, params: string, kw: string) {
    await call(this, name, method, jsonList(params), jsonDict(kw));
  });

When('rpc client {word} calls {word} oneway with {string}', async function (this: RpcWorld, name: string, method: string, params: string) {
  await call(this, name, method, jsonList(params), {}, FLAGS_ONEWAY);
});

When('rpc client {word} calls {word} on the object {string}', async function (this: RpcWorld, name: string, method: string, objectId: string) {
  const connection = rpcClient(this, name);
  expectReply(this, name, await connection.invoke(method, [], {}, 0, objectId), `${method}() on "${objectId}"`);
});

When('rpc client {word} calls {word} with {string} in {int}-byte writes with {int} ms between them',
  async function (this: RpcWorld, name: string, method: string, params: string, size: number, gap: number) {
    const connection = rpcClient(this, name);
    const seq = connection.nextSeq();
    await connection.send(invokeMessage(seq, connection.objectId, method, jsonList(params), {}, 0, connection.serializer), { pieceSize: size, delayMs: gap });
    expectReply(this, name, seq, `${method}()`);
  });

/** `[[method, params], ...]` as INVOKE messages, each expecting its reply. */
async function sendCalls(world: RpcWorld, name: string, calls: string, pieceSize?: number) {
  const connection = rpcClient(world, name);
  const messages = jsonList(calls).map((entry) => {
    const [method, params] = entry as [string, unknown[]];
    const seq = connection.nextSeq();
    expectReply(world, name, seq, `${method}()`);
    return invokeMessage(seq, connection.objectId, method, params, {}, 0, connection.serializer);
  });
  await connection.send(messages, { pieceSize });
}

When('rpc client {word} sends the calls {string} in one write', async function (this: RpcWorld, name: string, calls: string) {
  await sendCalls(this, name, calls);
});

When('rpc client {word} sends the calls {string} in {int}-byte writes', async function (this: RpcWorld, name: string, calls: string, size: number) {
  await sendCalls(this, name, calls, size);
});

When('rpc client {word} sends a call whose body is {string}', async function (this: RpcWorld, name: string, body: string) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  await connection.send(pyroMessage(MSG_INVOKE, seq, unescapeBytes(body), { serializerId: connection.serializer.id }));
  expectReply(this, name, seq, 'a call with an undecodable body');
});

When('rpc client {word} sends the batch {string}', async function (this: RpcWorld, name: string, calls: string) {
  const connection = rpcClient(this, name);
  const { serializer } = connection;
  const seq = connection.nextSeq();
  const body = serializer.encodeCall({ object: connection.objectId, method: '<batch>', params: jsonList(calls), kwargs: null });
  await connection.send(pyroMessage(MSG_INVOKE, seq, body, { flags: FLAGS_BATCH, serializerId: serializer.id }));
  expectReply(this, name, seq, 'the batch');
});

When('rpc client {word} calls {word} with {string} compressed', async function (this: RpcWorld, name: string, method: string, params: string) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  const { data, serializerId } = invokeMessage(seq, connection.objectId, method, jsonList(params), {}, 0, connection.serializer);
  await connection.send(pyroMessage(MSG_INVOKE, seq, zlib.deflateSync(data), { flags: FLAGS_COMPRESSED, serializerId }));
  expectReply(this, name, seq, `the compressed ${method}()`);
});

When('rpc client {word} calls {word} with {string} and a correlation id', async function (this: RpcWorld, name: string, method: string, params: string) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  const corr = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const message = invokeMessage(seq, connection.objectId, method, jsonList(params), {}, 0, connection.serializer);
  await connection.send({ ...message, annotations: new Map([['CORR', corr]]) });
  (this.sent ??= new Map()).set(name, { seq, corr });
  expectReply(this, name, seq, `${method}() with a CORR annotation`);
});

When('rpc client {word} sends an rpc PING', async function (this: RpcWorld, name: string) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  await connection.send(pyroMessage(MSG_PING, seq, Buffer.from('ping'), { serializerId: connection.serializer.id }));
  (this.sent ??= new Map()).set(name, { seq });
});

Then('rpc client {word} receives the PING answer before any other reply', async function (this: RpcWorld, name: string) {
  const reply = await rpcClient(this, name).next('the answer to the PING');
  const { seq } = this.sent!.get(name)!;
  if (reply.type !== MSG_PING) throw new NonConformance(`the PING was answered ${messageName(reply.type)} seq ${reply.seq}, expected PING`);
  if (reply.seq !== seq) throw new NonConformance(`the PING answer carries seq ${reply.seq}, the PING had ${seq}`);
});

// ---- replies ------------------------------------------------------------------------------------

Then('rpc client {word} gets the result {string}', async function (this: RpcWorld, name: string, want: string) {
  expectValue(await nextReply(this, name), json(want), 'the call');
});

Then('rpc client {word} gets the results {string}', async function (this: RpcWorld, name: string, want: string) {
  for (const [i, value] of jsonList(want).entries()) expectValue(await nextReply(this, name), value, `call ${i + 1}`);
});

Then('rpc client {word} gets the exception {word}', async function (this: RpcWorld, name: string, pythonClass: string) {
  expectException(await nextReply(this, name), pythonClass);
});

Then('rpc client {word} gets the exception {word} with args {string}', async function (this: RpcWorld, name: string, pythonClass: string, args: string) {
  expectException(await nextReply(this, name), pythonClass, jsonList(args));
});

Then('rpc client {word} gets an exception of any class', async function (this: RpcWorld, name: string) {
  const reply = await nextReply(this, name);
  if (!reply.exception) throw new NonConformance(`expected an exception reply, got the result ${describeValue(reply.value)}`);
  this.observe(`answered ${describeValue(reply.value)}`);
});

Then('the exception body rpc client {word} got is encoded as Pyro4 encodes exceptions, with a remote traceback', function (this: RpcWorld, name: string) {
  const reply = this.replies!.get(name)!;
  const raw = replyValue(reply.message, { classes: false });
  const dict = raw as { __class__?: unknown; __exception__?: unknown; args?: unknown; attributes?: { _pyroTraceback?: unknown } };
  const traceback = dict.attributes?._pyroTraceback;
  if (typeof dict.__class__ !== 'string' || dict.__exception__ !== true || !Array.isArray(dict.args) ||
      !Array.isArray(traceback) || traceback.length === 0 || !traceback.every((line) => typeof line === 'string')) {
    throw new NonConformance(`the exception body ${describeValue(raw)} is not {"__class__", "__exception__": true, "args": [...], "attributes": {"_pyroTraceback": [lines]}}`);
  }
});

Then('rpc client {word} gets a batch result of {string}', async function (this: RpcWorld, name: string, want: string) {
  const reply = await nextReply(this, name);
  if (!(reply.message.flags & FLAGS_BATCH)) throw new NonConformance('the batch RESULT does not carry the BATCH flag');
  expectValue(reply, json(want), 'the batch');
});

Then('rpc client {word} gets a batch result of {string} and a wrapped {word}', async function (this: RpcWorld, name: string, want: string, pythonClass: string) {
  const reply = await nextReply(this, name);
  if (reply.exception || !Array.isArray(reply.value)) throw new NonConformance(`the batch answered ${describeValue(reply.value)}, expected a list`);
  const values = reply.value;
  const wrapped = values[values.length - 1];
  expectValue({ ...reply, value: values.slice(0, -1) }, json(want), 'the batch before the failing call');
  if (!(wrapped instanceof ExceptionWrapper) || !(wrapped.exception instanceof RemoteError) || wrapped.exception.pythonClass !== pythonClass) {
    throw new NonConformance(`the batch ends with ${describeValue(wrapped)}, expected a Pyro4.futures._ExceptionWrapper of ${pythonClass}`);
  }
});

Then('the reply of rpc client {word} carries the same correlation id', function (this: RpcWorld, name: string) {
  const got = this.replies!.get(name)!.message.annotations.get('CORR');
  const want = this.sent!.get(name)!.corr!;
  if (!got?.equals(want)) throw new NonConformance(`the reply's CORR is ${got ? got.toString('hex') : 'missing'}, the request's was ${want.toString('hex')}`);
});

Then('rpc client {word} eventually gets {string} from last\\()', async function (this: RpcWorld, name: string, want: string) {
  await expectLast(rpcClient(this, name), json(want), this.timeoutMs, 'after record()');
});

Then('rpc client {word} gets a PYRO URI of the object {string}', async function (this: RpcWorld, name: string, objectId: string) {
  const reply = await nextReply(this, name);
  const uri = reply.value;
  if (reply.exception || !(uri instanceof PyroURI) || uri.protocol !== 'PYRO' || uri.object !== objectId) {
    throw new NonConformance(`expected a PYRO URI of ${objectId} (a Pyro4.core.URI), got ${describeValue(uri)}`);
  }
});

Then('rpc client {word} gets the URI {string}', async function (this: RpcWorld, name: string, want: string) {
  const reply = await nextReply(this, name);
  if (reply.exception || !(reply.value instanceof PyroURI) || reply.value.toString() !== want) {
    throw new NonConformance(`expected the URI ${want} (a Pyro4.core.URI), got ${describeValue(reply.value)}`);
  }
});

Then('rpc client {word} gets a dict of URI strings whose names are {string}', async function (this: RpcWorld, name: string, names: string) {
  const reply = await nextReply(this, name);
  const dict = reply.value as Record<string, unknown>;
  if (reply.exception || typeof dict !== 'object' || dict === null || Array.isArray(dict)) throw new NonConformance(`expected a dict, got ${describeValue(dict)}`);
  assert.deepEqual(Object.keys(dict).sort(), (jsonList(names) as string[]).sort(), 'the names listed');
  for (const [key, value] of Object.entries(dict)) {
    if (typeof value !== 'string' || !/^PYRO:/i.test(value)) throw new NonConformance(`"${key}" is listed with ${describeValue(value)}, not a URI string`);
  }
});

Then('rpc client {word} gets a dict of URI strings including {string}', async function (this: RpcWorld, name: string, names: string) {
  const reply = await nextReply(this, name);
  const dict = reply.value as Record<string, unknown>;
  if (reply.exception || typeof dict !== 'object' || dict === null) throw new NonConformance(`expected a dict, got ${describeValue(dict)}`);
  for (const key of jsonList(names) as string[]) {
    if (typeof dict[key] !== 'string') throw new NonConformance(`"${key}" is not listed as a URI string in ${describeValue(dict)}`);
  }
});

/** Pyro.Daemon.get_metadata: the exposed methods as a set (json carries it as a list). */
Then('rpc client {word} gets metadata listing the methods {string}', async function (this: RpcWorld, name: string, methods: string) {
  const reply = await nextReply(this, name);
  const meta = reply.value as { methods?: unknown };
  if (reply.exception || !(Array.isArray(meta?.methods) || meta?.methods instanceof Set)) {
    throw new NonConformance(`expected metadata {"methods": [...]}, got ${describeValue(meta)}`);
  }
  assert.deepEqual([...meta.methods].map(String).sort(), (jsonList(methods) as string[]).sort());
});

Then('rpc client {word} gets a list including {string}', async function (this: RpcWorld, name: string, items: string) {
  const reply = await nextReply(this, name);
  if (reply.exception || !Array.isArray(reply.value)) throw new NonConformance(`expected a list, got ${describeValue(reply.value)}`);
  for (const item of jsonList(items)) if (!reply.value.includes(item)) throw new NonConformance(`${describeValue(item)} is not in ${describeValue(reply.value)}`);
});

When('rpc client {word} calls count and notes the result', async function (this: RpcWorld, name: string) {
  await call(this, name, 'count', []);
  const reply = await nextReply(this, name);
  if (reply.exception || typeof reply.value !== 'number') throw new NonConformance(`count() returned ${describeValue(reply.value)}`);
  this.noted = reply.value;
});

Then('rpc client {word} gets the noted count plus {int}', async function (this: RpcWorld, name: string, more: number) {
  expectValue(await nextReply(this, name), (this.noted as number) + more, 'count()');
});

Given('the rpc name server has no names starting with {string}', async function (this: RpcWorld, prefix: string) {
  const ns = await RpcConnection.open(this.endpoint, this.trace, this.timeoutMs);
  try {
    await ns.handshake(NAMESERVER_OBJECT_ID);
    await ns.value('remove', [], { prefix });
  } finally {
    ns.destroy();
  }
});

Then('rpc client {word} still gets echo results', async function (this: RpcWorld, name: string) {
  await call(this, name, 'echo', ['still here']);
  expectValue(await nextReply(this, name), 'still here', 'echo("still here")');
});

/** A MAY: a daemon that refuses compressed bodies answers with an exception, which is "not offered". */
Then('rpc client {word} gets the result {string}, or compression is not offered', async function (this: RpcWorld, name: string, want: string) {
  const reply = await nextReply(this, name);
  if (reply.exception) throw new Unsupported(`a compressed body was answered ${describeValue(reply.value)}`);
  expectValue(reply, json(want), 'the compressed call');
});


// ---- serpent ------------------------------------------------------------------------------------

/** A Python literal of a step (to the end of its line) as serpent's reader gives it. */
const serpentValueOf = (literal: string): unknown => decodeSerpent(Buffer.from(literal));

When(/^rpc client (\S+) calls echo with the serpent literal: (.*)$/, async function (this: RpcWorld, name: string, literal: string) {
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  const body = Buffer.from(`${SERPENT_HEADER}('${connection.objectId}','echo',(${literal},),{})`);
  await connection.send(pyroMessage(MSG_INVOKE, seq, body, { serializerId: SERPENT_SERIALIZER.id }));
  expectReply(this, name, seq, `echo(${literal})`);
});

Then(/^rpc client (\S+) gets the serpent result: (.*)$/, async function (this: RpcWorld, name: string, literal: string) {
  expectValue(await nextReply(this, name), serpentValueOf(literal), 'the call');
});

When('rpc client {word} sends the hostile serpent body {string}', async function (this: RpcWorld, name: string, what: string) {
  const body = HOSTILE_SERPENT[what];
  if (!body) throw new Error(`no hostile serpent body named ${JSON.stringify(what)} (known: ${Object.keys(HOSTILE_SERPENT).join('; ')})`);
  const connection = rpcClient(this, name);
  const seq = connection.nextSeq();
  await connection.send(pyroMessage(MSG_INVOKE, seq, body, { serializerId: SERPENT_SERIALIZER.id }));
  expectReply(this, name, seq, `a serpent body with ${what}`);
});

/** A refused body may fail its call (Pyro4 answers an exception) or end the connection. */
Then('rpc client {word} gets an exception or is closed', async function (this: RpcWorld, name: string) {
  const request = this.pending?.get(name)?.shift();
  if (!request) throw new Error(`rpc client ${name} has no request waiting for a reply`);
  const reply = await exceptionOrClose(rpcClient(this, name), request.seq, request.what);
  this.observe(reply ? `answered ${describeValue(reply.value)}` : 'closed the connection');
});
