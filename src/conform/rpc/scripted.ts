/**
 * The suite's Pyro4 name server and daemon in client runs (`conform --client`), scripted,
 * one pair per case. The client under test is told `PYRONAME:wireproof.echo@{host}:{port}`:
 * the name server on {port} serves its lookups in the background and answers with a PYRO
 * URI of the case's second port, where the steps and properties script the daemon's side
 * message by message. Every message is built with the project's own encoder
 * (src/impl/rpc/message.ts, in the serializer the client speaks), never by the reference
 * daemon, so that a case can send what a correct daemon never sends: another seq, a
 * corrupt header, a length claim, a reply cut short. What the client sends is judged whole
 * as it is read (SRS-RPC-100).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Exposure, ObjectMetadata } from '../../impl/rpc/exposed';
import {
  correlation, encodeMessage, FLAGS_EXCEPTION, FLAGS_META_ON_CONNECT, FLAGS_ONEWAY, MSG_CONNECT, MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_RESULT,
  pyroMessage, type PyroMessage,
} from '../../impl/rpc/message';
import { NAMESERVER_EXPOSURE } from '../../impl/rpc/nameserver';
import { isDict, type Serializer } from '../../impl/rpc/serializers';
import { ECHO_EXPOSURE, ECHO_OBJECT_ID } from '../../impl/rpc/testobject';
import { NAMESERVER_OBJECT_ID, PyroURI } from '../../impl/rpc/uri';
import { tuple } from '../../impl/rpc/values';
import type { ClientCase } from '../client/case';
import type { WireDriver } from '../driver';
import { NonConformance } from '../errors';
import { describeValue, messageName, messageParse, replySerializer, replyValue } from './wire';
import { counted } from '../bytes-text';

/** A message from the client, read whole; a malformed one is the client's non-conformance. */
const fromClient = messageParse('the client');

/** Metadata as Pyro4's get_metadata(as_lists=True) reports it in a CONNECTOK. */
const metadataOf = (exposure: Exposure): ObjectMetadata => ({ methods: Object.keys(exposure.methods), oneway: [...(exposure.oneway ?? [])], attrs: [] });
/** wireproof.echo's methods (record oneway), as the suite's daemon reports them. */
export const ECHO_METADATA = metadataOf(ECHO_EXPOSURE);
const NAMESERVER_METADATA = metadataOf(NAMESERVER_EXPOSURE);

/** A remote traceback, as Pyro4 carries it (`_pyroTraceback`: lines, each with its LF). */
export const REMOTE_TRACEBACK = [
  'Traceback (most recent call last):\n',
  '  File "/srv/wireproof/echo.py", line 12, in fail\n',
  '    raise ValueError(message)\n',
];

/** A CONNECT the client sent: the suite answers in its serializer. */
export interface Connect {
  message: PyroMessage;
  serializer: Serializer;
}

/** An INVOKE the client sent, its body decoded. */
export interface Invoke {
  message: PyroMessage;
  serializer: Serializer;
  object: string;
  method: string;
  params: unknown[];
  kwargs: Record<string, unknown>;
}

/** A call the client is told to make (the contract's `call` action). */
export interface ToldCall {
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  oneway: boolean;
}

/** The contract's `call` action for a told call. */
export const callAction = (call: ToldCall) => ({ action: 'call', ...call });

/** The client's next message on `conn`, read whole within `timeoutMs`. */
export function readFromClient(conn: WireDriver, timeoutMs: number, what: string): Promise<PyroMessage> {
  return conn.read(fromClient, timeoutMs, what);
}

/** Reads the client's CONNECT for `objectId`: the first message on a connection, with a handshake dict. */
export async function expectConnect(conn: WireDriver, objectId: string, timeoutMs: number): Promise<Connect> {
  const message = await readFromClient(conn, timeoutMs, `a CONNECT for "${objectId}"`);
  if (message.type !== MSG_CONNECT) {
    throw new NonConformance(`the client's first message to "${objectId}" is ${messageName(message.type)}, not the CONNECT handshake`);
  }
  const serializer = replySerializer(message);
  const body = replyValue(message);
  if (!isDict(body) || !Object.hasOwn(body, 'handshake')) throw new NonConformance(`the CONNECT body is ${describeValue(body)}, not a dict with "handshake"`);
  // Pyro4 names the object only where it asks for the object's metadata with the CONNECTOK.
  if (message.flags & FLAGS_META_ON_CONNECT && body.object !== objectId) {
    throw new NonConformance(`the CONNECT asks for the metadata of ${describeValue(body.object)}, the URI names "${objectId}"`);
  }
  return { message, serializer };
}

/** CONNECTOK as Pyro4's daemon answers: with the metadata when the CONNECT asked for it. */
export function connectOk(connect: Connect, metadata = ECHO_METADATA): PyroMessage {
  const asked = (connect.message.flags & FLAGS_META_ON_CONNECT) !== 0;
  const body = asked ? { handshake: 'hello', meta: metadata } : 'hello';
  return pyroMessage(MSG_CONNECTOK, connect.message.seq, connect.serializer.encode(body), {
    flags: asked ? FLAGS_META_ON_CONNECT : 0, serializerId: connect.serializer.id, annotations: correlation(connect.message),
  });
}

/** CONNECTFAIL with its reason, in the CONNECT's serializer. */
export function connectFail(connect: Connect, reason: string): PyroMessage {
  return pyroMessage(MSG_CONNECTFAIL, connect.message.seq, connect.serializer.encode(reason), { serializerId: connect.serializer.id });
}

/** Reads the client's next INVOKE: Pyro4's call (object id, method, positional args, keyword args). */
export async function expectInvoke(conn: WireDriver, timeoutMs: number, what: string): Promise<Invoke> {
  return invokeOf(await readFromClient(conn, timeoutMs, what), what);
}

/** The message as an INVOKE; any other message, or a body that is not a call, is non-conformance. */
function invokeOf(message: PyroMessage, what: string): Invoke {
  if (message.type !== MSG_INVOKE) throw new NonConformance(`expected ${what}, the client sent ${messageName(message.type)}`);
  const serializer = replySerializer(message);
  const body = replyValue(message);
  const call = serializer.callOf(body);
  if (!call || typeof call.object !== 'string' || typeof call.method !== 'string' || !Array.isArray(call.params) ||
    !(call.kwargs === null || isDict(call.kwargs))) {
    throw new NonConformance(`the INVOKE body is ${describeValue(body)}, not Pyro4's call (object id, method, params, kwargs)`);
  }
  return { message, serializer, object: call.object, method: call.method, params: call.params, kwargs: (call.kwargs ?? {}) as Record<string, unknown> };
}

/** The INVOKE is the told call on wireproof.echo: its method, arguments, keywords and oneway flag (SRS-RPC-100, -110). */
export function expectCall(invoke: Invoke, told: ToldCall): void {
  const want = `${told.method}(${told.args.map(describeValue).join(', ')})`;
  const oneway = (invoke.message.flags & FLAGS_ONEWAY) !== 0;
  const wrong = [
    invoke.object !== ECHO_OBJECT_ID && `the object ${describeValue(invoke.object)}, the URI names "${ECHO_OBJECT_ID}"`,
    invoke.method !== told.method && `the method ${describeValue(invoke.method)}`,
    !isDeepStrictEqual([...invoke.params], told.args) && `the arguments ${describeValue(invoke.params)}`,
    !isDeepStrictEqual({ ...invoke.kwargs }, told.kwargs) && `the keywords ${describeValue(invoke.kwargs)}`,
    oneway !== told.oneway && (oneway ? 'the ONEWAY flag, told a call that waits for its result' : 'no ONEWAY flag, told a oneway call'),
  ].filter(Boolean);
  if (wrong.length) throw new NonConformance(`the client was told ${want}${told.oneway ? ' oneway' : ''}; its INVOKE carries ${wrong.join(', ')}`);
}

export interface ReplyOptions {
  /** Another seq than the INVOKE's. */
  seq?: number;
  flags?: number;
  /** Another message type than RESULT. */
  type?: number;
  /** Another serializer id than the INVOKE's. */
  serializerId?: number;
  annotations?: ReadonlyMap<string, Buffer>;
}

/** A reply to `invoke` with these body bytes: RESULT with its seq and serializer, unless told otherwise. */
export function replyTo(invoke: Invoke, body: Buffer, options: ReplyOptions = {}): PyroMessage {
  return pyroMessage(options.type ?? MSG_RESULT, options.seq ?? invoke.message.seq, body, {
    flags: options.flags ?? 0, serializerId: options.serializerId ?? invoke.serializer.id, annotations: options.annotations ?? correlation(invoke.message),
  });
}

/** The RESULT of `invoke` carrying `value`. */
export function resultOf(invoke: Invoke, value: unknown, options: ReplyOptions = {}): PyroMessage {
  return replyTo(invoke, invoke.serializer.encode(value), options);
}

/** The RESULT of `invoke` raising a Python exception, as Pyro4 writes one (class, args, `_pyroTraceback`). */
export function exceptionOf(invoke: Invoke, pythonClass: string, args: unknown[], traceback: string[]): PyroMessage {
  const exception = { __class__: pythonClass, __exception__: true, args: tuple(...args), attributes: { _pyroTraceback: traceback } };
  return replyTo(invoke, invoke.serializer.encode(exception), { flags: FLAGS_EXCEPTION });
}

/** How the name server answers a lookup of wireproof.echo: the daemon's URI, Pyro4's NamingError, or no answer to the CONNECT at all. */
export type LookupAnswer = 'uri' | 'unknown' | 'silent';

/**
 * One case's scripted name server and daemon. The name server serves in the background;
 * what it finds wrong in the client's messages fails the case at its next daemon step.
 * The daemon's connections are taken one at a time (`acceptDaemon`).
 */
export class ScriptedRpc {
  lookupAnswer: LookupAnswer = 'uri';
  /** Lookups of wireproof.echo the name server received. */
  lookups = 0;
  /** The daemon connection the case scripts now, and its CONNECT once read. */
  daemon: WireDriver | undefined;
  connect: Connect | undefined;
  /** The INVOKE read last (the next reply answers it). */
  invoke: Invoke | undefined;
  private failure: Error | undefined;
  /** Rejects with the name server's first failure: a wait for the daemon ends with it at once. */
  private readonly failed: Promise<never>;
  private fail: (error: Error) => void = () => undefined;
  private stopped = false;

  constructor(readonly client: ClientCase) {
    this.failed = new Promise<never>((_, reject) => { this.fail = reject; });
    this.failed.catch(() => undefined);
    void this.serveNameServer();
  }

  /** The daemon's URI, as the name server's lookup answers it: the case's second port. */
  get daemonUri(): PyroURI {
    const { host, port2 } = this.client.server.endpoint;
    return PyroURI.direct(ECHO_OBJECT_ID, host, port2!);
  }

  /** Ends the background work (before the case's server closes). */
  stop(): void {
    this.stopped = true;
  }

  /** Fails with what the name server found wrong, if anything. */
  checkNameServer(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * The next connection the client opens to the daemon (within twice its timeout), or one
   * already taken: it becomes the case's daemon connection. When the client closes it, the
   * daemon closes its side too, as Pyro4's does.
   */
  async acceptDaemon(taken?: WireDriver): Promise<WireDriver> {
    // After a failure of the name server the case fails: the wait it leaves behind takes nothing the case needs.
    const conn = taken ?? (await Promise.race([this.client.server.accept(this.client.boundMs, 1), this.failed]));
    this.checkNameServer();
    if (!conn) {
      throw new NonConformance(`the client did not connect to the daemon at ${this.daemonUri.location}, the URI the name server's lookup answered, ` +
        `within ${Math.round(this.client.boundMs)} ms (${counted(this.lookups, 'lookup')} of "${ECHO_OBJECT_ID}" received)`);
    }
    void conn.closedWithin(10 * 60_000).then((how) => {
      if (how === 'FIN' && !this.stopped) conn.end();
    });
    this.daemon = conn;
    this.connect = undefined;
    this.invoke = undefined;
    return conn;
  }

  /** Takes the daemon connection (the next, or one already taken) and reads its CONNECT for wireproof.echo. */
  async expectDaemonConnect(taken?: WireDriver): Promise<Connect> {
    const conn = await this.acceptDaemon(taken);
    this.connect = await expectConnect(conn, ECHO_OBJECT_ID, this.client.suiteTimeoutMs);
    return this.connect;
  }

  /** The daemon connection (a step that needs one before the client connected is a suite error of the feature). */
  get conn(): WireDriver {
    if (!this.daemon) throw new Error('the scenario has no daemon connection yet');
    return this.daemon;
  }

  /** Reads the next INVOKE on the daemon connection. */
  async expectInvoke(what: string): Promise<Invoke> {
    this.invoke = await expectInvoke(this.conn, this.client.suiteTimeoutMs, what);
    return this.invoke;
  }

  /** The name server: each connection is served in the background until the client closes it. */
  private async serveNameServer(): Promise<void> {
    while (!this.stopped) {
      const conn = await this.client.server.accept(this.client.boundMs, 0);
      if (this.stopped) return conn?.destroy();
      if (conn) void this.serveNameServerConnection(conn);
    }
  }

  private async serveNameServerConnection(conn: WireDriver): Promise<void> {
    const timeoutMs = this.client.suiteTimeoutMs;
    try {
      const connect = await expectConnect(conn, NAMESERVER_OBJECT_ID, timeoutMs);
      if (this.lookupAnswer === 'silent') return;
      await conn.write(encodeMessage(connectOk(connect, NAMESERVER_METADATA)));
      for (;;) {
        let message: PyroMessage;
        try {
          message = await readFromClient(conn, this.client.boundMs, 'a call of the name server');
        } catch (error) {
          if (conn.isClosed && conn.unread.length === 0) return conn.end(); // the client is done with it
          if (!conn.isClosed && conn.unread.length === 0) return; // it keeps the connection open: nothing more to serve
          throw error;
        }
        await conn.write(encodeMessage(this.nameServerReply(invokeOf(message, 'a call of the name server'))));
      }
    } catch (error) {
      if (this.stopped) return;
      if (!this.failure) {
        this.failure = new NonConformance(`on its connection to the name server: ${(error as Error).message}`);
        this.fail(this.failure);
      }
      conn.destroy();
    }
  }

  /** lookup("wireproof.echo") answers the daemon's URI (or NamingError, as told); ping() None; anything else NamingError. */
  private nameServerReply(invoke: Invoke): PyroMessage {
    const [name] = invoke.params;
    if (invoke.method === 'lookup' && name === ECHO_OBJECT_ID) {
      this.lookups++;
      if (this.lookupAnswer === 'uri') return resultOf(invoke, this.daemonUri);
    }
    if (invoke.method === 'ping') return resultOf(invoke, null);
    const why = invoke.method === 'lookup' ? `unknown name: ${String(name)}` : `the suite's name server serves lookup() and ping() only, not ${invoke.method}()`;
    return exceptionOf(invoke, 'Pyro4.errors.NamingError', [why], ['Traceback (most recent call last):\n', `Pyro4.errors.NamingError: ${why}\n`]);
  }
}
