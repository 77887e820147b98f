/**
 * The driver contract between the suite and a client under test (`conform --client`;
 * README, "Verifying a client"). The suite writes actions to the client's standard input
 * and the client reports on its standard output, one JSON object per line each way. The
 * shape is the same for every protocol; a protocol says which actions it sends and what
 * one unit of `received` is (a oneline response line, echo bytes in any pieces).
 *
 *   stdout, first line  {"event":"ready","timeoutMs":1000,"maxBytes":65536}
 *   stdin               {"action":"send","data":"ping","expect":1}   or "base64" for bytes
 *   stdout              {"event":"received","data":"pong"}           or "base64"
 *   stdout              {"event":"done"}    one terminal event per action:
 *                       done | timeout | closed | protocol-error | error, with an optional "message"
 *
 * Standard error is the client's own (the last of it is shown when a case fails). When its
 * standard input closes, the client exits 0. A protocol may add fields to `received` as it
 * adds them to its actions (http: the response's `status` and `headers` beside its body).
 */
import { isUtf8 } from 'node:buffer';

/** One action for the client; `action` names it, the protocol defines its other fields. */
export type Action = { action: string } & Record<string, unknown>;

/** How an action ended, as the client reports it. */
export const TERMINAL_EVENTS = ['done', 'timeout', 'closed', 'protocol-error', 'error'] as const;
export type TerminalEvent = (typeof TERMINAL_EVENTS)[number];

export type Report =
  /** The first line: the client's own limits, so that the suite can judge "within its timeout" and "over its maximum". */
  | { event: 'ready'; timeoutMs?: number; maxBytes?: number }
  /** One unit the client delivered to its user (the protocol says what a unit is, and what `fields` it adds). */
  | { event: 'received'; bytes: Buffer; fields?: Record<string, unknown> }
  | { event: TerminalEvent; message?: string };
/** A `received` report. */
export type ReceivedReport = Extract<Report, { event: 'received' }>;

/** Bytes in a JSON message: `data` when they are UTF-8 text, else `base64`. */
export function bytesField(bytes: Buffer): { data: string } | { base64: string } {
  return isUtf8(bytes) ? { data: bytes.toString('utf8') } : { base64: bytes.toString('base64') };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes a message carries in `data` or `base64`; undefined when it has neither; throws on both or a bad value. */
export function fieldBytes(message: Record<string, unknown>): Buffer | undefined {
  const { data, base64 } = message;
  if (data !== undefined && base64 !== undefined) throw new Error('has both "data" and "base64"');
  if (data !== undefined) {
    if (typeof data !== 'string') throw new Error('"data" is not a string');
    return Buffer.from(data, 'utf8');
  }
  if (base64 !== undefined) {
    if (typeof base64 !== 'string' || base64.length % 4 !== 0 || !BASE64.test(base64)) throw new Error('"base64" is not base64');
    return Buffer.from(base64, 'base64');
  }
  return undefined;
}

export function encodeAction(action: Action): string {
  return `${JSON.stringify(action)}\n`;
}

const positive = (value: unknown, integer: boolean) =>
  value === undefined || (typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)));

/** One line of the client's standard output as a report, or why it is not one. */
export function parseReport(line: string): Report | { notAReport: string } {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return { notAReport: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { notAReport: 'not a JSON object' };
  const m = message as Record<string, unknown>;
  switch (m.event) {
    case 'ready':
      if (!positive(m.timeoutMs, false)) return { notAReport: '"timeoutMs" is not a positive number' };
      if (!positive(m.maxBytes, true)) return { notAReport: '"maxBytes" is not a positive integer' };
      return { event: 'ready', timeoutMs: m.timeoutMs as number | undefined, maxBytes: m.maxBytes as number | undefined };
    case 'received': {
      let bytes: Buffer | undefined;
      try {
        bytes = fieldBytes(m);
      } catch (err) {
        return { notAReport: `"received" ${(err as Error).message}` };
      }
      if (!bytes) return { notAReport: '"received" has neither "data" nor "base64"' };
      const { event: _event, data: _data, base64: _base64, ...fields } = m;
      return Object.keys(fields).length ? { event: 'received', bytes, fields } : { event: 'received', bytes };
    }
    default:
      if (!(TERMINAL_EVENTS as readonly unknown[]).includes(m.event)) {
        return { notAReport: `unknown "event" ${JSON.stringify(m.event)?.slice(0, 40) ?? 'missing'}` };
      }
      if (m.message !== undefined && typeof m.message !== 'string') return { notAReport: '"message" is not a string' };
      return { event: m.event as TerminalEvent, message: m.message as string | undefined };
  }
}

export function isTerminal(report: Report): report is { event: TerminalEvent; message?: string } {
  return (TERMINAL_EVENTS as readonly string[]).includes(report.event);
}
