/**
 * The client side of the driver contract (./contract.ts) for adapters written in
 * TypeScript: the reference clients (`wireproof client P --driver`). An adapter says how
 * one action is carried out with its client; this loop reads the actions, writes the
 * reports, and turns the client's typed errors into the contract's terminal events.
 */
import readline from 'node:readline';
import { ConnectionClosedError, ProtocolError, TimeoutError } from '../../impl/common/errors';
import { FramingError } from '../../impl/common/framer';
import { bytesField, fieldBytes, type Action, type TerminalEvent } from './contract';

export interface Adapter {
  /** The client's limits, announced in the ready line. */
  ready: { timeoutMs: number; maxBytes?: number };
  /**
   * Carries out one action with the client, calling `deliver` for each unit it received
   * (with the fields a protocol adds to `received`, such as http's status and headers);
   * resolves when the action is done (with a message for the `done` report, if it has one
   * to say, such as why a lenmsg remote stopped), rejects as the client does.
   */
  act(action: Action, deliver: (unit: Buffer, fields?: Record<string, unknown>) => void): Promise<string | void>;
  /** Once standard input closes: releases the client. */
  close(): void | Promise<void>;
}

/** The error for an action an adapter does not know (the client reports it as an "error"). */
export function unknownAction(action: Action): Error {
  return new Error(`unknown action ${JSON.stringify(action).slice(0, 200)}`);
}

/** The bytes of a `send` action; anything else is an action this adapter does not know. */
export function sendBytes(action: Action): Buffer {
  const bytes = action.action === 'send' ? fieldBytes(action) : undefined;
  if (!bytes) throw unknownAction(action);
  return bytes;
}

/** The terminal event for how a client call failed. */
export function failureEvent(err: unknown): TerminalEvent {
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof ConnectionClosedError) return 'closed';
  if (err instanceof ProtocolError || err instanceof FramingError) return 'protocol-error'; // a framer's error is the peer's
  return 'error';
}

/** Runs the contract over standard input and output until input ends; the exit code (0). */
export async function runAdapter(adapter: Adapter, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const write = (report: object) => output.write(`${JSON.stringify(report)}\n`);
  write({ event: 'ready', ...adapter.ready });
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      const message = await adapter.act(JSON.parse(line) as Action, (unit, fields) => write({ event: 'received', ...fields, ...bytesField(unit) }));
      write({ event: 'done', ...(message ? { message } : {}) });
    } catch (err) {
      write({ event: failureEvent(err), message: (err as Error).message ?? String(err) });
    }
  }
  await adapter.close();
  return 0;
}
