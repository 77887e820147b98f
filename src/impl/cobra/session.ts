import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

import { LineFramer, OVERSIZED_PACKET } from '../oneline/framer';
import { EndStatus, Instruction, OutputStream, parseInstructionLine } from './protocol';

export const TRACER_PATH = path.join(__dirname, 'tracer.py');
/** The tracer's channel: the child's fd 3, never its stdin/stdout/stderr. */
const CHANNEL_FD = 3;
/** A tracer report is one instruction with a capped argrepr: far below this. */
const MAX_TRACER_LINE = 1 << 16;
/** After the process exits, how long a grandchild holding its stdout may delay the end. */
const OUTPUT_GRACE_MS = 2000;

export interface SessionOptions {
  python: string;
  tracerPath: string;
  /** Working directory of the program. */
  cwd: string;
}

export interface SessionEvents {
  /** The program stopped before this instruction and waits for next(). */
  stop(instruction: Instruction): void;
  output(stream: OutputStream, text: string): void;
  /** Called once, after every output event: FINISHED for an exit code, ERROR otherwise. */
  end(status: EndStatus): void;
}

/** One Python program under the tracer, stepped one instruction at a time. */
export class PythonSession {
  private ended = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, private readonly channel: net.Socket, private readonly events: SessionEvents) {
    this.exited = once(child, 'close').then(() => undefined, () => undefined);
    this.readChannel();
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8'); // a character split across reads stays whole
      const pipe = child[stream]!;
      pipe.on('data', (chunk: Buffer) => this.emitOutput(stream, decoder.write(chunk)));
      pipe.once('end', () => this.emitOutput(stream, decoder.end()));
    }
    child.once('error', (err) => this.finish({ state: 'ERROR', error: `python: ${err.message}` }));
    child.once('exit', (code, signal) => {
      const status: EndStatus = code === null
        ? { state: 'ERROR', error: `python was killed by ${signal}` }
        : { state: 'FINISHED', exitCode: code };
      // Output still in the pipes comes first; a grandchild holding them open cannot hang the end.
      const grace = setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); this.finish(status); }, OUTPUT_GRACE_MS);
      grace.unref();
      child.once('close', () => { clearTimeout(grace); this.finish(status); });
    });
  }

  /** Starts `python -u tracer.py FILE`; rejects (and nothing runs) when the process cannot start. */
  static async start(file: string, options: SessionOptions, events: SessionEvents): Promise<PythonSession> {
    const child = spawn(options.python, ['-u', options.tracerPath, '--fd', String(CHANNEL_FD), file], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`cannot start ${options.python}: ${err.message}`)));
    });
    return new PythonSession(child, child.stdio[CHANNEL_FD] as net.Socket, events);
  }

  /** Lets the stopped program execute exactly one instruction. */
  next(): void {
    this.channel.write('next\n');
  }

  /** Stops (or resumes) reading the program's output: a slow client holds the program back. */
  setOutputFlowing(flowing: boolean): void {
    for (const pipe of [this.child.stdout, this.child.stderr]) {
      if (flowing) pipe?.resume();
      else pipe?.pause();
    }
  }

  /** Kills the program without reporting its end; resolves once the process is gone. */
  kill(): Promise<void> {
    this.ended = true;
    this.child.kill('SIGKILL');
    for (const pipe of [this.child.stdout, this.child.stderr]) pipe?.resume(); // a paused pipe would hold 'close'
    return this.exited;
  }

  private readChannel(): void {
    const framer = new LineFramer(MAX_TRACER_LINE);
    this.channel.on('error', () => undefined); // the process end says what happened
    this.channel.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, (line) => {
          if (line === OVERSIZED_PACKET) throw new Error('tracer line too long');
          if (!this.ended) this.events.stop(parseInstructionLine(line.toString('utf8')));
        });
      } catch (err) {
        this.finish({ state: 'ERROR', error: `tracer protocol error: ${(err as Error).message}` });
        this.child.kill('SIGKILL');
      }
    });
  }

  private emitOutput(stream: OutputStream, text: string): void {
    if (text !== '' && !this.ended) this.events.output(stream, text);
  }

  private finish(status: EndStatus): void {
    if (this.ended) return;
    this.ended = true;
    this.events.end(status);
  }
}
