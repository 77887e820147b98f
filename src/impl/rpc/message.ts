import zlib from 'node:zlib';

import { bufferView, CarryBuffer, Framer, FramingError } from '../common/framer';

/** Pyro4's wire protocol version (Pyro4 4.x constants.PROTOCOL_VERSION). */
export const PROTOCOL_VERSION = 48;
export const MAGIC = Buffer.from('PYRO', 'ascii');
/** MAGIC as one big-endian uint32: written and compared in one step. */
const MAGIC_UINT32 = MAGIC.readUInt32BE(0);
/** `!4sHHHHiHHHH`: magic, version, type, flags, seq, data length, serializer, annotations length, reserved, checksum. */
export const HEADER_SIZE = 24;
const CHECKSUM_MAGIC = 0x34e9;
const ANNOTATION_HEADER_SIZE = 6;

export const MSG_CONNECT = 1;
export const MSG_CONNECTOK = 2;
export const MSG_CONNECTFAIL = 3;
export const MSG_INVOKE = 4;
export const MSG_RESULT = 5;
export const MSG_PING = 6;

export const FLAGS_EXCEPTION = 1 << 0;
export const FLAGS_COMPRESSED = 1 << 1;
export const FLAGS_ONEWAY = 1 << 2;
export const FLAGS_BATCH = 1 << 3;
export const FLAGS_META_ON_CONNECT = 1 << 4;
export const FLAGS_ITEMSTREAMRESULT = 1 << 5;
export const FLAGS_KEEPSERIALIZED = 1 << 6;

/** Pyro4's serializer ids of the two wireproof speaks (serializers.ts): serpent is Pyro4's default. */
export const SERIALIZER_SERPENT = 1;
export const SERIALIZER_JSON = 2;

/** Default cap on annotations + data of one message (Pyro4's own default is unlimited). */
export const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** One de-framed Pyro message. Annotation keys are 4 ASCII characters. */
export interface PyroMessage {
  type: number;
  flags: number;
  seq: number;
  serializerId: number;
  annotations: ReadonlyMap<string, Buffer>;
  data: Buffer;
}

/** The annotations of a message that has none (shared: never mutated). */
export const NO_ANNOTATIONS: ReadonlyMap<string, Buffer> = new Map();
const EMPTY = Buffer.alloc(0);

/** The annotations of a reply: the request's correlation id carried back, as Pyro4's daemon does (CORR). */
export function correlation(request: PyroMessage): ReadonlyMap<string, Buffer> {
  const corr = request.annotations.get('CORR');
  return corr ? new Map([['CORR', corr]]) : NO_ANNOTATIONS;
}

/** Builds a message with defaults (flags 0, json, no annotations, empty body). */
export function pyroMessage(
  type: number,
  seq: number,
  data: Buffer,
  rest: Partial<Pick<PyroMessage, 'flags' | 'serializerId' | 'annotations'>> = {},
): PyroMessage {
  return {
    type,
    flags: rest.flags ?? 0,
    seq,
    serializerId: rest.serializerId ?? SERIALIZER_JSON,
    annotations: rest.annotations ?? NO_ANNOTATIONS,
    data,
  };
}

/** The header checksum over its fields (Pyro4's Message.to_bytes). */
export function headerChecksum(type: number, flags: number, seq: number, dataSize: number, serializerId: number, annotationsSize: number) {
  return (type + PROTOCOL_VERSION + dataSize + annotationsSize + serializerId + flags + seq + CHECKSUM_MAGIC) & 0xffff;
}

function checkUint16(name: string, value: number) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${name} must be 0..65535, got ${value}`);
}

/** Encodes one message exactly as Pyro4's Message.to_bytes does. */
export function encodeMessage(message: PyroMessage): Buffer {
  const { type, flags, seq, serializerId, annotations, data } = message;
  checkUint16('type', type);
  checkUint16('flags', flags);
  checkUint16('seq', seq);
  checkUint16('serializer id', serializerId);
  let annotationsSize = 0;
  for (const [key, value] of annotations) {
    if (!/^[\x20-\x7e]{4}$/.test(key)) throw new RangeError(`annotation key must be 4 ASCII characters, got ${JSON.stringify(key)}`);
    checkUint16('annotation length', value.length);
    annotationsSize += ANNOTATION_HEADER_SIZE + value.length;
  }
  checkUint16('annotations length', annotationsSize);
  if (data.length > 0x7fffffff) throw new RangeError('message data over 2 GiB');
  const out = Buffer.allocUnsafe(HEADER_SIZE + annotationsSize + data.length);
  out.writeUInt32BE(MAGIC_UINT32, 0);
  out.writeUInt16BE(PROTOCOL_VERSION, 4);
  out.writeUInt16BE(type, 6);
  out.writeUInt16BE(flags, 8);
  out.writeUInt16BE(seq, 10);
  out.writeInt32BE(data.length, 12);
  out.writeUInt16BE(serializerId, 16);
  out.writeUInt16BE(annotationsSize, 18);
  out.writeUInt16BE(0, 20);
  out.writeUInt16BE(headerChecksum(type, flags, seq, data.length, serializerId, annotationsSize), 22);
  let at = HEADER_SIZE;
  for (const [key, value] of annotations) {
    out.write(key, at, 'ascii');
    out.writeUInt16BE(value.length, at + 4);
    out.set(value, at + ANNOTATION_HEADER_SIZE);
    at += ANNOTATION_HEADER_SIZE + value.length;
  }
  out.set(data, at);
  return out;
}

interface Header {
  type: number;
  flags: number;
  seq: number;
  serializerId: number;
  annotationsSize: number;
  dataSize: number;
}

/**
 * Validates the complete 24-byte header at `offset` (read in place: no slice per message);
 * throws FramingError as Pyro4's Message.from_header raises ProtocolError.
 */
export function decodeHeader(bytes: Buffer, maxMessageSize = MAX_MESSAGE_SIZE, offset = 0): Header {
  if (bytes.length < offset + 4 || bytes.readUInt32BE(offset) !== MAGIC_UINT32) throw new FramingError('invalid data: bad magic (expected "PYRO")');
  const version = bytes.readUInt16BE(offset + 4);
  if (version !== PROTOCOL_VERSION) throw new FramingError(`unsupported protocol version ${version} (expected ${PROTOCOL_VERSION})`);
  const header: Header = {
    type: bytes.readUInt16BE(offset + 6),
    flags: bytes.readUInt16BE(offset + 8),
    seq: bytes.readUInt16BE(offset + 10),
    dataSize: bytes.readInt32BE(offset + 12),
    serializerId: bytes.readUInt16BE(offset + 16),
    annotationsSize: bytes.readUInt16BE(offset + 18),
  };
  const expected = headerChecksum(header.type, header.flags, header.seq, header.dataSize, header.serializerId, header.annotationsSize);
  if (bytes.readUInt16BE(offset + 22) !== expected) throw new FramingError('header checksum mismatch');
  if (header.dataSize < 0) throw new FramingError(`negative data length ${header.dataSize}`);
  if (header.dataSize + header.annotationsSize > maxMessageSize) {
    throw new FramingError(`max message size exceeded (${header.dataSize + header.annotationsSize} where max=${maxMessageSize})`);
  }
  return header;
}

/** Splits the annotations block into its chunks; the chunk lengths must add up exactly. */
function decodeAnnotations(block: Buffer): ReadonlyMap<string, Buffer> {
  if (block.length === 0) return NO_ANNOTATIONS;
  const annotations = new Map<string, Buffer>();
  let at = 0;
  while (at < block.length) {
    if (block.length - at < ANNOTATION_HEADER_SIZE) throw new FramingError('truncated annotation chunk header');
    const key = block.toString('latin1', at, at + 4);
    const length = block.readUInt16BE(at + 4);
    const end = at + ANNOTATION_HEADER_SIZE + length;
    if (end > block.length) throw new FramingError(`annotation ${JSON.stringify(key)} runs past the annotations block`);
    annotations.set(key, block.subarray(at + ANNOTATION_HEADER_SIZE, end));
    at = end;
  }
  return annotations;
}

/**
 * De-frames a stream of Pyro messages. The header is checked (magic, version,
 * checksum, size cap) as soon as its 24 bytes are in, so an oversize message is
 * refused before any of its body is held.
 */
export class MessageFramer implements Framer<PyroMessage> {
  private readonly carry = new CarryBuffer();
  private header: Header | undefined;

  constructor(readonly maxMessageSize = MAX_MESSAGE_SIZE) {}

  get pending(): number {
    return this.carry.length;
  }

  push(chunk: Buffer, emit: (message: PyroMessage) => void): void {
    let at = 0;
    while (at < chunk.length) {
      let header = this.header;
      if (!header) {
        if (this.carry.length === 0 && chunk.length - at >= HEADER_SIZE) {
          header = decodeHeader(chunk, this.maxMessageSize, at);
          at += HEADER_SIZE;
        } else {
          at += this.carry.fill(chunk, at, HEADER_SIZE);
          if (this.carry.length < HEADER_SIZE) return;
          header = decodeHeader(this.carry.take(), this.maxMessageSize);
        }
        if (header.annotationsSize + header.dataSize === 0) {
          emit(messageOf(header, EMPTY));
          continue;
        }
        this.header = header;
        if (at === chunk.length) return; // the body comes in later chunks
      }
      const need = header.annotationsSize + header.dataSize;
      let body: Buffer;
      if (this.carry.length === 0 && chunk.length - at >= need) {
        body = bufferView(chunk, at, at + need);
        at += need;
      } else {
        at += this.carry.fill(chunk, at, need);
        if (this.carry.length < need) return;
        body = this.carry.take();
      }
      this.header = undefined;
      emit(messageOf(header, body));
    }
  }
}

/** The message a header and its annotations + data bytes make. */
function messageOf(header: Header, body: Buffer): PyroMessage {
  const { annotationsSize } = header;
  return {
    type: header.type,
    flags: header.flags,
    seq: header.seq,
    serializerId: header.serializerId,
    annotations: annotationsSize === 0 ? NO_ANNOTATIONS : decodeAnnotations(body.subarray(0, annotationsSize)),
    data: annotationsSize === 0 ? body : body.subarray(annotationsSize),
  };
}

/** The body bytes, inflated when FLAGS_COMPRESSED is set (bounded by maxSize: no zip bombs). */
export function messageBody(message: PyroMessage, maxSize = MAX_MESSAGE_SIZE): Buffer {
  return message.flags & FLAGS_COMPRESSED ? zlib.inflateSync(message.data, { maxOutputLength: maxSize }) : message.data;
}
