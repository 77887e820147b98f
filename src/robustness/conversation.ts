/**
 * A protocol's part in the volume and many-clients loads (its plugin's `load.messaging`):
 * how one client of the target sends message `seq` and how each answer is told whose it
 * is. The loads around it (src/robustness/volume.ts) are the same for every protocol.
 *
 * Most protocols answer on the connection they were asked on: `streamLink` is that
 * connection, given how to encode a message and how to take one answer off the front of
 * what arrived. It is untraced and bounded: what waits to be parsed never exceeds the
 * largest answer the protocol may send.
 */
import type net from 'node:net';
import type { Endpoint } from '../conform/driver';
import { connectTcp } from '../impl/common/net';
import { endAndWait } from './sockets';
import type { Identified } from './messages';

export interface Answer {
  /** The message it answers: told by its mark, or by its place where answers carry none. Undefined: no message of this client's. */
  seq?: number;
  /** Whole and unchanged (or, where an answer is not an echo, the answer the message asks for). */
  intact: boolean;
  /** What was wrong with it, for the findings. */
  what?: string;
  /** The server announced that it closes the connection after this answer (HTTP/1.0, `Connection: close`). */
  closes?: boolean;
}

export interface LinkEvents {
  answer(answer: Answer): void;
  /** The connection ended; `how` says by whom and how; `midAnswer`: part of an answer had arrived. */
  ended(how: string, midAnswer: boolean): void;
}

export interface ClientLink {
  /** False once the connection is closed for writing. */
  canSend(): boolean;
  /** Hands message `seq` to the connection; resolves with its size in bytes when the connection can take more (never rejects: an end is an event). */
  send(seq: number): Promise<number>;
  /** The client is done: FIN (after a goodbye where the protocol has one), then the server's close (a one-client server serves the next only then). */
  finish(timeoutMs: number): Promise<void>;
  destroy(): void;
}

export interface LinkOptions {
  /** The client's number: every message it sends carries it. */
  client: number;
  /** Largest message to send. */
  maxBytes: number;
  timeoutMs: number;
}

export interface Messaging {
  /** Messages in flight at once per client: 1 where the protocol's own clients wait for each answer (rpc, http). */
  window: number;
  /** Answers carry no mark of their message: each answers the oldest message without one (told by place only). */
  byPosition: boolean;
  /** Largest message of the volume load (within the protocol's maximum). */
  maxMessageBytes: number;
  /** Sockets of the suite's own per client (lenmsg: the central's connection back too). */
  socketsPerClient?: number;
  /**
   * A request the server closed the connection on before any byte of its answer is sent
   * again on a new connection (HTTP's idempotent requests, RFC 9112 §9.3.1: a keep-alive
   * timeout may strike as a request is sent). Elsewhere such a request is lost.
   */
  retryAfterClose?: boolean;
  /** What the messages are, for the report. */
  describe: string;
  open(options: LinkOptions, events: LinkEvents): Promise<ClientLink>;
  /** Problems of the run as a whole, once every client is done (lenmsg: heartbeats that came too late). */
  findings?(): string[];
  close(): Promise<void>;
}

/** Prepares a load's messaging against a target (one name-server lookup, one remote server, ...). */
export type MessagingFactory = (endpoint: Endpoint, timeoutMs: number) => Promise<Messaging>;

/** One answer off the front of the bytes received, or undefined while it is incomplete; may throw for bytes that are no answer. */
export type AnswerParse = (received: Buffer, oldest: number | undefined) => { answer: Answer; consumed: number } | undefined;

export interface StreamCodec {
  encode(seq: number): Buffer;
  parse: AnswerParse;
  /** Bytes that may wait for an answer to complete; past it the stream is broken. */
  maxAnswerBytes: number;
  /** Answers carry no mark: `parse` gets the oldest message still unanswered. */
  byPosition: boolean;
}

/** A client on one socket that carries both the messages and their answers. */
export function streamLink(socket: net.Socket, codec: StreamCodec, events: LinkEvents): ClientLink {
  let pending: Buffer = Buffer.alloc(0);
  /** Messages sent and not yet answered, oldest at `head`: kept only where answers are told by place. */
  const inFlight: number[] = [];
  let head = 0;
  let ended = false;
  const end = (how: string) => {
    if (ended) return;
    ended = true;
    events.ended(how, pending.length > 0);
  };
  const broken = (what: string) => {
    events.answer({ intact: false, what });
    socket.destroy();
    end(`the suite closed it: ${what}`);
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      let unit: ReturnType<AnswerParse>;
      try {
        unit = codec.parse(pending, head < inFlight.length ? inFlight[head] : undefined);
      } catch (err) {
        return broken((err as Error).message);
      }
      if (!unit) break;
      pending = pending.subarray(unit.consumed);
      if (head < inFlight.length) head++;
      if (head > 1024) {
        inFlight.splice(0, head); // the answered front goes: the queue stays as long as the window
        head = 0;
      }
      events.answer(unit.answer);
    }
    if (pending.length > codec.maxAnswerBytes) broken(`${pending.length} bytes that make no answer`);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => end(`reset by the server (${err.code ?? err.message})`));
  socket.once('end', () => end('closed by the server (FIN)'));
  socket.once('close', () => end('closed by the server'));
  return {
    canSend: () => !ended && !socket.destroyed && !socket.writableEnded,
    send(seq) {
      if (codec.byPosition) inFlight.push(seq);
      return writeMessage(socket, codec.encode(seq));
    },
    finish: (timeoutMs) => endAndWait(socket, timeoutMs),
    destroy: () => socket.destroy(),
  };
}

/** Writes one message; resolves with its size once the socket can take more (drained or closed). */
export function writeMessage(socket: net.Socket, message: Buffer): Promise<number> {
  if (socket.write(message)) return Promise.resolve(message.length);
  return new Promise((resolve) => {
    const done = () => { socket.off('drain', done); socket.off('close', done); resolve(message.length); };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/** The answer an identified message makes for `client`: another client's message, or none, is no answer of its. */
export function answerOf(found: Identified | undefined, client: number, what: string): Answer {
  if (!found) return { intact: false, what: `${what} that carries no message's mark` };
  if (found.client !== client) return { intact: false, what: `${what} carrying client ${found.client + 1}'s message ${found.seq + 1}` };
  return { seq: found.seq, intact: found.intact, ...(found.intact ? {} : { what: `${what} not the message sent` }) };
}

export interface SocketMessagingSpec extends Omit<Messaging, 'open' | 'close'> {
  /** The codec of one client (its number is in every message). */
  codec(options: LinkOptions): StreamCodec;
  /** Connects one client (default: a TCP connection to the endpoint's port); may greet first (rpc's handshake). */
  connect?(options: LinkOptions): Promise<net.Socket>;
}

/** Messaging where each client is one connection to the target that carries messages and answers. */
export function socketMessaging(endpoint: Endpoint, spec: SocketMessagingSpec): Messaging {
  const { codec, connect, ...rest } = spec;
  return {
    ...rest,
    async open(options, events) {
      const socket = connect ? await connect(options) : await connectTcp(endpoint.host, endpoint.port, options.timeoutMs);
      return streamLink(socket, codec(options), events);
    },
    close: async () => undefined,
  };
}
