/**
 * The cobra wire messages (PROTOCOLS.md §6): JSON objects, one per LF-terminated line,
 * on the file port (server replies to a path) and on the control port (status, output
 * events, error replies). Shared by the server, the client and the terminal UI.
 */

import { ProtocolError } from '../common/errors';

export const DEFAULT_FILE_PORT = 6061;
export const DEFAULT_CONTROL_PORT = 6060;
/** Longest line the server reads from a client: a path or a command. */
export const MAX_REQUEST_LINE = 4096;

/** The instruction a program is stopped before. */
export interface Instruction {
  file: string;
  /** Source line of the instruction; null where CPython has none. */
  line: number | null;
  /** Byte offset in its code object's un-specialised bytecode (co_code). */
  offset: number;
  opcode: number;
  /** null for an instruction without an argument. */
  arg: number | null;
  opname: string;
  argrepr: string;
}

export type StandbyStatus = { state: 'STANDBY' } & Instruction;
export interface FinishedStatus { state: 'FINISHED'; exitCode: number }
export interface ErrorStatus { state: 'ERROR'; error: string }
export type EndStatus = FinishedStatus | ErrorStatus;
export type CobraStatus = StandbyStatus | EndStatus;

export type OutputStream = 'stdout' | 'stderr';
export interface OutputEvent { event: 'output'; stream: OutputStream; text: string }

/** A request refused; nothing changed. */
export interface ErrorReply { error: string }

export type ControlMessage = CobraStatus | OutputEvent | ErrorReply;
export type FileReply = { ok: true; file: string } | ErrorReply;

/** A line that is not a cobra message (not UTF-8, not JSON, none of the messages, too long). */
export class CobraProtocolError extends ProtocolError {
  override name = 'CobraProtocolError';
}

/** One message on the wire: its JSON and the LF. */
export function messageLine(message: ControlMessage | FileReply): string {
  return JSON.stringify(message) + '\n';
}

type Json = Record<string, unknown>;

function parseObject(line: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CobraProtocolError(`not JSON: ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CobraProtocolError(`not a JSON object: ${JSON.stringify(line.slice(0, 200))}`);
  }
  return value as Json;
}

const isInt = (v: unknown): v is number => Number.isInteger(v);

/** Checks the instruction fields of a status (or of a tracer report); throws on any wrong type. */
export function parseInstruction(fields: Json): Instruction {
  const { file, line, offset, opcode, arg, opname, argrepr } = fields;
  if (
    typeof file !== 'string' || !(line === null || isInt(line)) || !isInt(offset) || !isInt(opcode)
    || !(arg === null || isInt(arg)) || typeof opname !== 'string' || typeof argrepr !== 'string'
  ) {
    throw new CobraProtocolError(`not an instruction: ${JSON.stringify(fields).slice(0, 200)}`);
  }
  return { file, line, offset, opcode, arg, opname, argrepr };
}

export function parseInstructionLine(line: string): Instruction {
  return parseInstruction(parseObject(line));
}

/** Parses one control-port line from the server. */
export function parseControlMessage(line: string): ControlMessage {
  const fields = parseObject(line);
  if (typeof fields.error === 'string' && fields.state === undefined) return { error: fields.error };
  if (fields.event === 'output' && (fields.stream === 'stdout' || fields.stream === 'stderr')
      && typeof fields.text === 'string') {
    return { event: 'output', stream: fields.stream, text: fields.text };
  }
  if (fields.state === 'STANDBY') return { state: 'STANDBY', ...parseInstruction(fields) };
  if (fields.state === 'FINISHED' && isInt(fields.exitCode)) return { state: 'FINISHED', exitCode: fields.exitCode };
  if (fields.state === 'ERROR' && typeof fields.error === 'string') return { state: 'ERROR', error: fields.error };
  throw new CobraProtocolError(`not a cobra control message: ${line.slice(0, 200)}`);
}

/** Parses the server's one-line answer to a path on the file port. */
export function parseFileReply(line: string): FileReply {
  const fields = parseObject(line);
  if (fields.ok === true && typeof fields.file === 'string') return { ok: true, file: fields.file };
  if (typeof fields.error === 'string') return { error: fields.error };
  throw new CobraProtocolError(`not a cobra file reply: ${line.slice(0, 200)}`);
}

export function isStatus(message: ControlMessage): message is CobraStatus {
  return 'state' in message;
}
