/**
 * Steps of features/rpc/client-target/: the suite plays a Pyro4 name server and daemon for
 * an rpc client under test (`conform --client`). The client is told to call methods of
 * `PYRONAME:wireproof.echo@{host}:{port}`; the name server serves its lookups in the
 * background; "the suite's daemon" steps script the daemon's side message by message
 * (src/conform/rpc/scripted.ts). The generic client steps (src/steps/client.ts) read the
 * client's terminal reports; one `received` unit is one call's outcome (rpc/client.ts).
 */
import { Given, When, Then } from '@cucumber/cucumber';
import { setTimeout as delay } from 'node:timers/promises';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { NonConformance } from '../conform/errors';
import { describeReport } from '../conform/client/case';
import { describeOutcome, expectOutcome, lengthClaim, outcomeOf, resultOfSize } from '../conform/rpc/client';
import { corrupt } from '../conform/rpc/hostile';
import { messageName } from '../conform/rpc/wire';
import {
  callAction, connectFail, connectOk, exceptionOf, expectCall, REMOTE_TRACEBACK, replyTo, resultOf, ScriptedRpc, type ToldCall, type Invoke,
} from '../conform/rpc/scripted';
import {
  encodeMessage, FLAGS_EXCEPTION, HEADER_SIZE, MSG_CONNECTOK, MSG_RESULT, NO_ANNOTATIONS, pyroMessage, SERIALIZER_JSON,
} from '../impl/rpc/message';
import { JSON_SERIALIZER, SERPENT_SERIALIZER } from '../impl/rpc/serializers';
import { ECHO_OBJECT_ID } from '../impl/rpc/testobject';
import type { WireDriver, WriteOptions } from '../conform/driver';
import { underTest, type ClientWorld } from './client';

interface RpcClientWorld extends ClientWorld {
  script?: ScriptedRpc;
  /** The call the client was told last. */
  told?: ToldCall;
  /** The last INVOKE read, and the one before it, on any connection (a stale reply answers that). */
  last?: Invoke;
  previous?: Invoke;
}

/** The case's scripted name server and daemon, started with the first rpc step. */
function script(world: RpcClientWorld): ScriptedRpc {
  if (!world.script) {
    const started = new ScriptedRpc(underTest(world));
    world.script = started;
    world.cleanups.push(() => started.stop());
  }
  return world.script;
}

const json = (text: string): unknown => JSON.parse(text);
function jsonList(text: string): unknown[] {
  const value = json(text);
  if (!Array.isArray(value)) throw new Error(`expected a JSON list in the step, got ${text}`);
  return value;
}

// ---- what the client is told ------------------------------------------------------------------

function tellCall(world: RpcClientWorld, call: ToldCall): void {
  script(world);
  world.told = call;
  underTest(world).tell(callAction(call));
}

When('the client is told to call {word} with {string}', function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: false });
});

When('the client is told to call {word} with {string} and keywords {string}', function (this: RpcClientWorld, method: string, args: string, kwargs: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: json(kwargs) as Record<string, unknown>, oneway: false });
});

When('the client is told to call {word} oneway with {string}', function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: true });
});

/** Reads the INVOKE of the told call on the daemon connection and judges it against what the client was told. */
async function receiveCall(world: RpcClientWorld): Promise<Invoke> {
  const invoke = await script(world).expectInvoke(`the INVOKE of ${world.told!.method}()`);
  world.previous = world.last;
  world.last = invoke;
  expectCall(invoke, world.told!);
  return invoke;
}

/** The client connects to the daemon (a new connection, or one already taken), the daemon accepts the handshake, and the call comes in. */
async function handshakeAndCall(world: RpcClientWorld, taken?: WireDriver): Promise<void> {
  const rpc = script(world);
  const connect = await rpc.expectDaemonConnect(taken);
  await rpc.conn.write(encodeMessage(connectOk(connect)));
  await receiveCall(world);
}

When('the client is told to call {word} with {string}, and the suite\'s daemon receives the call', async function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: false });
  await handshakeAndCall(this);
});

When('the client is told to call {word} oneway with {string}, and the suite\'s daemon receives the call', async function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: true });
  await handshakeAndCall(this);
});

/**
 * A later call, on the daemon connection in use or on a new one (handshaken first): which
 * one the client takes, and whether it may, is for the step to judge. Polls both (a new
 * connection is taken only when one is already there, so that no wait is left behind).
 */
async function laterCall(world: RpcClientWorld): Promise<{ fresh: boolean }> {
  const rpc = script(world);
  const old = rpc.daemon;
  const client = underTest(world);
  const deadline = performance.now() + client.boundMs;
  for (;;) {
    if (old && old.unread.length > 0) {
      await receiveCall(world);
      return { fresh: false };
    }
    const fresh = await client.server.accept(0, 1);
    if (fresh) {
      await handshakeAndCall(world, fresh);
      return { fresh: true };
    }
    rpc.checkNameServer();
    if (performance.now() > deadline) {
      throw new NonConformance(`the client sent no INVOKE of ${world.told!.method}() within ${Math.round(client.boundMs)} ms, on the daemon connection it had or a new one`);
    }
    await delay(10);
  }
}

When('the client is told to call {word} with {string} again, and the suite\'s daemon receives the call', async function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: false });
  await laterCall(this);
});

When('the client is told to call {word} with {string} again, and the suite\'s daemon receives the call on a new connection', async function (this: RpcClientWorld, method: string, args: string) {
  tellCall(this, { method, args: jsonList(args), kwargs: {}, oneway: false });
  const { fresh } = await laterCall(this);
  if (!fresh) {
    throw new NonConformance('the client sent its next call on the connection whose reply it refused: a late reply there could be taken as this call\'s result');
  }
});

// ---- the name server -----------------------------------------------------------------------

Given('the suite\'s name server does not know {string}', function (this: RpcClientWorld, name: string) {
  if (name !== ECHO_OBJECT_ID) throw new Error(`the suite's name server is scripted for "${ECHO_OBJECT_ID}" only`);
  script(this).lookupAnswer = 'unknown';
});

Given('the suite\'s name server never answers', function (this: RpcClientWorld) {
  script(this).lookupAnswer = 'silent';
});

Then('the client has looked up {string} in the suite\'s name server {int} time(s)', function (this: RpcClientWorld, name: string, times: number) {
  const rpc = script(this);
  rpc.checkNameServer();
  if (name !== ECHO_OBJECT_ID) throw new Error(`the suite's name server counts lookups of "${ECHO_OBJECT_ID}" only`);
  if (rpc.lookups !== times) throw new NonConformance(`the suite's name server received ${rpc.lookups} lookups of "${name}", expected ${times}`);
});

Then('the client has not connected to the suite\'s daemon', async function (this: RpcClientWorld) {
  const conn = await underTest(this).server.accept(0, 1);
  if (conn) throw new NonConformance(`the client connected to the daemon at ${script(this).daemonUri.location} although the name server did not name it`);
});

// ---- the daemon's handshake ----------------------------------------------------------------

Then('the client connects to the suite\'s daemon with a CONNECT for wireproof.echo', async function (this: RpcClientWorld) {
  await script(this).expectDaemonConnect();
});

Then('the suite\'s daemon receives nothing more within {int} ms', async function (this: RpcClientWorld, ms: number) {
  const { conn } = script(this);
  try {
    await conn.expectQuiet(this.quietMs(ms), `expected the client to send nothing more within ${ms} ms`);
  } catch (error) {
    if (conn.unread.length < HEADER_SIZE) throw error;
    throw new NonConformance(`expected the client to send nothing more within ${ms} ms, before the daemon's answer; it sent ` +
      `${messageName(conn.unread.readUInt16BE(6))} (${conn.unread.length} bytes, "${escapeBytes(conn.unread.subarray(0, 60))}")`);
  }
});

Then('the client closes its connection to the suite\'s daemon, having sent nothing more', async function (this: RpcClientWorld) {
  const { conn } = script(this);
  await conn.expectClosed(this.timeoutMs, 'expected the client to close its connection to the daemon');
  if (conn.unread.length) throw new NonConformance(`expected nothing more before the client closed, received "${escapeBytes(conn.unread.subarray(0, 120))}"`);
});

async function daemonSends(world: RpcClientWorld, bytes: Buffer, options: WriteOptions = {}): Promise<void> {
  await script(world).conn.write(bytes, options);
}

function theConnect(world: RpcClientWorld) {
  const { connect } = script(world);
  if (!connect) throw new Error('the scenario has read no CONNECT yet');
  return connect;
}

When('the suite\'s daemon answers CONNECTOK', async function (this: RpcClientWorld) {
  await daemonSends(this, encodeMessage(connectOk(theConnect(this))));
});

When('the suite\'s daemon answers CONNECTOK in {int}-byte writes with {int} ms between them', async function (this: RpcClientWorld, size: number, gap: number) {
  await daemonSends(this, encodeMessage(connectOk(theConnect(this))), { pieceSize: size, delayMs: gap });
});

When('the suite\'s daemon answers CONNECTFAIL {string}', async function (this: RpcClientWorld, reason: string) {
  await daemonSends(this, encodeMessage(connectFail(theConnect(this), reason)));
});

When('the suite\'s daemon answers the CONNECT with a RESULT', async function (this: RpcClientWorld) {
  const { message, serializer } = theConnect(this);
  await daemonSends(this, encodeMessage(pyroMessage(MSG_RESULT, message.seq, serializer.encode('hello'), { serializerId: serializer.id })));
});

When('the suite\'s daemon answers {int} bytes of CONNECTOK and closes the connection', async function (this: RpcClientWorld, bytes: number) {
  await daemonSends(this, encodeMessage(connectOk(theConnect(this))).subarray(0, bytes));
  script(this).conn.end();
});

// ---- the call and its reply ------------------------------------------------------------------

Then('the suite\'s daemon receives the call', async function (this: RpcClientWorld) {
  await receiveCall(this);
});

Then('the suite\'s daemon receives the call on the same connection, with a new seq', async function (this: RpcClientWorld) {
  const rpc = script(this);
  const before = rpc.invoke!;
  const lookups = rpc.lookups;
  try {
    await receiveCall(this);
  } catch (error) {
    // The case fails either way: wait a little for the new connection that would explain it.
    const fresh = await underTest(this).server.accept(this.timeoutMs, 1);
    if (fresh || rpc.lookups > lookups) {
      throw new NonConformance(`the client did not send the call on the connection of the call before: it ${fresh ? 'opened a new connection to the daemon' : 'looked the name up again'} instead`);
    }
    throw error;
  }
  const seq = rpc.invoke!.message.seq;
  if (seq === before.message.seq) throw new NonConformance(`the call carries seq ${seq}, the same as the call before it: a reply cannot tell them apart`);
});

function theInvoke(world: RpcClientWorld): Invoke {
  const { invoke } = script(world);
  if (!invoke) throw new Error('the scenario has read no INVOKE yet');
  return invoke;
}

const answerResult = (world: RpcClientWorld, value: string, options: WriteOptions = {}) =>
  daemonSends(world, encodeMessage(resultOf(theInvoke(world), json(value))), options);

When('the suite\'s daemon answers the result {string}', async function (this: RpcClientWorld, value: string) {
  await answerResult(this, value);
});

When('the suite\'s daemon answers the result {string} in {int}-byte writes with {int} ms between them', async function (this: RpcClientWorld, value: string, size: number, gap: number) {
  await answerResult(this, value, { pieceSize: size, delayMs: gap });
});

When('the suite\'s daemon answers the result {string}, its header and its body {int} ms apart', async function (this: RpcClientWorld, value: string, gap: number) {
  await answerResult(this, value, { pieces: [HEADER_SIZE], delayMs: gap });
});

When('the suite\'s daemon answers the result {string} with a correlation id and an annotation of its own', async function (this: RpcClientWorld, value: string) {
  const annotations = new Map([['CORR', Buffer.from('0123456789abcdef')], ['XTRA', Buffer.from('\x00\xffannotation data')]]);
  await daemonSends(this, encodeMessage(resultOf(theInvoke(this), json(value), { annotations })));
});

When('the suite\'s daemon answers the result {string} with the seq of the INVOKE plus {int}', async function (this: RpcClientWorld, value: string, plus: number) {
  const invoke = theInvoke(this);
  await daemonSends(this, encodeMessage(resultOf(invoke, json(value), { seq: (invoke.message.seq + plus) & 0xffff })));
});

When('the suite\'s daemon answers the result {string} with the seq of the call before', async function (this: RpcClientWorld, value: string) {
  const before = this.previous;
  if (!before) throw new Error('the scenario has no call before this one');
  // Only a client that numbers each connection's calls afresh can get here (it opened a new one: SRS-RPC-104).
  if (before.message.seq === theInvoke(this).message.seq) throw new Error(`the client gave both calls seq ${before.message.seq}: no reply can be stale`);
  await daemonSends(this, encodeMessage(resultOf(theInvoke(this), json(value), { seq: before.message.seq })));
});

When('the suite\'s daemon answers the result {string} with {string}', async function (this: RpcClientWorld, value: string, corruption: string) {
  await daemonSends(this, corrupt(resultOf(theInvoke(this), json(value)), corruption));
});

When('the suite\'s daemon answers a header announcing one byte over the client\'s maximum', async function (this: RpcClientWorld) {
  await daemonSends(this, lengthClaim(theInvoke(this), underTest(this).maxBytes + 1));
});

When('the suite\'s daemon answers a result of exactly the client\'s maximum', async function (this: RpcClientWorld) {
  const { body } = resultOfSize(theInvoke(this).serializer, underTest(this).maxBytes);
  await daemonSends(this, encodeMessage(replyTo(theInvoke(this), body, { annotations: NO_ANNOTATIONS })), { pieceSize: 64 * 1024 });
});

When('the suite\'s daemon answers the result {string} in the other serializer', async function (this: RpcClientWorld, value: string) {
  const invoke = theInvoke(this);
  const other = invoke.serializer.id === SERIALIZER_JSON ? SERPENT_SERIALIZER : JSON_SERIALIZER;
  await daemonSends(this, encodeMessage(replyTo(invoke, other.encode(json(value)), { serializerId: other.id })));
});

When('the suite\'s daemon answers a result whose body is {string}', async function (this: RpcClientWorld, body: string) {
  await daemonSends(this, encodeMessage(replyTo(theInvoke(this), unescapeBytes(body))));
});

When('the suite\'s daemon answers an exception whose body is the value {string}', async function (this: RpcClientWorld, value: string) {
  await daemonSends(this, encodeMessage(resultOf(theInvoke(this), json(value), { flags: FLAGS_EXCEPTION })));
});

When('the suite\'s daemon answers the INVOKE with a CONNECTOK', async function (this: RpcClientWorld) {
  await daemonSends(this, encodeMessage(resultOf(theInvoke(this), 'hello', { type: MSG_CONNECTOK })));
});

When('the suite\'s daemon answers the exception {word} with args {string}', async function (this: RpcClientWorld, pythonClass: string, args: string) {
  await daemonSends(this, encodeMessage(exceptionOf(theInvoke(this), pythonClass, jsonList(args), REMOTE_TRACEBACK)));
});

function resultPrefix(world: RpcClientWorld, value: string, bytes: number): Buffer {
  const whole = encodeMessage(resultOf(theInvoke(world), json(value)));
  if (bytes >= whole.length) throw new Error(`the result is ${whole.length} bytes: ${bytes} of them is not a part of it`);
  return whole.subarray(0, bytes);
}

When('the suite\'s daemon answers {int} bytes of the result {string} and closes the connection', async function (this: RpcClientWorld, bytes: number, value: string) {
  await daemonSends(this, resultPrefix(this, value, bytes));
  script(this).conn.end();
});

When('the suite\'s daemon answers {int} bytes of the result {string} and resets the connection', async function (this: RpcClientWorld, bytes: number, value: string) {
  await daemonSends(this, resultPrefix(this, value, bytes));
  script(this).conn.reset();
});

When('the suite\'s daemon answers {int} bytes of the result {string}', async function (this: RpcClientWorld, bytes: number, value: string) {
  await daemonSends(this, resultPrefix(this, value, bytes));
});

// ---- the client's reports --------------------------------------------------------------------

Then('the client reports the result {string}', async function (this: RpcClientWorld, value: string) {
  await expectOutcome(underTest(this), { result: json(value) });
});

Then('the client reports a result of exactly the client\'s maximum', async function (this: RpcClientWorld) {
  const client = underTest(this);
  await expectOutcome(client, { result: resultOfSize(theInvoke(this).serializer, client.maxBytes).value });
});

Then('the client reports the exception {word} with args {string} and its remote traceback', async function (this: RpcClientWorld, pythonClass: string, args: string) {
  await expectOutcome(underTest(this), { exception: { class: pythonClass, args: jsonList(args), traceback: REMOTE_TRACEBACK.join('') } });
});

Then('the client reports the call done without waiting for a reply', async function (this: RpcClientWorld) {
  const client = underTest(this);
  const { received, end, elapsedMs } = await client.collect();
  if (received.length) throw new NonConformance(`a oneway call has no result, the client reported ${received.length} unit(s)`);
  if (end.event !== 'done') throw new NonConformance(`expected the oneway call done at once, the client reported ${describeReport(end)}`);
  if (elapsedMs >= client.limits.timeoutMs) throw new NonConformance(`the oneway call took ${elapsedMs} ms, the client's timeout is ${client.limits.timeoutMs} ms: it waited for a reply`);
});

Then('the client reports an error', async function (this: RpcClientWorld) {
  await underTest(this).expectEnd(['error', 'protocol-error'], 'the client to report an error (or a protocol error)');
});

Then('the client reports that the lookup failed', async function (this: RpcClientWorld) {
  const client = underTest(this);
  try {
    const report = await client.report('the client to report the failed lookup');
    if (report.event === 'received') {
      // A client may deliver the name server's NamingError as the call's remote exception.
      const outcome = outcomeOf(report.bytes);
      if (!('exception' in outcome) || outcome.exception.class !== 'Pyro4.errors.NamingError') {
        throw new NonConformance(`the name server did not know the name, yet the client reported ${describeOutcome(outcome)}`);
      }
      await client.expectEnd(['done'], 'the client to report the call done after the exception');
      return;
    }
    client.unread(report);
    await client.expectEnd(['error', 'protocol-error'], 'the client to report an error (or the NamingError as a remote exception)');
  } catch (error) {
    script(this).checkNameServer(); // what went wrong on the way to the lookup says more
    throw error;
  }
});
