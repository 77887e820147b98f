import net from 'node:net';

import { ConnectionClosedError, withTimeout } from '../common/errors';
import { connectTcp, DEFAULT_HOST } from '../common/net';
import { AsyncQueue } from '../common/queue';
import { INVALID_PACKET, LineTextFramer, OVERSIZED_PACKET } from '../oneline/framer';
import {
  CobraProtocolError, CobraStatus, ControlMessage, DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT, ErrorReply, FileReply,
  OutputEvent, parseControlMessage, parseFileReply,
} from './protocol';

/** Longest line the client takes from a server unless told: an output event carries up to a pipe read. */
export const DEFAULT_MAX_LINE = 1 << 22;

export interface CobraClientOptions {
  host?: string;
  filePort?: number;
  controlPort?: number;
  /** Default for every wait (connect, replies, close). */
  timeoutMs?: number;
  /** Largest line accepted from the server (an output event carries up to a pipe read). */
  maxLine?: number;
  /** Called for every output event, as it arrives. */
  onOutput?: (event: OutputEvent) => void;
}

export interface WaitOptions {
  timeoutMs?: number;
}

/** The server refused a request (`{"error":TEXT}`); nothing changed on the server. */
export class CobraError extends Error {
  override name = 'CobraError';
}

/** Feeds every line of `socket` to `onLine`; a close (or an unparsable line) fails `inbox`. */
function readLines<T>(socket: net.Socket, maxLine: number, inbox: AsyncQueue<T>, onLine: (line: string) => void): Promise<void> {
  const framer = new LineTextFramer(maxLine);
  socket.on('data', (chunk: Buffer) => {
    try {
      framer.push(chunk, (line) => {
        if (line === OVERSIZED_PACKET) throw new CobraProtocolError(`a server line longer than ${maxLine} bytes`);
        if (line === INVALID_PACKET) throw new CobraProtocolError('a server line that is not UTF-8'); // never replacement characters
        onLine(line);
      });
    } catch (err) {
      inbox.end(err as Error);
      socket.destroy();
    }
  });
  socket.on('error', () => undefined); // reported as the close that follows
  return new Promise((resolve) => {
    const done = () => { inbox.end(new ConnectionClosedError('connection closed by the server')); resolve(); };
    socket.once('end', done);
    socket.once('close', done);
  });
}

/**
 * The cobra reference client, for any server that speaks PROTOCOLS.md §6: loads a program
 * through the file port and steps it through the control port. Requests run one at a time.
 * A server that sends a status on its own (the status of a program already stopped when
 * this client attached) is read with waitStatus().
 */
export class CobraClient {
  /** Every output event received so far, in order. */
  readonly output: OutputEvent[] = [];
  /** The latest status received. */
  status: CobraStatus | undefined;

  private readonly replies = new AsyncQueue<CobraStatus | ErrorReply>();
  private readonly fileReplies = new AsyncQueue<FileReply>();
  private readonly controlEnded: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly fileSocket: net.Socket,
    private readonly controlSocket: net.Socket,
    private readonly timeoutMs: number,
    maxLine: number,
    private readonly onOutput?: (event: OutputEvent) => void,
  ) {
    void readLines(fileSocket, maxLine, this.fileReplies, (line) => this.fileReplies.push(parseFileReply(line)));
    this.controlEnded = readLines(controlSocket, maxLine, this.replies, (line) => this.onControlMessage(parseControlMessage(line)));
  }

  /** Connects to the control port, then to the file port. */
  static async connect(options: CobraClientOptions = {}): Promise<CobraClient> {
    const host = options.host ?? DEFAULT_HOST;
    const timeoutMs = options.timeoutMs ?? 5000;
    const control = await connectTcp(host, options.controlPort ?? DEFAULT_CONTROL_PORT, timeoutMs);
    let file: net.Socket;
    try {
      file = await connectTcp(host, options.filePort ?? DEFAULT_FILE_PORT, timeoutMs);
    } catch (err) {
      control.destroy();
      throw err;
    }
    return new CobraClient(file, control, timeoutMs, options.maxLine ?? DEFAULT_MAX_LINE, options.onOutput);
  }

  /**
   * Sends a program's path; resolves with the program's first status (STANDBY before its
   * first instruction, or its end if it ends before any). CobraError when refused.
   */
  load(path: string, { timeoutMs = this.timeoutMs }: WaitOptions = {}): Promise<CobraStatus> {
    return this.serially(async () => {
      const reply = await this.exchangePath(path, timeoutMs);
      if ('error' in reply) throw new CobraError(reply.error);
      return this.expectStatus(await this.replies.take(timeoutMs, `first status of ${reply.file}`));
    });
  }

  /**
   * Sends a program's path and resolves with the file port's answer, `{"ok":true,"file"}`
   * or `{"error"}` (a refusal is an answer here, not an error). After `ok` the program's
   * first status follows on the control port: read it with waitStatus().
   */
  sendPath(path: string, { timeoutMs = this.timeoutMs }: WaitOptions = {}): Promise<FileReply> {
    return this.serially(() => this.exchangePath(path, timeoutMs));
  }

  /** Executes one instruction; resolves with the status after it. CobraError when refused. */
  async next(options: WaitOptions = {}): Promise<CobraStatus> {
    return this.expectStatus(await this.command('next', options));
  }

  /** Sends any command line and resolves with the server's answer: a status or an error reply. */
  command(text: string, { timeoutMs = this.timeoutMs }: WaitOptions = {}): Promise<CobraStatus | ErrorReply> {
    if (text.includes('\n')) return Promise.reject(new RangeError('a command cannot contain LF'));
    return this.serially(() => {
      this.controlSocket.write(text + '\n');
      return this.replies.take(timeoutMs, `answer to ${JSON.stringify(text)}`);
    });
  }

  /** Waits for a status the server sends without a request. */
  waitStatus({ timeoutMs = this.timeoutMs }: WaitOptions = {}): Promise<CobraStatus> {
    return this.serially(async () => this.expectStatus(await this.replies.take(timeoutMs, 'status')));
  }

  /** Sends `close` (the server stops the program and stops listening) and waits until it disconnected us. */
  close({ timeoutMs = this.timeoutMs }: WaitOptions = {}): Promise<void> {
    return this.serially(async () => {
      this.controlSocket.write('close\n');
      try {
        await withTimeout(this.controlEnded, timeoutMs, 'server disconnecting after close');
      } finally {
        this.disconnect();
      }
    });
  }

  /** Drops both connections without a command (the server then stops the program). */
  disconnect(): void {
    this.fileSocket.destroy();
    this.controlSocket.destroy();
  }

  private exchangePath(path: string, timeoutMs: number): Promise<FileReply> {
    if (path.includes('\n')) return Promise.reject(new RangeError('a path cannot contain LF'));
    this.fileSocket.write(path + '\n');
    return this.fileReplies.take(timeoutMs, `reply to path ${JSON.stringify(path)}`);
  }

  private onControlMessage(message: ControlMessage): void {
    if ('event' in message) {
      this.output.push(message);
      this.onOutput?.(message);
      return;
    }
    if ('state' in message) this.status = message;
    this.replies.push(message);
  }

  private expectStatus(message: CobraStatus | ErrorReply): CobraStatus {
    if ('state' in message) return message;
    throw new CobraError(message.error);
  }

  private serially<T>(request: () => Promise<T>): Promise<T> {
    const result = this.queue.then(request, request);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
