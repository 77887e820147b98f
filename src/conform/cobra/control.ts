/**
 * The cobra wire as the cases see it: a control connection that records every status
 * and output event in arrival order, and one-line exchanges on the file port. Built on
 * WireDriver, so every byte is in the case's trace; any line that is not a cobra message
 * is a NonConformance.
 */
import { setTimeout as delay } from 'node:timers/promises';

import {
  CobraProtocolError, CobraStatus, ControlMessage, EndStatus, ErrorReply, FileReply, OutputEvent, parseControlMessage,
  parseFileReply, StandbyStatus,
} from '../../impl/cobra/protocol';
import { lineParse, WireDriver, type Endpoint } from '../driver';
import { escapeBytes } from '../bytes-text';
import { preconditionAt } from '../precondition';
import { NonConformance, SuiteError } from '../errors';
import type { TraceRecorder } from '../trace';

/** The precondition of every case that attaches to the control port. */
const NO_CONTROL_CLIENT = 'the control port has taken no control client';

/** Upper bound on `next`s for one program: the suite's programs take a few hundred. */
export const MAX_STEPS = 5000;
/** Upper bound on output events on one control connection: the suite's programs print a few lines. */
const OUTPUT_EVENTS = 10_000;

/** The control port of an endpoint; a cobra target names it as HOST:FILEPORT,CTLPORT. */
export function controlEndpoint(endpoint: Endpoint): Endpoint {
  if (endpoint.port2 === undefined) {
    throw new SuiteError('a cobra target has two ports: --target HOST:FILEPORT,CTLPORT, or {port} and {port2} in --spawn');
  }
  return { host: endpoint.host, port: endpoint.port2 };
}

function parsed<T>(line: Buffer, parse: (text: string) => T, where: string): T {
  try {
    return parse(line.toString('utf8'));
  } catch (err) {
    if (err instanceof CobraProtocolError) throw new NonConformance(`${where}: ${err.message}`);
    throw err;
  }
}

const show = (message: ControlMessage | FileReply) => JSON.stringify(message).slice(0, 300);

/** Sends one raw line on the file port (the LF is added) and reads the one-line answer. */
export async function sendPath(driver: WireDriver, path: Buffer, timeoutMs: number): Promise<FileReply> {
  await driver.write(Buffer.concat([path, Buffer.from('\n')]));
  return readFileReply(driver, timeoutMs, `the answer to the path "${escapeBytes(path.subarray(0, 80))}"`);
}

export async function readFileReply(driver: WireDriver, timeoutMs: number, what: string): Promise<FileReply> {
  return parsed(await driver.read(lineParse, timeoutMs, what), parseFileReply, 'file port');
}

/** A control connection and everything it received. */
export class CobraControl {
  /** Every STANDBY received, in order (the first status of a program included). */
  readonly statuses: StandbyStatus[] = [];
  readonly output: OutputEvent[] = [];
  /** Statuses and output events in arrival order. */
  readonly arrivals: (CobraStatus | OutputEvent)[] = [];
  /** The end of the latest program, once received. */
  end: EndStatus | undefined;
  /** A program is stopped, waiting for `next`. */
  stopped = false;

  private constructor(readonly driver: WireDriver, private readonly timeoutMs: number) {}

  /**
   * Connects and checks that the server takes commands from this connection: two unknown
   * commands, each answered {"error"}. A connection the server closes instead is retried
   * until the timeout: a server serving one control client at a time may not have seen
   * the previous client leave yet, and gives no signal when it has. Once a case retried
   * in vain and no attach ever succeeded in the run, later ones fail at once (src/conform/precondition.ts).
   */
  static async attach(endpoint: Endpoint, trace: TraceRecorder, timeoutMs: number, caseName: string): Promise<CobraControl> {
    const attaches = preconditionAt(endpoint, NO_CONTROL_CLIENT);
    attaches.check('a control connection that takes commands');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const control = new CobraControl(await WireDriver.connect(controlEndpoint(endpoint), trace, timeoutMs), timeoutMs);
      try {
        for (const n of [1, 2]) {
          await control.driver.write(Buffer.from(`wireproof-attach-${n}\n`));
          await control.errorReply(`the error reply to the unknown command "wireproof-attach-${n}"`);
        }
        attaches.met();
        return control;
      } catch (err) {
        const refused = control.driver.isClosed;
        control.driver.destroy();
        if (refused && Date.now() > deadline) attaches.missed(caseName, timeoutMs);
        if (!refused || Date.now() > deadline) throw err;
        await delay(20); // the server gives no signal when it has seen the previous client leave
      }
    }
  }

  /**
   * The next message that is not an output event (those are recorded on the way, up to
   * OUTPUT_EVENTS in all). One timeout for the output and the message after it.
   */
  async reply(what: string): Promise<CobraStatus | ErrorReply> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new NonConformance(`expected ${what} within ${this.timeoutMs} ms; received output events only`);
      const message = parsed(await this.driver.read(lineParse, left, what), parseControlMessage, 'control port');
      if ('event' in message) {
        if (this.output.length >= OUTPUT_EVENTS) throw new NonConformance(`expected ${what}; received more than ${OUTPUT_EVENTS} output events, more than any of the suite's programs prints`);
        this.output.push(message);
        this.arrivals.push(message);
        continue;
      }
      if ('state' in message) this.record(message);
      return message;
    }
  }

  async status(what: string): Promise<CobraStatus> {
    const message = await this.reply(what);
    if (!('state' in message)) throw new NonConformance(`expected ${what}, received the error reply ${show(message)}`);
    return message;
  }

  async errorReply(what: string): Promise<ErrorReply> {
    const message = await this.reply(what);
    if ('state' in message) throw new NonConformance(`expected ${what}, received the status ${show(message)}`);
    return message;
  }

  /** Sends `next` and returns the status that answers it. */
  async next(): Promise<CobraStatus> {
    await this.driver.write(Buffer.from('next\n'));
    return this.status(`the status after next (step ${this.statuses.length})`);
  }

  /** Steps until the program ends; returns the end status. */
  async stepToEnd(): Promise<EndStatus> {
    for (let steps = 0; this.stopped; steps++) {
      if (steps >= MAX_STEPS) throw new NonConformance(`the program did not end within ${MAX_STEPS} steps`);
      await this.next();
    }
    if (!this.end) throw new NonConformance('no program to step: nothing was loaded, or its end was not received');
    return this.end;
  }

  /** Best effort, for cleanup: steps a program still stopped to its end, so the next case finds no program running. */
  async finish(): Promise<void> {
    if (this.stopped && !this.driver.isClosed) await this.stepToEnd().catch(() => undefined);
  }

  /** Output of one stream, concatenated. */
  text(stream: OutputEvent['stream']): string {
    return this.output.filter((e) => e.stream === stream).map((e) => e.text).join('');
  }

  private record(status: CobraStatus): void {
    this.arrivals.push(status);
    if (status.state === 'STANDBY') {
      this.statuses.push(status);
      this.stopped = true;
    } else {
      this.end = status;
      this.stopped = false;
    }
  }
}

/**
 * Checks a file-port answer is {"ok":true} for `name` (or one of several names, "a.py|b.py",
 * for a path that may be reported as sent or as its real path); returns the reported path.
 */
export function expectOk(reply: FileReply, name: string, root: string | undefined): string {
  if (!('ok' in reply)) throw new NonConformance(`the path "${name}" was refused: ${show(reply)}`);
  const names = name.split('|');
  // A root the suite owns is known exactly; another one only by where the name must end.
  const matches = (candidate: string) => (root !== undefined ? reply.file === `${root}/${candidate}` : reply.file.startsWith('/') && reply.file.endsWith(`/${candidate}`));
  if (!names.some(matches)) {
    throw new NonConformance(`{"ok"} names ${JSON.stringify(reply.file)}, expected the absolute path of ${names.map((n) => (root ? `${root}/${n}` : n)).join(' or ')}`);
  }
  return reply.file;
}

export function expectRefused(reply: FileReply, what: string): void {
  if ('ok' in reply) throw new NonConformance(`${what} was accepted: ${show(reply)}`);
}
