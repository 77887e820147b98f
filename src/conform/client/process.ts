/**
 * A client under test as a process: started through `sh -c` in a process group of its own
 * (so that it is killed whole, children included), driven through its standard input and
 * read through its standard output (the contract in ./contract.ts). Everything it is told
 * and reports goes into the case's trace as notes. Memory stays bounded whatever it writes.
 */
import { isUtf8 } from 'node:buffer';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { TimeoutError } from '../../impl/common/errors';
import { LineFramer, OVERSIZED_PACKET } from '../../impl/oneline/framer';
import { AsyncQueue } from '../../impl/common/queue';
import { escapeBytes } from '../bytes-text';
import type { TraceRecorder } from '../trace';
import { encodeAction, parseReport, type Action, type Report } from './contract';

/** A longer report line is not a report (an echo of 1 MiB is 1.4 MiB of base64). */
const MAX_REPORT_LINE = 8 * 1024 * 1024;
/** Past this much standard output in one case the client is flooding, and is stopped. */
const MAX_STDOUT = 64 * 1024 * 1024;
/** Standard error kept for messages: its last characters. */
const STDERR_TAIL = 2000;
/** How long a killed client may take to be gone. */
const KILL_WAIT_MS = 2000;
/** Longest line shown in a trace note. */
const NOTE_CHARS = 300;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What the client's standard output says next, or why it says nothing. */
export type Next =
  | { kind: 'report'; report: Report }
  | { kind: 'not-a-report'; line: string; why: string }
  | { kind: 'exited'; status: ExitStatus }
  | { kind: 'silent' };

export function describeExit({ code, signal }: ExitStatus): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

export class ClientProcess {
  private readonly child: ChildProcess;
  private readonly reports = new AsyncQueue<Next>();
  private stdoutBytes = 0;
  private stderr = '';
  private status: ExitStatus | undefined;
  private closed = false;
  private readonly ended: Promise<void>;
  private readonly started = performance.now();
  /** The trace channel of this process's notes (beside the connections' numbers). */
  readonly conn: number;

  constructor(readonly command: string, private readonly trace: TraceRecorder) {
    this.conn = trace.nextConnection();
    trace.note(this.conn, `client process: sh -c ${command}`);
    // The suite's own coverage measurement (npm run ver) is not the client's: a Node client would write its files into it.
    const { NODE_V8_COVERAGE: _suiteCoverage, ...env } = process.env;
    this.child = spawn('sh', ['-c', command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stdin!.on('error', () => undefined); // EPIPE once it exited: its exit is what counts
    const lines = new LineFramer(MAX_REPORT_LINE);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdoutBytes += chunk.length;
      if (this.stdoutBytes > MAX_STDOUT) {
        if (this.stdoutBytes - chunk.length <= MAX_STDOUT) {
          this.reports.push({ kind: 'not-a-report', line: '', why: `more than ${MAX_STDOUT} bytes of standard output in one case` });
          this.kill();
        }
        return;
      }
      lines.push(chunk, (line) => this.reports.push(line === OVERSIZED_PACKET
        ? { kind: 'not-a-report', line: '', why: `a line over ${MAX_REPORT_LINE} bytes` }
        : this.parse(line)));
    });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL); });
    this.child.once('exit', (code, signal) => { this.status = { code, signal }; });
    this.child.once('error', (err) => { this.stderr += `\n(${err.message})`; this.status ??= { code: null, signal: null }; });
    // 'close': exited and its standard output is read to the end, so every report is queued.
    this.ended = new Promise((resolve) => this.child.once('close', (code, signal) => {
      this.status ??= { code, signal };
      this.closed = true;
      this.reports.end(new Error('the client process ended'));
      trace.note(this.conn, `client process ended (${describeExit(this.status)}) after ${this.elapsedMs()} ms` +
        (this.stderr.trim() ? `; its standard error ends: ${this.stderr.trim().slice(-NOTE_CHARS)}` : ''));
      resolve();
    }));
  }

  /** Writes one action to the client's standard input. */
  tell(action: Action): void {
    const line = encodeAction(action);
    this.trace.note(this.conn, `stdin: ${shorten(line.trimEnd())}`);
    this.child.stdin!.write(line);
  }

  /** The next thing on standard output before `deadline` (a performance.now() time). */
  async next(deadline: number): Promise<Next> {
    try {
      return await this.reports.take(Math.max(0, deadline - performance.now()));
    } catch (err) {
      return err instanceof TimeoutError ? { kind: 'silent' } : { kind: 'exited', status: this.status! };
    }
  }

  /** Closes standard input (the contract's "no more actions") and waits up to `boundMs` for the process to end. */
  async endInput(boundMs: number): Promise<ExitStatus | undefined> {
    this.trace.note(this.conn, 'stdin closed: no more actions');
    this.child.stdin!.end();
    await Promise.race([this.ended, delay(boundMs, undefined, { ref: false })]);
    return this.closed ? this.status : undefined;
  }

  /** Reports not yet taken (after the last action they are more than the case expected). */
  takeLeftovers(): Next[] {
    return this.reports.clear();
  }

  /** The last of what the client wrote to standard error, as the end of a message ('' when it wrote nothing). */
  get stderrNote(): string {
    const tail = this.stderr.trim();
    return tail ? `; its standard error ends: ${tail.slice(-600)}` : '';
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Kills the whole process group: the shell, the client and anything it started. */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }

  /** Kills the process group and waits (a little) until the process is gone, so that a run leaves nothing behind. */
  async stop(): Promise<void> {
    this.kill();
    await Promise.race([this.ended, delay(KILL_WAIT_MS, undefined, { ref: false })]);
  }

  private parse(line: Buffer): Next {
    const text = line.toString('utf8');
    const parsed = isUtf8(line) ? parseReport(text) : { notAReport: 'not UTF-8 (JSON text is)' };
    if ('notAReport' in parsed) {
      this.trace.note(this.conn, `stdout (not a report: ${parsed.notAReport}): ${shorten(escapeBytes(line))}`);
      return { kind: 'not-a-report', line: escapeBytes(line.subarray(0, 200)), why: parsed.notAReport };
    }
    this.trace.note(this.conn, `stdout: ${shorten(text)}`);
    return { kind: 'report', report: parsed };
  }
}

function shorten(text: string): string {
  return text.length > NOTE_CHARS ? `${text.slice(0, NOTE_CHARS)}… (${text.length} characters)` : text;
}
