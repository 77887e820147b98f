import { promises as fs } from 'node:fs';
import net from 'node:net';

import { closeGracefully, listenTcp, RunningServer, TcpListener } from '../common/net';
import { LineFramer, OVERSIZED_PACKET } from '../oneline/framer';
import { resolveInJail } from './jail';
import {
  ControlMessage, DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT, FileReply, MAX_REQUEST_LINE, messageLine, StandbyStatus,
} from './protocol';
import { PythonSession, TRACER_PATH } from './session';

export interface CobraServerOptions {
  host?: string;
  /** Where clients send the program's path; 0 = ephemeral. */
  filePort?: number;
  /** Where the client steps the program; 0 = ephemeral. */
  controlPort?: number;
  /** Programs must be `.py` files under this directory (default: the working directory). */
  root?: string;
  /** The Python that runs the tracer (default `python3` from PATH). */
  python?: string;
  tracerPath?: string;
}

export interface CobraServer extends RunningServer {
  /** Same as `port`: the file port actually bound. */
  readonly filePort: number;
  readonly controlPort: number;
  /** The real path of the root directory. */
  readonly root: string;
}

/** Lines a connection may have waiting for their turn before it stops being read. */
const MAX_BACKLOG = 16;
/** How long close() lets queued replies flush before it destroys the sockets. */
const CLOSE_GRACE_MS = 2000;

/**
 * Reads LF-terminated lines (a CR before the LF is dropped) and hands them to `handle`
 * one at a time, in order, each after the previous one's promise settled, so a reply
 * never depends on how the client's lines were split into segments. An oversized line
 * comes as undefined. An `urgent` line jumps the queue and discards it (close must not
 * wait for a long instruction). Memory stays bounded: past MAX_BACKLOG waiting lines
 * the socket is paused, so the kernel holds the rest.
 */
function serveLines(
  socket: net.Socket,
  handle: (line: string | undefined) => unknown,
  urgent: (line: string) => boolean = () => false,
): void {
  const framer = new LineFramer(MAX_REQUEST_LINE);
  const backlog: (string | undefined)[] = [];
  let busy = false;
  const work = async () => {
    busy = true;
    while (backlog.length > 0) await handle(backlog.shift());
    busy = false;
    if (socket.isPaused() && !socket.destroyed) socket.resume();
  };
  socket.on('data', (chunk: Buffer) => {
    framer.push(chunk, (frame) => {
      const line = frame === OVERSIZED_PACKET ? undefined : frame.toString('utf8').replace(/\r$/, '');
      if (line === undefined || !urgent(line)) return void backlog.push(line);
      backlog.length = 0;
      void handle(line);
    });
    if (backlog.length > MAX_BACKLOG) socket.pause();
    if (!busy) void work();
  });
}

/**
 * The cobra server: a path on the file port starts one Python program, stopped before
 * its first instruction; the control client steps it with `next` and receives its status
 * and output. One program and one control client at a time.
 *
 * Choices where PROTOCOLS.md §6 is silent:
 * - An uncaught exception ends the program as under plain python3: its traceback in
 *   stderr output events, then FINISHED with exit code 1. ERROR means the process did
 *   not exit by itself (killed by a signal) or the tracer broke its channel.
 * - A second control client gets `{"error"}` and is closed. When the control client
 *   leaves (without `close`), its program is killed, so the next client starts clean.
 *   A client attaching while a program is stopped first gets that program's status.
 * - Control commands are answered in order, each after the previous one's reply (a
 *   `next` is answered by the following status), so replies do not depend on how the
 *   lines were split into segments; `close` jumps that queue only while an instruction
 *   executes (a long one must not hold it up): that instruction's status never comes.
 * - The program runs in the root directory, with stdin on /dev/null; output text is its
 *   bytes decoded as UTF-8 (invalid sequences become U+FFFD).
 */
export async function startCobraServer(options: CobraServerOptions = {}): Promise<CobraServer> {
  const root = await fs.realpath(options.root ?? process.cwd());
  const python = options.python ?? 'python3';
  const tracerPath = options.tracerPath ?? TRACER_PATH;

  let session: PythonSession | undefined; // from a successful load until its end is reported
  let stopped: StandbyStatus | undefined; // set while the session waits for `next`
  let stepDone: (() => void) | undefined; // ends the `next` in progress: the control client's next line may go
  let controller: net.Socket | undefined;
  let stopping = false;
  let loading = Promise.resolve(); // loads from every file connection, one after another

  const send = (message: ControlMessage) => {
    if (!controller || controller.destroyed) return;
    if (!controller.write(messageLine(message)) && session && controller.listenerCount('drain') === 0) {
      // A client that does not read holds the program's output back, and so the program.
      const held = session;
      held.setOutputFlowing(false);
      controller.once('drain', () => held.setOutputFlowing(true));
    }
  };

  const endStep = () => {
    stepDone?.();
    stepDone = undefined;
  };

  const dropSession = () => {
    const killed = session?.kill() ?? Promise.resolve();
    session = undefined;
    stopped = undefined;
    endStep();
    return killed;
  };

  const load = async (requested: string): Promise<FileReply> => {
    if (session) return { error: 'a program is already running' };
    const verdict = await resolveInJail(root, requested);
    if ('error' in verdict) return verdict;
    if (stopping) return { error: 'the server is closing' };
    const file = verdict.file;
    try {
      const started: PythonSession = await PythonSession.start(file, { python, tracerPath, cwd: root }, {
        stop(instruction) {
          if (session !== started) return;
          stopped = { state: 'STANDBY', ...instruction };
          send(stopped);
          endStep();
        },
        output(stream, text) {
          if (session === started) send({ event: 'output', stream, text });
        },
        end(status) {
          if (session !== started) return;
          session = undefined;
          stopped = undefined;
          send(status);
          endStep();
        },
      });
      if (stopping) {
        await started.kill(); // close() came while python was starting
        return { error: 'the server is closing' };
      }
      session = started;
    } catch (err) {
      return { error: (err as Error).message };
    }
    return { ok: true, file };
  };

  const onFileConnection = (socket: net.Socket) => {
    socket.on('error', () => socket.destroy());
    serveLines(socket, (line) => {
      if (stopping) return;
      const reply = line === undefined
        ? Promise.resolve<FileReply>({ error: `path longer than ${MAX_REQUEST_LINE} bytes` })
        : loading.then(() => load(line));
      loading = reply.then(() => undefined);
      return reply.then((answer) => { if (!socket.destroyed) socket.write(messageLine(answer)); });
    });
  };

  const command = (socket: net.Socket, line: string | undefined) => {
    if (stopping || socket !== controller) return;
    const reply = (error: string) => socket.write(messageLine({ error }));
    if (line === undefined) return reply(`command longer than ${MAX_REQUEST_LINE} bytes`);
    switch (line.trim()) {
      case 'next':
        if (!session) return reply('no program is running');
        if (!stopped) return reply('the program is not stopped');
        stopped = undefined;
        session.next();
        return new Promise<void>((resolve) => { stepDone = resolve; });
      case 'close':
        return void close();
      default:
        return reply(`unknown command: ${JSON.stringify(line.slice(0, 100))}`);
    }
  };

  const onControlConnection = (socket: net.Socket) => {
    socket.on('error', () => socket.destroy());
    if (controller) {
      socket.end(messageLine({ error: 'another client is attached' }));
      return;
    }
    controller = socket;
    // A client that leaves takes its program with it: the next client starts clean.
    const detach = () => {
      if (controller !== socket) return;
      controller = undefined;
      if (!stopping) void dropSession();
    };
    socket.once('end', detach);
    socket.once('close', detach);
    if (stopped) send(stopped);
    // close waits for the lines before it (§0: frames received are handled), except an
    // instruction still executing: that one it abandons, with the program.
    serveLines(socket, (line) => command(socket, line), (line) => line.trim() === 'close' && stepDone !== undefined);
  };

  const fileServer = await listenTcp(onFileConnection, { host: options.host, port: options.filePort ?? DEFAULT_FILE_PORT });
  let controlServer: TcpListener;
  try {
    controlServer = await listenTcp(onControlConnection, { host: options.host, port: options.controlPort ?? DEFAULT_CONTROL_PORT });
  } catch (err) {
    await fileServer.close();
    throw err;
  }

  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => { markClosed = resolve; });
  function close(): Promise<void> {
    if (!stopping) {
      stopping = true;
      const killed = dropSession();
      // Replies already queued are flushed, then FIN; a peer that does not read gets destroyed.
      const serversClosed = [fileServer, controlServer].map((listener) =>
        closeGracefully(listener, CLOSE_GRACE_MS, () => {
          for (const socket of listener.sockets) { socket.end(); socket.resume(); }
        }),
      );
      void Promise.all([...serversClosed, killed]).then(() => markClosed());
    }
    return closed;
  }

  return {
    host: fileServer.host,
    port: fileServer.port,
    filePort: fileServer.port,
    controlPort: controlServer.port,
    root,
    closed,
    close,
  };
}
