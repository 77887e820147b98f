/**
 * The suite's side of the Pyro4 wire: raw traced connections that speak messages
 * built by the reference encoder, and read replies with the reference framer. Nothing
 * here trusts the target: every reply is checked (type, seq) before it is used.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import { FramingError } from '../../impl/common/framer';
import { encodeJson } from '../../impl/rpc/json';
import {
  decodeHeader, encodeMessage, FLAGS_EXCEPTION, FLAGS_META_ON_CONNECT, HEADER_SIZE, messageBody, MessageFramer,
  MSG_CONNECT, MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_PING, MSG_RESULT, PyroMessage, pyroMessage,
} from '../../impl/rpc/message';
import { serpentLiteral } from '../../impl/rpc/serpent';
import { JSON_SERIALIZER, type Serializer, serializerById } from '../../impl/rpc/serializers';
import { tuple } from '../../impl/rpc/values';
import { ECHO_OBJECT_ID } from '../../impl/rpc/testobject';
import { NAMESERVER_OBJECT_ID, PyroURI } from '../../impl/rpc/uri';
import { escapeBytes } from '../bytes-text';
import { type Endpoint, type Parse, WireDriver, type WriteOptions } from '../driver';
import { NonConformance } from '../errors';
import type { TraceRecorder } from '../trace';

/** The largest reply the suite reads (a reply is small; a bigger claim is the target's bug). */
const MAX_REPLY = 64 * 1024 * 1024;

export const MESSAGE_NAMES: Readonly<Record<number, string>> = {
  [MSG_CONNECT]: 'CONNECT', [MSG_CONNECTOK]: 'CONNECTOK', [MSG_CONNECTFAIL]: 'CONNECTFAIL',
  [MSG_INVOKE]: 'INVOKE', [MSG_RESULT]: 'RESULT', [MSG_PING]: 'PING',
};

export const messageName = (type: number) => MESSAGE_NAMES[type] ?? `type ${type}`;

/**
 * One whole message off the front of what arrived, by the reference framer; a malformed
 * one is non-conformance of `sender` (the target, or in client runs the client).
 */
export const messageParse = (sender: string): Parse<PyroMessage> => (received) => {
  if (received.length < HEADER_SIZE) return undefined;
  try {
    const header = decodeHeader(received.subarray(0, HEADER_SIZE), MAX_REPLY);
    const size = HEADER_SIZE + header.annotationsSize + header.dataSize;
    if (received.length < size) return undefined;
    let message: PyroMessage | undefined;
    new MessageFramer(MAX_REPLY).push(received.subarray(0, size), (m) => { message = m; });
    return { value: message!, consumed: size };
  } catch (error) {
    if (!(error instanceof FramingError)) throw error;
    throw new NonConformance(`${sender} sent a malformed message (${error.message}): "${escapeBytes(received.subarray(0, 40))}"`);
  }
};

export const pyroParse = messageParse('the target');

/** The serializer a message's header names; one the suite does not speak (json, serpent) is non-conformance. */
export function replySerializer(message: PyroMessage): Serializer {
  const serializer = serializerById(message.serializerId);
  if (!serializer) throw new NonConformance(`the ${messageName(message.type)} is in serializer ${message.serializerId}, neither serpent (1) nor json (2)`);
  return serializer;
}

/** A reply's body as a value, in the serializer its header names; a body that is not what it claims is non-conformance. */
export function replyValue(message: PyroMessage, options: { classes?: boolean } = {}): unknown {
  const serializer = replySerializer(message);
  try {
    return serializer.decode(messageBody(message, MAX_REPLY), options);
  } catch (error) {
    throw new NonConformance(`the ${messageName(message.type)} body is not Pyro4 ${serializer.name} (${(error as Error).message}): "${escapeBytes(message.data.subarray(0, 80))}"`);
  }
}

/** What a RESULT says: a value, or an exception dict decoded (RemoteError) with the EXCEPTION flag. */
export interface CallReply {
  message: PyroMessage;
  exception: boolean;
  value: unknown;
}

/** An INVOKE as Pyro4's proxy writes it in the serializer (json by default); serpent passes the arguments as a tuple. */
export function invokeMessage(
  seq: number, objectId: string, method: string, params: unknown[], kwargs: Record<string, unknown> = {}, flags = 0, serializer = JSON_SERIALIZER,
): PyroMessage {
  const body = serializer.encodeCall({ object: objectId, method, params: tuple(...params), kwargs });
  return pyroMessage(MSG_INVOKE, seq, body, { flags, serializerId: serializer.id });
}

export function connectMessage(seq: number, objectId: string, flags = FLAGS_META_ON_CONNECT, serializer = JSON_SERIALIZER): PyroMessage {
  return pyroMessage(MSG_CONNECT, seq, serializer.encode({ handshake: 'hello', object: objectId }), { flags, serializerId: serializer.id });
}

/**
 * A raw connection speaking Pyro messages: its own seq counter, the suite's writes
 * with exact boundaries, and replies checked for type and seq before they are used.
 */
export class RpcConnection {
  private seq = 0;
  /** The object id given in the handshake: the default object of calls. */
  objectId = '';
  /** What the handshake and the calls are written in (Pyro4 allows each message its own). */
  serializer: Serializer = JSON_SERIALIZER;
  /** The serializer of each request awaiting its reply, by seq: the reply must come in it. */
  private readonly requestSerializers = new Map<number, Serializer>();

  constructor(readonly driver: WireDriver, private readonly timeoutMs: number) {}

  static async open(endpoint: Endpoint, trace: TraceRecorder, timeoutMs: number): Promise<RpcConnection> {
    return new RpcConnection(await WireDriver.connect(endpoint, trace, timeoutMs), timeoutMs);
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) & 0xffff;
    return this.seq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  async send(messages: PyroMessage | PyroMessage[], options?: WriteOptions): Promise<void> {
    const list = Array.isArray(messages) ? messages : [messages];
    for (const message of list) {
      const serializer = serializerById(message.serializerId);
      if (serializer) this.requestSerializers.set(message.seq, serializer);
    }
    await this.driver.write(Buffer.concat(list.map(encodeMessage)), options);
  }

  /** The reply must be in the serializer of its request: Pyro4's daemon answers each message in its own. */
  private expectSerializerOfRequest(reply: PyroMessage, what: string): void {
    const want = this.requestSerializers.get(reply.seq);
    this.requestSerializers.delete(reply.seq);
    if (want && reply.serializerId !== want.id) {
      throw new NonConformance(`${what} came in serializer ${reply.serializerId}, the request was ${want.name} (${want.id})`);
    }
  }

  next(what: string): Promise<PyroMessage> {
    return this.driver.read(pyroParse, this.timeoutMs, what);
  }

  /** CONNECT (with metadata on connect) for objectId, in the connection's serializer; the CONNECTOK's body. */
  async handshake(objectId: string): Promise<unknown> {
    const seq = this.nextSeq();
    await this.send(connectMessage(seq, objectId, FLAGS_META_ON_CONNECT, this.serializer));
    const reply = await this.next(`CONNECTOK for "${objectId}"`);
    if (reply.type !== MSG_CONNECTOK) {
      const why = reply.type === MSG_CONNECTFAIL ? `: ${JSON.stringify(safeValue(reply))}` : '';
      throw new NonConformance(`CONNECT for "${objectId}" in ${this.serializer.name} answered ${messageName(reply.type)}${why}, expected CONNECTOK`);
    }
    if (reply.seq !== seq) throw new NonConformance(`CONNECTOK carries seq ${reply.seq}, the CONNECT had ${seq}`);
    this.expectSerializerOfRequest(reply, 'the CONNECTOK');
    this.objectId = objectId;
    return replyValue(reply);
  }

  /** Sends an INVOKE on the handshaken object (or another); returns its seq without waiting. */
  async invoke(method: string, params: unknown[], kwargs: Record<string, unknown> = {}, flags = 0, objectId = this.objectId): Promise<number> {
    const seq = this.nextSeq();
    await this.send(invokeMessage(seq, objectId, method, params, kwargs, flags, this.serializer));
    return seq;
  }

  /** The RESULT for `seq`, checked for type, seq and serializer. */
  async result(seq: number, what: string): Promise<CallReply> {
    const message = await this.next(`the RESULT of ${what}`);
    if (message.type !== MSG_RESULT) throw new NonConformance(`${what} answered ${messageName(message.type)}, expected RESULT`);
    if (message.seq !== seq) throw new NonConformance(`the RESULT of ${what} carries seq ${message.seq}, the request had ${seq}`);
    this.expectSerializerOfRequest(message, `the RESULT of ${what}`);
    return { message, exception: (message.flags & FLAGS_EXCEPTION) !== 0, value: replyValue(message) };
  }

  /** A call and its reply. */
  async call(method: string, params: unknown[] = [], kwargs: Record<string, unknown> = {}, objectId = this.objectId): Promise<CallReply> {
    const seq = await this.invoke(method, params, kwargs, 0, objectId);
    return this.result(seq, `${method}()`);
  }

  /** A call that must return normally; its value. */
  async value(method: string, params: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const reply = await this.call(method, params, kwargs);
    if (reply.exception) throw new NonConformance(`${method}() raised ${describeValue(reply.value)}`);
    return reply.value;
  }

  destroy(): void {
    this.driver.destroy();
  }
}

function safeValue(message: PyroMessage): unknown {
  try {
    return replyValue(message);
  } catch {
    return escapeBytes(message.data.subarray(0, 80));
  }
}

/** A value for a message: exceptions as "Class(args)", the rest as json (what json cannot show as a Python literal). */
export function describeValue(value: unknown): string {
  if (value instanceof Error && 'pythonClass' in value) {
    return `${(value as { pythonClass: string }).pythonClass}(${describeValue((value as unknown as { args: unknown[] }).args)})`;
  }
  try {
    return encodeJson(value).toString().slice(0, 200);
  } catch {
    try {
      return serpentLiteral(value).slice(0, 200);
    } catch {
      return inspect(value).slice(0, 200);
    }
  }
}

/** Where wireproof.echo lives: looked up in the target's name server, over a traced connection. */
export async function lookupEcho(nameServer: Endpoint, trace: TraceRecorder, timeoutMs: number): Promise<Endpoint> {
  const ns = await RpcConnection.open(nameServer, trace, timeoutMs);
  try {
    await ns.handshake(NAMESERVER_OBJECT_ID);
    const reply = await ns.call('lookup', [ECHO_OBJECT_ID]);
    const uri = reply.value;
    if (reply.exception || !(uri instanceof PyroURI) || uri.protocol !== 'PYRO' || uri.object !== ECHO_OBJECT_ID) {
      throw new NonConformance(`lookup("${ECHO_OBJECT_ID}") in the name server gave ${describeValue(uri)}, expected a PYRO URI of ${ECHO_OBJECT_ID}`);
    }
    return { host: uri.host!, port: uri.port! };
  } finally {
    ns.destroy();
  }
}

/** A new connection to wireproof.echo, handshaken in the serializer (json by default). */
export async function connectEcho(echo: Endpoint, trace: TraceRecorder, timeoutMs: number, serializer = JSON_SERIALIZER): Promise<RpcConnection> {
  const connection = await RpcConnection.open(echo, trace, timeoutMs);
  connection.serializer = serializer;
  try {
    await connection.handshake(ECHO_OBJECT_ID);
    return connection;
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

/** The daemon still serves: a new connection's handshake and echo() call are answered right. */
export async function expectEchoServes(echo: Endpoint, trace: TraceRecorder, timeoutMs: number, why: string): Promise<void> {
  let connection: RpcConnection | undefined;
  try {
    connection = await connectEcho(echo, trace, timeoutMs);
    const value = await connection.value('echo', ['still serving']);
    if (value !== 'still serving') throw new NonConformance(`echo("still serving") returned ${describeValue(value)}`);
  } catch (error) {
    throw new NonConformance(`${why}: a new connection to wireproof.echo is not served (${(error as Error).message})`);
  } finally {
    connection?.destroy();
  }
}

/**
 * The target closes a connection after a protocol error. What it may send first is at
 * most one CONNECTFAIL (Pyro4 tells a client that fails its handshake why); anything
 * else (a RESULT, an answer to the bad message) is non-conformance. The close may be
 * a FIN or a reset (a server closing with unread bytes resets).
 */
export async function expectClosedAfterError(driver: WireDriver, timeoutMs: number, why: string): Promise<void> {
  await driver.expectClosed(timeoutMs, why);
  const rest = driver.unread;
  if (rest.length === 0) return;
  let parsed: ReturnType<typeof pyroParse>;
  try {
    parsed = pyroParse(rest);
  } catch {
    parsed = undefined;
  }
  // A reset may cut a CONNECTFAIL short: a partial message that starts as one is accepted.
  const partialConnectFail = !parsed && rest.length >= 8 && rest.subarray(0, 4).equals(Buffer.from('PYRO')) && rest.readUInt16BE(6) === MSG_CONNECTFAIL;
  if (partialConnectFail) return;
  if (!parsed || parsed.value.type !== MSG_CONNECTFAIL || parsed.consumed !== rest.length) {
    throw new NonConformance(`${why}: before closing, the target sent "${escapeBytes(rest.subarray(0, 80))}" (${rest.length} bytes), not at most one CONNECTFAIL`);
  }
}

/**
 * A refused request may fail with an exception (Pyro4 answers one) or end the connection:
 * the exception reply, or undefined when the connection closed instead; a result is non-conformance.
 */
export async function exceptionOrClose(connection: RpcConnection, seq: number, what: string): Promise<CallReply | undefined> {
  let reply: CallReply;
  try {
    reply = await connection.result(seq, what);
  } catch (error) {
    if (error instanceof NonConformance && (await connection.driver.closedWithin(0))) return undefined;
    throw error;
  }
  if (!reply.exception) throw new NonConformance(`${what} was answered with the result ${describeValue(reply.value)}, not an exception`);
  return reply;
}

/** Polls last() until it returns `want` (record() is oneway: it may complete after its call was sent). */
export async function expectLast(connection: RpcConnection, want: unknown, timeoutMs: number, why: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await connection.value('last');
    if (isDeepStrictEqual(got, want)) return;
    if (Date.now() > deadline) throw new NonConformance(`${why}: last() returns ${describeValue(got)}, expected ${describeValue(want)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
