import { isAscii, isUtf8 } from 'node:buffer';
import { bufferView, Framer, FramingError } from '../common/framer';

/** Default maximum body length N (bytes after the 4-byte header). */
export const MAX_MESSAGE = 16 * 1024 * 1024;
/** The length prefix: 4 bytes, unsigned big-endian. */
export const HEADER_BYTES = 4;

/**
 * Splits a byte stream into length-prefixed bodies (raw bytes, no JSON yet), each given
 * either contiguous (push) or as the views of the chunks it arrived in (pushParts). A body
 * inside one chunk is a zero-copy view of it. A body that straddles chunks is held as views
 * of those chunks while it arrives, so nothing is ever allocated for a claimed N: memory
 * follows the bytes that arrived. A length over `maxLength` is a FramingError as soon as
 * the header is complete; the framer stays broken after any FramingError.
 */
export class LengthPrefixFramer implements Framer<Buffer> {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerLength = 0;
  /** Length of the body being read; -1 while reading a header. */
  private bodyLength = -1;
  /** Views of the chunks a straddling body has arrived in so far, and their total length. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private broken: FramingError | undefined;

  constructor(readonly maxLength = MAX_MESSAGE) {}

  get pending(): number {
    return this.bodyLength < 0 ? this.headerLength : HEADER_BYTES + this.partsLength;
  }

  /** Each body contiguous: a view for a body inside one chunk, one copy of a body that straddled chunks. */
  push(chunk: Buffer, emit: (body: Buffer) => void): void {
    this.split(chunk, emit, (parts, length) => emit(Buffer.concat(parts, length)));
  }

  /**
   * Each body as the views of the chunks it arrived in, nothing copied (one view for a body
   * inside one chunk). The views keep their chunks alive as long as the caller keeps them.
   */
  pushParts(chunk: Buffer, emit: (parts: readonly Buffer[], length: number) => void): void {
    this.split(chunk, (body) => emit([body], body.length), emit);
  }

  private split(chunk: Buffer, whole: (body: Buffer) => void, straddled: (parts: Buffer[], length: number) => void): void {
    if (this.broken) throw this.broken;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLength < 0) {
        if (this.headerLength === 0 && chunk.length - offset >= HEADER_BYTES) {
          this.startBody(chunk.readUInt32BE(offset));
          offset += HEADER_BYTES;
        } else {
          const take = Math.min(HEADER_BYTES - this.headerLength, chunk.length - offset);
          chunk.copy(this.header, this.headerLength, offset, offset + take);
          this.headerLength += take;
          offset += take;
          if (this.headerLength < HEADER_BYTES) return;
          this.headerLength = 0;
          this.startBody(this.header.readUInt32BE(0));
        }
      }
      const length = this.bodyLength;
      if (this.partsLength === 0 && chunk.length - offset >= length) {
        this.bodyLength = -1; // state first: an emit that throws leaves the framer consistent
        whole(bufferView(chunk, offset, offset + length));
        offset += length;
        continue;
      }
      const take = Math.min(length - this.partsLength, chunk.length - offset);
      if (take === 0) return; // the chunk ended with a header: no empty part
      this.parts.push(bufferView(chunk, offset, offset + take));
      this.partsLength += take;
      offset += take;
      if (this.partsLength === length) {
        const parts = this.parts;
        this.parts = [];
        this.partsLength = 0;
        this.bodyLength = -1;
        straddled(parts, length);
      }
    }
  }

  private startBody(length: number): void {
    if (length > this.maxLength) {
      this.broken = new FramingError(`message length ${length} exceeds the maximum ${this.maxLength}`);
      throw this.broken;
    }
    this.bodyLength = length;
  }
}

/**
 * Parses one body as strict UTF-8 JSON. Nothing is evaluated: JSON.parse only, and
 * every `__proto__` key is dropped so that no later merge of the result can reach a
 * prototype. Throws FramingError for a body that is not UTF-8 JSON.
 */
export function decodeBody(body: Buffer): unknown {
  let text: string;
  // ASCII (most JSON) is valid UTF-8 that decodes byte for byte: the cheaper latin1 decode gives the same text.
  if (isAscii(body)) text = body.toString('latin1');
  else if (isUtf8(body)) text = body.toString('utf8');
  else throw new FramingError('message body is not valid UTF-8');
  // A key can only spell __proto__ literally or through a \u escape; skip the reviver's cost otherwise.
  const reviver = text.includes('__proto__') || text.includes('\\u') ? dropProtoKeys : undefined;
  try {
    return JSON.parse(text, reviver);
  } catch (err) {
    throw new FramingError(`message body is not JSON: ${(err as Error).message}`);
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/** The largest straddling body decodeBodyParts joins in its reused buffer; a larger one gets a copy of its own. */
const MAX_JOIN_BYTES = 1024 * 1024;
/** Where decodeBodyParts joins a straddling body: decoding keeps nothing of its input, so one buffer serves every body. */
let joined = Buffer.alloc(0);

/** decodeBody for a body given as LengthPrefixFramer.pushParts gives it; the parts are left as they are. */
export function decodeBodyParts(parts: readonly Buffer[], length: number): unknown {
  if (parts.length === 1) return decodeBody(parts[0]);
  if (length > MAX_JOIN_BYTES) return decodeBody(Buffer.concat(parts, length));
  if (joined.length < length) joined = Buffer.allocUnsafeSlow(Math.min(MAX_JOIN_BYTES, Math.max(length, 2 * joined.length)));
  let at = 0;
  for (const part of parts) at += part.copy(joined, at);
  return decodeBody(joined.subarray(0, length));
}

/** The lenmsg framer as the application sees it: whole parsed JSON values. */
export class LenmsgFramer implements Framer<unknown> {
  private readonly bodies: LengthPrefixFramer;

  constructor(maxLength = MAX_MESSAGE) {
    this.bodies = new LengthPrefixFramer(maxLength);
  }

  get pending(): number {
    return this.bodies.pending;
  }

  push(chunk: Buffer, emit: (message: unknown) => void): void {
    this.bodies.pushParts(chunk, (parts, length) => emit(decodeBodyParts(parts, length)));
  }
}

/** A RangeError for a body past `maxLength`: the peer would close the connection on its frame. */
function checkLength(length: number, maxLength: number): void {
  if (length > maxLength) throw new RangeError(`message of ${length} bytes exceeds the maximum ${maxLength}`);
}

/** The 4-byte big-endian length prefix of a body of `length` bytes; a RangeError past `maxLength`. */
export function frameHeader(length: number, maxLength = MAX_MESSAGE): Buffer {
  checkLength(length, maxLength);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  return header;
}

/** One frame: the 4-byte big-endian length of `body`, then `body`. */
export function encodeFrame(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/** One frame holding `value` as UTF-8 JSON; a RangeError past `maxLength` (the peer would close). */
export function encodeMessage(value: unknown, maxLength = MAX_MESSAGE): Buffer {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  const length = Buffer.byteLength(text, 'utf8');
  checkLength(length, maxLength);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame.write(text, HEADER_BYTES, 'utf8');
  return frame;
}
