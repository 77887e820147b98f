/**
 * One client case: the suite's scripted server on a free port, and a fresh process of the
 * client under test told where it is. The steps and the client properties drive it through
 * the same few calls: tell the client an action, script the server's side on the
 * connection the client opened, and read the client's reports, each judged as it comes.
 */
import { escapeBytes } from '../bytes-text';
import { NonConformance, SuiteError } from '../errors';
import type { WireDriver } from '../driver';
import type { TraceRecorder } from '../trace';
import { isTerminal, type Action, type ReceivedReport, type Report, type TerminalEvent } from './contract';
import { ClientProcess, describeExit, type Next } from './process';
import { ScriptedServer } from './server';

/** How long a client may take to start and say ready (an interpreter's start-up on a loaded machine). */
const STARTUP_MS = 10_000;
/** A call still unreported at this many times the client's timeout is a hang (as the fault profile's SRS-<P>-092). */
export const HANG_FACTOR = 2;

export interface ClientCaseOptions {
  /** The --client command, with {host}, {port} and {port2} still in it. */
  command: string;
  /** Ports of the suite's server: 1, or 2 for protocols with {port2}. */
  ports: number;
  /** Whether the suite's server keeps its side open after the client's FIN (ClientSupport.halfOpen). */
  halfOpen: boolean;
  /** The protocol's maximum when the client announces none (ClientSupport.defaultMaxBytes). */
  defaultMaxBytes?: number;
  /** The suite's normal wait, already scaled: the client's timeout when it announces none. */
  timeoutMs: number;
  timeoutScale: number;
  /** The cases of a run still running: each adds itself when it starts and leaves when it stops. */
  live?: Set<ClientCase>;
}

/** The client's limits as this case uses them: announced in its ready line, else the suite's assumptions. */
export interface ClientLimits {
  timeoutMs: number;
  maxBytes: number | undefined;
  /** Whether the client announced each one (messages say when the suite assumed it). */
  announced: { timeoutMs: boolean; maxBytes: boolean };
}

/** Replaces {host}, {port} and {port2} in a command (--spawn and --client). */
export function fillPorts(template: string, endpoint: { host: string; port: number; port2?: number }): string {
  return template.replaceAll('{host}', endpoint.host).replaceAll('{port}', String(endpoint.port)).replaceAll('{port2}', String(endpoint.port2));
}

export class ClientCase {
  private pending: Action | undefined;
  /** The action whose terminal report was read last (restored when that report is put back). */
  private lastEnded: Action | undefined;
  private actionAt = 0;
  private peeked: Report | undefined;
  /** The case's connection on each port of the suite's server (kept while it is awaited, so that callers at once share one). */
  private readonly conns = new Map<number, Promise<WireDriver>>();

  private constructor(
    readonly server: ScriptedServer,
    readonly process: ClientProcess,
    readonly limits: ClientLimits,
    private readonly options: ClientCaseOptions,
  ) {}

  /** Starts the server and the client, and waits for the client's ready line (a SuiteError when it does not come). */
  static async start(trace: TraceRecorder, options: ClientCaseOptions): Promise<ClientCase> {
    const server = await ScriptedServer.start(trace, options.ports, options.timeoutMs, options.halfOpen);
    const process = new ClientProcess(fillPorts(options.command, server.endpoint), trace);
    try {
      const first = await process.next(performance.now() + STARTUP_MS * options.timeoutScale);
      if (first.kind !== 'report' || first.report.event !== 'ready') {
        throw new SuiteError(`the client did not start: ${startFailure(first, STARTUP_MS * options.timeoutScale)}${process.stderrNote}`);
      }
      const { timeoutMs, maxBytes } = first.report;
      const limits: ClientLimits = {
        timeoutMs: timeoutMs ?? options.timeoutMs,
        maxBytes: maxBytes ?? options.defaultMaxBytes,
        announced: { timeoutMs: timeoutMs !== undefined, maxBytes: maxBytes !== undefined },
      };
      const started = new ClientCase(server, process, limits, options);
      options.live?.add(started);
      return started;
    } catch (err) {
      process.kill();
      await server.close();
      throw err;
    }
  }

  /** How long a call may go unreported before the suite calls it a hang. */
  get boundMs(): number {
    return HANG_FACTOR * this.limits.timeoutMs * this.options.timeoutScale;
  }

  /** The client's maximum: announced, or the protocol's default (ClientSupport.defaultMaxBytes); a suite error for a protocol without one. */
  get maxBytes(): number {
    if (this.limits.maxBytes === undefined) throw new SuiteError('suite error: the client announced no maxBytes and the protocol has no default');
    return this.limits.maxBytes;
  }

  /** The suite's normal wait for what the client sends. */
  get suiteTimeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Tells the client its next action; the one before must have ended (a step read its terminal report). */
  tell(action: Action): void {
    if (this.pending) throw new SuiteError(`suite error: "${this.pending.action}" has not ended when "${action.action}" is told`);
    this.pending = action;
    this.actionAt = performance.now();
    this.process.tell(action);
  }

  /** The connection the client opened to a port of the suite's server (the first, until the case takes the next one). */
  connection(port = 0): Promise<WireDriver> {
    let conn = this.conns.get(port);
    if (!conn) {
      conn = this.accept(port);
      this.conns.set(port, conn);
    }
    return conn;
  }

  /** The case's connection if the client opens one within `ms`, else undefined. */
  async connectionWithin(ms: number): Promise<WireDriver | undefined> {
    const taken = this.conns.get(0);
    if (taken) return taken;
    const conn = await this.server.accept(ms);
    if (conn) this.conns.set(0, Promise.resolve(conn));
    return conn;
  }

  /** The next connection the client opens to a port; once it is open it becomes the case's connection there. */
  async nextConnection(port = 0): Promise<WireDriver> {
    const conn = await this.accept(port);
    this.conns.set(port, Promise.resolve(conn));
    return conn;
  }

  private async accept(port: number): Promise<WireDriver> {
    const conn = await this.server.accept(this.boundMs, port);
    if (!conn) throw new NonConformance(`the client did not connect to the suite's server${port ? ` (its {port${port + 1}})` : ''} within ${Math.round(this.boundMs)} ms`);
    return conn;
  }

  /**
   * The client's next report, judged: a client that hangs (nothing within twice its
   * timeout of the action), exits, or writes a line that is not a report, fails `what`.
   */
  async report(what: string): Promise<Report> {
    const peeked = this.peeked;
    this.peeked = undefined;
    const next: Next = peeked ? { kind: 'report', report: peeked } : await this.process.next((this.pending ? this.actionAt : performance.now()) + this.boundMs);
    if (next.kind !== 'report') throw new NonConformance(`expected ${what}; ${this.failure(next)}`);
    if (isTerminal(next.report) && this.pending) {
      this.lastEnded = this.pending;
      this.pending = undefined;
    }
    return next.report;
  }

  /** Puts a report back, for the next read (optional reports a case may or may not see). */
  unread(report: Report): void {
    if (isTerminal(report)) this.pending ??= this.lastEnded;
    this.peeked = report;
  }

  /** The client's next report, which must be a `received` one (`what` names what was expected). */
  async received(what: string): Promise<ReceivedReport> {
    const report = await this.report(what);
    if (report.event !== 'received') throw new NonConformance(`expected ${what}; it reported ${describeReport(report)}`);
    return report;
  }

  /** One `received` report of exactly these bytes (one unit: a oneline response line). */
  async expectReceived(want: Buffer): Promise<void> {
    const what = `the client to report receiving "${escapeBytes(want)}"`;
    const report = await this.received(what);
    if (!report.bytes.equals(want)) throw new NonConformance(`expected ${what}; it reported receiving "${showBytes(report.bytes)}"`);
  }

  /** `received` reports that together make exactly these bytes, in any pieces (a byte stream: echo). */
  async expectReceivedStream(want: Buffer): Promise<void> {
    const what = `the client to report receiving ${describeWanted(want)}`;
    let at = 0;
    while (at < want.length) {
      const report = await this.report(what);
      if (report.event !== 'received') throw new NonConformance(`expected ${what}; it reported ${describeReport(report)} after ${at} of them`);
      const expected = want.subarray(at, at + report.bytes.length);
      const wrong = report.bytes.findIndex((b, i) => b !== expected[i]);
      if (wrong !== -1 || report.bytes.length > want.length - at) {
        const where = wrong === -1 ? want.length : at + wrong;
        throw new NonConformance(`expected ${what}; what it reported differs from byte ${where} on: "${showBytes(report.bytes.subarray(where - at, where - at + 40))}"`);
      }
      at += report.bytes.length;
    }
  }

  /** `received` reports, if any, that together make a prefix of `bytes` (data a client may deliver before an error). */
  async mayReceivePrefix(bytes: Buffer): Promise<Buffer> {
    let at = 0;
    for (;;) {
      const report = await this.report('the client\'s next report');
      if (report.event !== 'received' || !bytes.subarray(at, at + report.bytes.length).equals(report.bytes)) {
        this.unread(report);
        return bytes.subarray(0, at);
      }
      at += report.bytes.length;
    }
  }

  /** The action's terminal report, one of `allowed`; data delivered instead fails (`what` names what was expected). */
  async expectEnd(allowed: TerminalEvent[], what: string): Promise<void> {
    const report = await this.report(what);
    if (report.event === 'received') throw new NonConformance(`expected ${what}; the client delivered "${showBytes(report.bytes)}" as data instead`);
    if (!allowed.includes(report.event as TerminalEvent)) throw new NonConformance(`expected ${what}; it reported ${describeReport(report)}`);
  }

  /**
   * Every report until the action's terminal one: what a property judges against its model
   * (`received` the units delivered; `reports` their whole reports, with a protocol's fields).
   */
  async collect(): Promise<{ received: Buffer[]; reports: ReceivedReport[]; end: Report; elapsedMs: number }> {
    const reports: ReceivedReport[] = [];
    for (;;) {
      const report = await this.report('the client to report how its call ended');
      if (report.event === 'received') reports.push(report);
      else return { received: reports.map((r) => r.bytes), reports, end: report, elapsedMs: Math.round(performance.now() - this.actionAt) };
    }
  }

  /**
   * Ends the case. After a case that passed, the client's standard input closes and it must
   * exit 0 within the bound, having reported nothing more; after one that failed it is
   * killed at once (its verdict is made). Either way its process group is gone afterwards.
   */
  async finish(passed: boolean): Promise<void> {
    try {
      if (!passed) return;
      if (this.pending) throw new SuiteError(`suite error: the case ended before "${this.pending.action}" did`);
      const status = await this.process.endInput(this.boundMs);
      if (!status) throw new NonConformance(`the client did not exit within ${Math.round(this.boundMs)} ms of its standard input closing`);
      const extra = [...(this.peeked ? [{ kind: 'report', report: this.peeked } as Next] : []), ...this.process.takeLeftovers()];
      if (extra.length) throw new NonConformance(`the client reported more than the case expected: ${extra.map((n) => (n.kind === 'report' ? describeReport(n.report) : this.failure(n))).join('; ')}`);
      if (status.code !== 0) {
        throw new NonConformance(`the client ended with ${describeExit(status)} when its standard input closed${this.process.stderrNote}`);
      }
    } finally {
      this.process.kill();
    }
  }

  /** Kills the client and closes the server (after finish, or when the run is cut short). */
  async stop(): Promise<void> {
    this.options.live?.delete(this);
    await this.process.stop();
    await this.server.close();
  }

  private failure(next: Exclude<Next, { kind: 'report' }>): string {
    switch (next.kind) {
      case 'silent':
        return `the client reported nothing within ${Math.round(this.boundMs)} ms` +
          (this.pending ? ` of being told "${this.pending.action}" (${HANG_FACTOR} x its timeout of ${this.limits.timeoutMs} ms${this.limits.announced.timeoutMs ? '' : ', assumed: it announced none'}): it hangs` : '');
      case 'exited':
        return `the client exited (${describeExit(next.status)})${this.process.stderrNote}`;
      case 'not-a-report':
        return `the client wrote a line that is not a report (${next.why})${next.line ? `: "${next.line}"` : ''}`;
    }
  }
}

function startFailure(first: Next, waitedMs: number): string {
  switch (first.kind) {
    case 'report': return `its first report is ${describeReport(first.report)}, not "ready"`;
    case 'silent': return `no "ready" line within ${waitedMs} ms`;
    case 'exited': return `it exited (${describeExit(first.status)}) before its "ready" line`;
    case 'not-a-report': return `its first line is not a report (${first.why})${first.line ? `: "${first.line}"` : ''}`;
  }
}

export function describeReport(report: Report): string {
  if (report.event === 'received') return `receiving "${showBytes(report.bytes)}"`;
  if (report.event === 'ready') return 'a second "ready"';
  return `"${report.event}"${report.message ? ` (${report.message.slice(0, 300)})` : ''}`;
}

function showBytes(bytes: Buffer): string {
  return bytes.length > 120 ? `${escapeBytes(bytes.subarray(0, 120))}… (${bytes.length} bytes)` : escapeBytes(bytes);
}

function describeWanted(want: Buffer): string {
  return want.length > 60 ? `${want.length} bytes ("${escapeBytes(want.subarray(0, 40))}…")` : `"${escapeBytes(want)}"`;
}
