/** How often the central sends heartbeats, by default. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;
/** Heartbeat intervals a remote waits before it gives up on the central. */
export const HEARTBEAT_TIMEOUT_INTERVALS = 3;

/** The lenmsg message types (spec section 3): plain JSON objects with a `type`. */
export interface HelloMessage {
  type: 'hello';
  id: string;
  host: string;
  port: number;
}
export interface HeartbeatMessage {
  type: 'heartbeat';
  seq: number;
}
export interface ShutdownMessage {
  type: 'shutdown';
}
export interface DataMessage {
  type: 'data';
  body: unknown;
}
export type LenmsgMessage = HelloMessage | HeartbeatMessage | ShutdownMessage | DataMessage;

/** An error travels as data: name, message and stack as strings, never as code. */
export interface ErrorBody {
  error: { name: string; message: string; stack: string };
}

export function errorData(err: Error): DataMessage & { body: ErrorBody } {
  return {
    type: 'data',
    body: { error: { name: String(err.name), message: String(err.message), stack: String(err.stack ?? '') } },
  };
}

export function isErrorBody(body: unknown): body is ErrorBody {
  if (!isObject(body) || !isObject(body.error)) return false;
  const { name, message, stack } = body.error;
  return typeof name === 'string' && typeof message === 'string' && typeof stack === 'string';
}

/**
 * The message a decoded JSON value is, or undefined when it is not one of the four
 * shapes (the applications ignore such values; the connection carries on).
 */
export function asMessage(value: unknown): LenmsgMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'hello':
      return typeof value.id === 'string' && typeof value.host === 'string' && isPort(value.port)
        ? (value as unknown as HelloMessage)
        : undefined;
    case 'heartbeat':
      return Number.isSafeInteger(value.seq) ? (value as unknown as HeartbeatMessage) : undefined;
    case 'shutdown':
      return value as unknown as ShutdownMessage;
    case 'data':
      return 'body' in value ? (value as unknown as DataMessage) : undefined;
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 65535;
}
