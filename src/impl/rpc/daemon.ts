import net from 'node:net';

import { FramingError } from '../common/framer';
import { closeGracefully, listenTcp, ListenOptions, RunningServer } from '../common/net';
import { ExposedObject, Exposure, ObjectMetadata } from './exposed';
import { encodeJson, exceptionDict, ExceptionWrapper, RemoteError } from './json';
import {
  correlation, encodeMessage, FLAGS_BATCH, FLAGS_EXCEPTION, FLAGS_META_ON_CONNECT, FLAGS_ONEWAY,
  MAX_MESSAGE_SIZE, messageBody, MessageFramer, MSG_CONNECT, MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_PING,
  MSG_RESULT, PyroMessage, pyroMessage,
} from './message';
import { type CallData, isDict, type Serializer, SERIALIZER_NAMES, serializerById, serializerByName, type SerializerName } from './serializers';
import { DAEMON_OBJECT_ID, PyroURI } from './uri';

export interface DaemonOptions extends ListenOptions {
  /** Largest annotations + body accepted; a bigger message closes the connection. */
  maxMessageSize?: number;
  /**
   * The serializers accepted (Pyro4's SERIALIZERS_ACCEPTED; default serpent and json).
   * A CONNECT in another gets CONNECTFAIL and a close; an INVOKE in another gets a
   * SerializeError in that serializer (when wireproof speaks it) and a close, as in Pyro4.
   */
  serializers?: readonly SerializerName[];
}

/** A running daemon: register objects at any time; their URIs name the bound port. */
export interface RpcDaemon extends RunningServer {
  register(objectId: string, target: object, exposure: Exposure): PyroURI;
  unregister(objectId: string): boolean;
  uriFor(objectId: string): PyroURI;
}

/** What the daemon does with one received message. */
interface Outcome {
  reply?: PyroMessage;
  /** Close the connection (after sending the reply, if any). */
  close?: boolean;
}

/**
 * CONNECTFAIL carrying the reason, in the serializer of the CONNECT once it was accepted;
 * before that in json (Pyro4 uses marshal there, which wireproof does not speak).
 */
function connectFail(seq: number, reason: string, annotations?: ReadonlyMap<string, Buffer>, serializer?: Serializer): PyroMessage {
  return serializer
    ? pyroMessage(MSG_CONNECTFAIL, seq, serializer.encode(reason), { annotations, serializerId: serializer.id })
    : pyroMessage(MSG_CONNECTFAIL, seq, encodeJson(reason), { annotations });
}

const notAccepted = (id: number) => `message used serializer that is not accepted: ${id}`;

function pyroError(pythonClass: string, message: string): RemoteError {
  return new RemoteError(`Pyro4.errors.${pythonClass}`, [message]);
}

/** The object registry and request dispatch of a daemon, without sockets. */
export class DaemonCore {
  private readonly objects = new Map<string, ExposedObject>();

  private readonly accepted: ReadonlySet<number>;

  constructor(
    private readonly describe: () => string,
    private readonly maxMessageSize = MAX_MESSAGE_SIZE,
    serializers: readonly SerializerName[] = SERIALIZER_NAMES,
  ) {
    this.accepted = new Set(serializers.map((name) => serializerByName(name).id));
    // Pyro4's DaemonObject: what Pyro4 proxies call on every daemon.
    const daemonObject = {
      registered: () => [...this.objects.keys()],
      ping: () => null,
      info: () => this.describe(),
      // Pyro4 answers sets (json carries them as lists), lists when asked as_lists (its proxies' CONNECT does).
      get_metadata: (objectId: string, asLists?: boolean) => {
        const meta = this.metadata(objectId);
        return asLists ? meta : { methods: new Set(meta.methods), oneway: new Set(meta.oneway), attrs: new Set(meta.attrs) };
      },
    };
    this.register(DAEMON_OBJECT_ID, daemonObject, {
      methods: { registered: [], ping: [], info: [], get_metadata: ['objectId', 'as_lists?'] },
    });
  }

  register(objectId: string, target: object, exposure: Exposure): void {
    if (this.objects.has(objectId)) throw new Error(`an object is already registered as ${JSON.stringify(objectId)}`);
    this.objects.set(objectId, new ExposedObject(target, exposure));
  }

  unregister(objectId: string): boolean {
    return objectId !== DAEMON_OBJECT_ID && this.objects.delete(objectId);
  }

  has(objectId: string): boolean {
    return this.objects.has(objectId);
  }

  metadata(objectId: unknown): ObjectMetadata {
    const object = typeof objectId === 'string' ? this.objects.get(objectId) : undefined;
    if (!object) throw pyroError('DaemonError', 'unknown object');
    return object.metadata();
  }

  /** The accepted serializer of a message's id, or undefined. */
  private serializerOf(message: PyroMessage): Serializer | undefined {
    return this.accepted.has(message.serializerId) ? serializerById(message.serializerId) : undefined;
  }

  /** The CONNECT handshake: CONNECTOK (with metadata on request) or CONNECTFAIL and close, in the CONNECT's serializer. */
  handshake(message: PyroMessage): Outcome {
    let serializer: Serializer | undefined;
    const reply = (flags: number, body: unknown) =>
      pyroMessage(MSG_CONNECTOK, message.seq, serializer!.encode(body), { flags, annotations: correlation(message), serializerId: serializer!.id });
    try {
      if (message.type !== MSG_CONNECT) throw new Error(`invalid msg type ${message.type} received`);
      serializer = this.serializerOf(message);
      if (!serializer) throw new Error(notAccepted(message.serializerId));
      const request = this.body(message, serializer);
      if (!isDict(request) || !Object.hasOwn(request, 'handshake')) throw new Error('handshake data without "handshake"');
      if (message.flags & FLAGS_META_ON_CONNECT) {
        const meta = this.metadata(request.object);
        return { reply: reply(FLAGS_META_ON_CONNECT, { handshake: 'hello', meta }) };
      }
      return { reply: reply(0, 'hello') };
    } catch (error) {
      const reason = error instanceof RemoteError ? String(error.args[0]) : (error as Error).message;
      return { reply: connectFail(message.seq, reason, correlation(message), serializer), close: true };
    }
  }

  /**
   * A message after the handshake: PING, or INVOKE (single, batch, oneway). A method that
   * returns a plain value is answered at once; one that returns an object (perhaps a
   * promise or thenable) is awaited first.
   */
  request(message: PyroMessage): Outcome | Promise<Outcome> {
    if (message.type === MSG_PING) {
      // Pyro4 answers any serializer id here (its own ping uses 42) and deserializes nothing.
      return { reply: pyroMessage(MSG_PING, message.seq, Buffer.from('pong'), { serializerId: message.serializerId, annotations: correlation(message) }) };
    }
    // A serializer wireproof does not speak cannot even carry the error: the connection closes (Pyro4 too).
    const serializer = serializerById(message.serializerId);
    if (message.type !== MSG_INVOKE || !serializer) return { close: true };
    const oneway = (message.flags & FLAGS_ONEWAY) !== 0;
    const batch = (message.flags & FLAGS_BATCH) !== 0;
    const result = (flags: number, data: Buffer): Outcome =>
      oneway ? {} : { reply: pyroMessage(MSG_RESULT, message.seq, data, { flags, annotations: correlation(message), serializerId: serializer.id }) };
    const answer = (value: unknown): Outcome => result(batch ? FLAGS_BATCH : 0, serializer.encode(value));
    const failure = (error: unknown): Outcome => result(FLAGS_EXCEPTION, encodeException(error, serializer));
    if (!this.accepted.has(serializer.id)) {
      // As Pyro4: the SerializeError goes back in the refused serializer itself, then the connection closes.
      return { ...failure(pyroError('SerializeError', notAccepted(serializer.id))), close: true };
    }
    try {
      const call = parseCall(serializer.callOf(this.body(message, serializer)));
      const object = this.objects.get(call.object);
      if (!object) throw pyroError('DaemonError', 'unknown object');
      const value = batch ? runBatch(object, call.params) : object.method(call.method)(call.params, call.kwargs ?? {});
      const mayBeThenable = (typeof value === 'object' && value !== null) || typeof value === 'function';
      return mayBeThenable ? Promise.resolve(value).then(answer).catch(failure) : answer(value);
    } catch (error) {
      return failure(error);
    }
  }

  /** The decoded body; a body that cannot be decoded is Pyro4's SerializeError. */
  private body(message: PyroMessage, serializer: Serializer): unknown {
    try {
      return serializer.decode(messageBody(message, this.maxMessageSize));
    } catch (error) {
      throw pyroError('SerializeError', `cannot decode message body: ${(error as Error).message}`);
    }
  }
}

interface Call {
  object: string;
  method: string;
  params: unknown[];
  kwargs: Record<string, unknown> | null;
}

/** Checks the parts Pyro4's dumpsCall writes: object id, method name, positional arguments, keyword arguments. */
function parseCall(parts: CallData | undefined): Call {
  if (
    parts && typeof parts.object === 'string' && typeof parts.method === 'string' &&
    Array.isArray(parts.params) && (parts.kwargs === null || isDict(parts.kwargs))
  ) {
    return parts as Call;
  }
  throw pyroError('SerializeError', 'call data must be object id (str), method (str), params (list or tuple), kwargs (dict of str keys)');
}

/**
 * Pyro4's batch: every call in order; the first failure is returned wrapped and stops
 * the batch. A method that is not exposed fails the whole message, as in Pyro4.
 */
async function runBatch(object: ExposedObject, calls: unknown[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const entry of calls) {
    if (!Array.isArray(entry) || entry.length !== 3 || !Array.isArray(entry[1]) || !isDict(entry[2])) {
      throw pyroError('SerializeError', 'a batch entry must be [method, params, kwargs]');
    }
    const run = object.method(entry[0] as string);
    try {
      results.push(await run(entry[1], entry[2]));
    } catch (error) {
      results.push(new ExceptionWrapper(error));
      break;
    }
  }
  return results;
}

/** The exception as Pyro4 sends it; one that cannot be serialized becomes a PyroError, as in Pyro4. */
function encodeException(error: unknown, serializer: Serializer): Buffer {
  try {
    // An Error is written as the serializer writes exceptions (serpent: args as a tuple); anything else thrown as its dict.
    return serializer.encode(error instanceof Error ? error : exceptionDict(error));
  } catch (encodeError) {
    return serializer.encode(pyroError('PyroError', `Error serializing exception: ${(encodeError as Error).message}`));
  }
}

/**
 * Starts a daemon. Each connection must pass the CONNECT handshake first; its messages
 * are then handled strictly one after another. A framing error (bad magic, version,
 * checksum, oversize) closes that connection only.
 */
export async function startDaemon(options: DaemonOptions = {}): Promise<RpcDaemon> {
  const maxMessageSize = options.maxMessageSize ?? MAX_MESSAGE_SIZE;
  let location = '';
  const core = new DaemonCore(() => `${DAEMON_OBJECT_ID} bound on ${location}, wireproof daemon`, maxMessageSize, options.serializers);
  let stopping = false;
  const idle = new Set<net.Socket>();

  const serve = (socket: net.Socket) => {
    socket.on('error', () => socket.destroy());
    const framer = new MessageFramer(maxMessageSize);
    const queue: PyroMessage[] = [];
    let queuedBytes = 0;
    let connected = false;
    let busy = false;
    let broken = false; // a framing error: answer what came before it, then close
    let done = false;

    const finish = () => {
      done = true;
      queue.length = 0;
      idle.delete(socket);
      socket.end(); // flushes replies already written, then FIN
      socket.resume(); // and discards whatever the peer still sends
    };
    /** Sends the outcome's reply, then closes if it says so (nothing once the connection is done). */
    const act = (outcome: Outcome) => {
      if (done) return;
      if (outcome.reply) socket.write(encodeMessage(outcome.reply));
      if (outcome.close) finish();
    };
    /** Answers the queued messages in order: at once while outcomes are ready, resuming after one that must be awaited. */
    const drain = (): void => {
      busy = true;
      idle.delete(socket);
      while (queue.length > 0 && !done) {
        const message = queue.shift()!;
        queuedBytes -= message.data.length;
        const outcome = connected ? core.request(message) : core.handshake(message);
        connected = true;
        if (outcome instanceof Promise) {
          outcome.then((settled) => {
            act(settled);
            drain();
          }).catch(() => socket.destroy());
          return;
        }
        act(outcome);
      }
      busy = false;
      if (done) return;
      if (broken || stopping) return finish();
      idle.add(socket);
      if (socket.isPaused()) socket.resume();
    };
    const enqueue = (message: PyroMessage) => {
      queue.push(message);
      queuedBytes += message.data.length;
    };
    socket.on('data', (chunk: Buffer) => {
      if (done || broken) return;
      try {
        framer.push(chunk, enqueue);
        // Bounded memory: past one maximum message of queued requests, nothing more is read until they are answered.
        if (queuedBytes > maxMessageSize) socket.pause();
      } catch (error) {
        if (!(error instanceof FramingError)) return void socket.destroy();
        broken = true;
        // Like Pyro4, a connection that breaks before its handshake is told why.
        if (!connected && queue.length === 0) socket.write(encodeMessage(connectFail(0, error.message)));
      }
      if (!busy) {
        if (queue.length > 0) {
          try {
            drain();
          } catch {
            socket.destroy(); // a reply that could not be written
          }
        } else if (broken) finish();
      }
    });
    socket.once('close', () => {
      done = true;
      idle.delete(socket);
    });
    idle.add(socket);
  };

  const running = await listenTcp((socket) => (stopping ? socket.destroy() : serve(socket)), options);
  location = `${running.host}:${running.port}`;
  const uriFor = (objectId: string) => {
    if (!core.has(objectId)) throw new Error(`no object registered as ${JSON.stringify(objectId)}`);
    return PyroURI.direct(objectId, running.host, running.port);
  };
  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    register(objectId, target, exposure) {
      core.register(objectId, target, exposure);
      return uriFor(objectId);
    },
    unregister: (objectId) => core.unregister(objectId),
    uriFor,
    close() {
      if (!stopping) {
        stopping = true;
        // Idle connections go now; a busy one after the reply it is computing.
        closeGracefully(running, 2000, () => {
          for (const socket of idle) socket.end();
        });
      }
      return running.closed;
    },
  };
}
