/**
 * A precondition most cases of a protocol share: the central connects back to a remote,
 * the control port takes a client. Against a target that never meets it, every case would
 * wait out its own timeout for it, one after another. Instead: once a case waited a whole
 * timeout and the precondition had never held in the run, later waits for it fail at once
 * (a NonConformance, as the wait would have), citing that case. The first time it holds
 * undoes that.
 */
import type { Endpoint } from './driver';
import { NonConformance } from './errors';

export class Precondition {
  private held = false;
  private neverIn: { caseName: string; waitedMs: number } | undefined;

  constructor(private readonly what: string) {}

  /** The precondition held (once is enough to wait normally again). */
  met(): void {
    this.held = true;
    this.neverIn = undefined;
  }

  /** `caseName` waited `waitedMs` for it in vain. */
  missed(caseName: string, waitedMs: number): void {
    if (!this.held) this.neverIn ??= { caseName, waitedMs };
  }

  /** Throws at once when a case already waited for it in vain and it never held; `expected` says what the caller waits for. */
  check(expected: string): void {
    if (!this.neverIn) return;
    throw new NonConformance(`expected ${expected}: ${this.what} in this run ` +
      `("${this.neverIn.caseName}" waited ${this.neverIn.waitedMs} ms for it; not waited out again)`);
  }
}

/** One record per target and precondition, keyed by the target's endpoint object (the same for the whole run). */
const records = new WeakMap<Endpoint, Map<string, Precondition>>();

/** The run's record of `what` (a sentence: "the central has connected back to no remote") at `endpoint`. */
export function preconditionAt(endpoint: Endpoint, what: string): Precondition {
  let byWhat = records.get(endpoint);
  if (!byWhat) records.set(endpoint, (byWhat = new Map()));
  let record = byWhat.get(what);
  if (!record) byWhat.set(what, (record = new Precondition(what)));
  return record;
}
