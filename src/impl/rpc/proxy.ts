import net from 'node:net';

import { ConnectionClosedError, ProtocolError, TimeoutError } from '../common/errors';
import { FramingError } from '../common/framer';
import { connectTcp, DEFAULT_HOST } from '../common/net';
import { ObjectMetadata } from './exposed';
import { RemoteError } from './json';
import {
  encodeMessage, FLAGS_BATCH, FLAGS_EXCEPTION, FLAGS_META_ON_CONNECT, FLAGS_ONEWAY, MAX_MESSAGE_SIZE,
  messageBody, MessageFramer, MSG_CONNECT, MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_PING, MSG_RESULT, PyroMessage, pyroMessage,
} from './message';
import { JSON_SERIALIZER, type Serializer, serializerById, serializerByName, type SerializerName } from './serializers';
import { DEFAULT_NS_PORT, NAMESERVER_OBJECT_ID, PyroURI } from './uri';
import { tuple } from './values';

export interface ProxyOptions {
  /** Timeout of each call, including connecting, the handshake and name server resolution. */
  timeoutMs?: number;
  /** Largest reply accepted. */
  maxMessageSize?: number;
  /**
   * The serializer of the handshake, every call and the PYRONAME lookup (Pyro4's
   * SERIALIZER): 'json' (the default) or 'serpent' (Pyro4's own default).
   */
  serializer?: SerializerName;
}

export interface CallOptions {
  timeoutMs?: number;
  /** Send oneway (no reply awaited); by default the methods the daemon lists as oneway are. */
  oneway?: boolean;
}

/**
 * The daemon refused the connect handshake (CONNECTFAIL), or broke the protocol: a reply
 * the proxy cannot decode, or not the one it waits for. Never a result.
 */
export class PyroProtocolError extends ProtocolError {
  override name = 'PyroProtocolError';
}

const KWARGS = Symbol('pyro keyword arguments');
/** Keyword arguments for a proxy call: `await proxy.method(1, kwargs({ flag: true }))`. */
export interface KwArgs {
  readonly [KWARGS]: Record<string, unknown>;
}
export function kwargs(values: Record<string, unknown>): KwArgs {
  return { [KWARGS]: values };
}
function isKwArgs(value: unknown): value is KwArgs {
  return typeof value === 'object' && value !== null && KWARGS in value;
}

/** One call of a batch: method, positional args, keyword args. */
export type BatchCall = [method: string, args: unknown[], kwargs?: Record<string, unknown>];

/** The one request awaiting its reply on a connection. */
interface Pending {
  seq: number;
  /** Turns the reply into the call's value (throws to fail the call). */
  interpret(reply: PyroMessage): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One TCP connection to a daemon after a successful handshake. */
class Connection {
  private pending: Pending | undefined;
  private error: Error | undefined;
  /** What the daemon reported in its CONNECTOK. */
  metadata: ObjectMetadata | undefined;
  /** The handshake succeeded. */
  ready = false;

  constructor(readonly socket: net.Socket, readonly objectId: string, maxMessageSize: number) {
    const framer = new MessageFramer(maxMessageSize);
    const receive = (message: PyroMessage) => this.receive(message);
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, receive);
      } catch (error) {
        this.fail(error instanceof FramingError ? new PyroProtocolError(error.message) : (error as Error));
      }
    });
    socket.on('error', (error) => this.fail(new ConnectionClosedError(`connection to the daemon failed: ${error.message}`, { cause: error })));
    socket.once('close', () => this.fail(new ConnectionClosedError('connection closed by the daemon')));
  }

  get usable(): boolean {
    return this.error === undefined;
  }

  /**
   * Sends a message; resolves with what `interpret` makes of the reply carrying the same
   * seq (interpreted as it arrives, so a call costs one promise), or at once with
   * undefined when `interpret` is undefined (oneway: no reply comes).
   */
  exchange<T>(message: PyroMessage, interpret: ((reply: PyroMessage) => T) | undefined): Promise<T | undefined> {
    if (this.error) return Promise.reject(this.error);
    this.socket.write(encodeMessage(message));
    if (!interpret) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.pending = { seq: message.seq, interpret, resolve: resolve as (value: unknown) => void, reject };
    });
  }

  private receive(message: PyroMessage) {
    const pending = this.pending;
    if (!pending || message.seq !== pending.seq) {
      this.fail(new PyroProtocolError(`reply sequence out of sync, got ${message.seq} expected ${pending?.seq ?? 'none'}`));
      return;
    }
    this.pending = undefined;
    let value: unknown;
    try {
      value = pending.interpret(message);
    } catch (error) {
      pending.reject(error);
      return;
    }
    pending.resolve(value);
  }

  /** Any failure ends the connection: a late or foreign reply must never answer a later call. */
  fail(error: Error) {
    this.error ??= error;
    this.socket.destroy();
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.error);
  }
}

/** A reply's body, which must be in the request's serializer (Pyro4's "invalid serializer in response"). */
function decodeBody(message: PyroMessage, serializer: Serializer, maxMessageSize: number): unknown {
  if (message.serializerId !== serializer.id) throw new PyroProtocolError(`invalid serializer in response: ${message.serializerId}`);
  return serializer.decode(messageBody(message, maxMessageSize));
}

/** Why a daemon refused the handshake: its CONNECTFAIL body, in whatever serializer it came (Pyro4 may use marshal). */
function refusal(message: PyroMessage, maxMessageSize: number): string {
  const serializer = serializerById(message.serializerId);
  try {
    if (serializer) return String(serializer.decode(messageBody(message, maxMessageSize)));
  } catch {
    // shown as bytes below
  }
  return `${JSON.stringify(message.data.toString('latin1').replace(/[^\x20-\x7e]/g, '.'))} (serializer ${message.serializerId})`;
}

/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A call's timeout as setTimeout reads a delay (as when each call had a timer of its own): outside 1 ms to MAX_TIMER_MS, 1 ms. */
function timerDelay(timeoutMs: number): number {
  return timeoutMs >= 1 && timeoutMs <= MAX_TIMER_MS ? timeoutMs : 1;
}

/** The call that holds the client: until when it may run, and how it ends when that passes. */
interface Turn {
  /** A performance.now() time. */
  readonly deadline: number;
  expire(): void;
}

/**
 * A client for one remote object: connects lazily (resolving PYRONAME through the
 * name server), reuses its connection, runs one call at a time (Pyro4's protocol is
 * strictly request/response per connection), and reconnects after a failure.
 */
export class PyroClient {
  readonly uri: PyroURI;
  /** The connection in use or being set up (calls reach it one at a time). */
  private current: Connection | undefined;
  /** Bumped by drop/close: a connect attempt from an older generation is abandoned. */
  private generation = 0;
  private seq = 0;
  /** The call running now; the calls after it wait in `waiting`, in order. */
  private turn: Turn | undefined;
  private readonly waiting: (() => void)[] = [];
  /**
   * One timer serves the timeouts of all calls: a call re-arms it only if the call's
   * deadline comes before the timer's; a timer that fires before the running call's
   * deadline re-arms itself for the rest. A call answered in time costs no timer work.
   */
  private timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (Infinity: not armed). */
  private timerDue = Infinity;
  private readonly timeoutMs: number;
  private readonly maxMessageSize: number;
  readonly serializer: Serializer;

  constructor(uri: PyroURI | string, options: ProxyOptions = {}) {
    this.uri = typeof uri === 'string' ? PyroURI.parse(uri) : uri;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxMessageSize = options.maxMessageSize ?? MAX_MESSAGE_SIZE;
    this.serializer = options.serializer ? serializerByName(options.serializer) : JSON_SERIALIZER;
  }

  /** Calls a remote method; a remote exception rejects with a RemoteError. */
  call(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: CallOptions = {}): Promise<unknown> {
    return this.serialized(options.timeoutMs, () => `call ${method}() on ${this.uri}`, (connection) => {
      const oneway = options.oneway ?? connection.metadata?.oneway.includes(method) ?? false;
      const data = this.serializer.encodeCall({ object: connection.objectId, method, params: tuple(...args), kwargs });
      return this.invoke(connection, data, oneway ? FLAGS_ONEWAY : 0);
    });
  }

  /**
   * Pyro4's batch: the calls run in order in one message. The results come back as a
   * list; a failed call appears as an ExceptionWrapper and ends the list.
   */
  batch(calls: BatchCall[], options: { timeoutMs?: number; oneway?: boolean } = {}): Promise<unknown[] | undefined> {
    return this.serialized(options.timeoutMs, () => `batch of ${calls.length} on ${this.uri}`, (connection) => {
      const params = calls.map(([method, args, kw]) => tuple<unknown>(method, tuple(...args), kw ?? {}));
      const data = this.serializer.encodeCall({ object: connection.objectId, method: '<batch>', params, kwargs: null });
      return this.invoke(connection, data, FLAGS_BATCH | (options.oneway ? FLAGS_ONEWAY : 0)) as Promise<unknown[] | undefined>;
    });
  }

  /** Pyro4's PING message (answered by the daemon without invoking anything). */
  ping(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.serialized(options.timeoutMs, () => `ping ${this.uri}`, (connection) =>
      connection.exchange(pyroMessage(MSG_PING, this.nextSeq(), Buffer.from('ping'), { serializerId: this.serializer.id }), (reply) => {
        if (reply.type !== MSG_PING) throw new PyroProtocolError(`ping answered with message type ${reply.type}`);
      }));
  }

  /** The exposed methods, oneway methods and attributes the daemon reported at connect. */
  metadata(options: { timeoutMs?: number } = {}): Promise<ObjectMetadata | undefined> {
    return this.serialized(options.timeoutMs, () => `connect to ${this.uri}`, async (connection) => connection.metadata);
  }

  /** Closes the connection (a later call reconnects). */
  async close(): Promise<void> {
    const connection = this.current;
    this.current = undefined;
    this.generation++;
    if (!this.turn) this.disarmTimer();
    if (!connection || connection.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
    connection.socket.end();
    const timer = setTimeout(() => connection.socket.destroy(), 1000);
    await closed;
    clearTimeout(timer);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) & 0xffff;
    return this.seq;
  }

  private invoke(connection: Connection, data: Buffer, flags: number): Promise<unknown> {
    const message = pyroMessage(MSG_INVOKE, this.nextSeq(), data, { flags, serializerId: this.serializer.id });
    return connection.exchange(message, flags & FLAGS_ONEWAY ? undefined : this.resultValue);
  }

  /** The value a RESULT reply carries; an exception reply throws its RemoteError. */
  private readonly resultValue = (reply: PyroMessage): unknown => {
    if (reply.type !== MSG_RESULT) throw new PyroProtocolError(`invoke answered with message type ${reply.type}`);
    const value = decodeBody(reply, this.serializer, this.maxMessageSize);
    if (reply.flags & FLAGS_EXCEPTION) {
      throw value instanceof RemoteError ? value : new PyroProtocolError('exception reply without an exception');
    }
    return value;
  };

  /**
   * Runs calls one at a time, each under its own timeout (which starts with its turn);
   * a timeout or any failure but a RemoteError drops the connection.
   */
  private serialized<T>(timeoutMs = this.timeoutMs, describe: () => string, run: (connection: Connection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        const turn: Turn = {
          deadline: performance.now() + timerDelay(timeoutMs),
          expire: () => {
            this.drop();
            this.endTurn();
            reject(new TimeoutError(describe(), timeoutMs));
          },
        };
        this.beginTurn(turn);
        this.work(timeoutMs, run).then(
          (value) => {
            if (this.turn !== turn) return; // it timed out meanwhile
            this.endTurn();
            resolve(value);
          },
          (error) => {
            if (this.turn !== turn) return;
            if (!(error instanceof RemoteError)) this.drop(); // a broken connection or reply
            this.endTurn();
            reject(error);
          },
        );
      };
      if (this.turn) this.waiting.push(start);
      else start();
    });
  }

  /** What a call does with its turn: `run` on the open connection, after (re)connecting if needed. */
  private work<T>(timeoutMs: number, run: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = this.current;
    if (!connection?.ready || !connection.usable) {
      this.drop();
      return this.connect(timeoutMs).then(run);
    }
    try {
      return run(connection);
    } catch (error) {
      return Promise.reject(error); // e.g. arguments json cannot carry
    }
  }

  private beginTurn(turn: Turn) {
    this.turn = turn;
    if (turn.deadline < this.timerDue) this.armTimer(turn.deadline);
    else this.timer?.ref();
  }

  /** Ends the running call's turn and starts the next waiting call, if any. */
  private endTurn() {
    this.turn = undefined;
    const next = this.waiting.shift();
    if (next) next();
    else this.timer?.unref(); // an idle client must not keep the process alive
  }

  private armTimer(due: number) {
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(due - performance.now())));
  }

  private disarmTimer() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private readonly onTimer = () => {
    this.timer = undefined;
    this.timerDue = Infinity;
    const turn = this.turn;
    if (!turn) return;
    if (performance.now() >= turn.deadline) turn.expire();
    else this.armTimer(turn.deadline);
  };

  private drop() {
    this.generation++;
    this.current?.fail(new ConnectionClosedError('connection dropped'));
    this.current = undefined;
  }

  /** Resolves the URI, opens the socket and does the CONNECT handshake (metadata on connect). */
  private async connect(timeoutMs: number): Promise<Connection> {
    const generation = this.generation;
    const uri = this.uri.protocol === 'PYRONAME'
      ? await resolveName(this.uri, { timeoutMs, serializer: this.serializer.name, maxMessageSize: this.maxMessageSize })
      : this.uri;
    const socket = await connectTcp(uri.host!, uri.port!, timeoutMs);
    if (generation !== this.generation) {
      socket.destroy();
      throw new ConnectionClosedError('connect abandoned');
    }
    const connection = new Connection(socket, uri.object, this.maxMessageSize);
    this.current = connection;
    const request = this.serializer.encode({ handshake: 'hello', object: uri.object });
    const handshake = pyroMessage(MSG_CONNECT, this.seq, request, { flags: FLAGS_META_ON_CONNECT, serializerId: this.serializer.id });
    const reply = (await connection.exchange(handshake, (message) => message))!;
    if (reply.type !== MSG_CONNECTOK) {
      const error = reply.type === MSG_CONNECTFAIL
        ? new PyroProtocolError(`connection to ${uri.location} rejected: ${refusal(reply, this.maxMessageSize)}`)
        : new PyroProtocolError(`connect answered with message type ${reply.type}`);
      connection.fail(error);
      throw error;
    }
    const body = decodeBody(reply, this.serializer, this.maxMessageSize);
    if (reply.flags & FLAGS_META_ON_CONNECT) connection.metadata = (body as { meta?: ObjectMetadata }).meta;
    connection.ready = true;
    return connection;
  }
}

/** A remote method: resolves with the result, rejects with RemoteError, TimeoutError, ... */
export type RemoteMethod = (...args: unknown[]) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A JS Proxy over a PyroClient: every property is a remote method, except `$pyro` and `close`. */
export type RemoteObject = { [method: string]: RemoteMethod } & {
  /** The underlying client (batch, ping, per-call options, methods named `close` or `then`). */
  readonly $pyro: PyroClient;
  close(): Promise<void>;
};

/** `const echo = createProxy('PYRONAME:wireproof.echo@127.0.0.1:9090'); await echo.add(1, 2)`. */
export function createProxy(uri: PyroURI | string, options: ProxyOptions = {}): RemoteObject {
  const client = new PyroClient(uri, options);
  const close = () => client.close();
  return new Proxy({} as RemoteObject, {
    get(_, property) {
      if (typeof property === 'symbol' || property === 'then') return undefined; // not a thenable
      if (property === '$pyro') return client;
      if (property === 'close') return close;
      return (...args: unknown[]) => {
        const last = args[args.length - 1];
        return isKwArgs(last) ? client.call(property, args.slice(0, -1), last[KWARGS]) : client.call(property, args);
      };
    },
  });
}

/** Resolves `PYRONAME:name[@host:port]` to the PYRO URI registered in that name server. */
export async function resolveName(uri: PyroURI, options: ProxyOptions = {}): Promise<PyroURI> {
  const nameServer = locateNameServer(uri.host ?? DEFAULT_HOST, uri.port ?? DEFAULT_NS_PORT, options);
  try {
    const found = await nameServer.call('lookup', [uri.object]);
    return found instanceof PyroURI ? found : PyroURI.parse(String(found));
  } finally {
    await nameServer.close();
  }
}

/** A client for the name server at host:port (object `Pyro.NameServer`), with the proxy options given (serializer, timeout). */
export function locateNameServer(host = DEFAULT_HOST, port = DEFAULT_NS_PORT, options: ProxyOptions = {}): PyroClient {
  return new PyroClient(PyroURI.direct(NAMESERVER_OBJECT_ID, host, port), options);
}
