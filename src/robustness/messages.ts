/**
 * The messages of the volume and many-clients loads. Each carries its client and sequence
 * number, and a filler that follows from them, so that any answer can be checked (and told
 * lost, duplicated, corrupted or reordered) without keeping what was sent: memory stays the
 * same for ten messages or a million.
 *
 * Two shapes: text (`wp<client>.<seq>:` then letters and digits; for line, JSON and path
 * protocols) and binary records (a 16-byte header `WPLD`, client, seq, length, then any
 * byte values; for byte streams and binary bodies).
 */

/** A message's identity. */
export interface MessageId {
  client: number;
  seq: number;
}

/** What an answer turned out to be: whose it is, and whether it is whole and unchanged. */
export interface Identified extends MessageId {
  intact: boolean;
}

const PATTERN_BYTES = 64 * 1024 + 256;
const TEXT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
const RECORD_MAGIC = Buffer.from('WPLD');
const RECORD_HEADER_BYTES = 16;
/** The magic's first byte never occurs in a binary filler, so a record start is found again after damage. */
const MAGIC_FIRST = RECORD_MAGIC[0];

/** A fixed pseudo-random pattern the fillers are cut from (xorshift; the same in every run). */
function pattern(byte: (x: number) => number): Buffer {
  const out = Buffer.allocUnsafe(PATTERN_BYTES);
  let x = 0x2545f491;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = byte(x >>> 0);
  }
  return out;
}

const TEXT_PATTERN = pattern((x) => TEXT_ALPHABET.charCodeAt(x & 63));
const BINARY_PATTERN = pattern((x) => ((x & 0xff) === MAGIC_FIRST ? MAGIC_FIRST + 1 : x & 0xff));

/** A 32-bit mix of the identity (a message's size and filler offset follow from it). */
function mix({ client, seq }: MessageId): number {
  let h = Math.imul(seq + 1, 0x9e3779b1) ^ Math.imul(client + 1, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/**
 * Mixed sizes, up to `max` bytes: six in ten up to 64 bytes, three up to 2 KiB, most of
 * the rest up to 16 KiB, one in a hundred up to `max`. Never below `min` (room for the mark).
 */
export function messageSize(id: MessageId, min: number, max: number): number {
  const h = mix(id);
  const bucket = h % 100;
  const [low, high] = bucket < 60 ? [1, 64] : bucket < 90 ? [65, 2048] : bucket < 99 ? [2049, 16384] : [16385, max];
  const span = Math.max(1, Math.min(high, max) - Math.min(low, max) + 1);
  return Math.max(min, Math.min(low, max) + ((h >>> 8) % span));
}

const filler = (source: Buffer, id: MessageId, length: number) => {
  const at = mix(id) % 256;
  return source.subarray(at, at + length);
};

const textMark = ({ client, seq }: MessageId) => `wp${client}.${seq}:`;
const TEXT_MARK = /^wp(\d{1,9})\.(\d{1,9}):/;

/** A text message of mixed size (at most `max` bytes, at most 64 KiB): the mark, then letters and digits. */
export function textMessage(id: MessageId, max: number): Buffer {
  const mark = textMark(id);
  const size = messageSize(id, mark.length, Math.min(max, PATTERN_BYTES - 256));
  return Buffer.concat([Buffer.from(mark, 'latin1'), filler(TEXT_PATTERN, id, size - mark.length)]);
}

/** Whose text message these bytes are by their mark alone (nothing else is checked); undefined when they carry none. */
export function textMarkOf(bytes: Buffer): MessageId | undefined {
  const m = TEXT_MARK.exec(bytes.subarray(0, 24).toString('latin1'));
  return m ? { client: Number(m[1]), seq: Number(m[2]) } : undefined;
}

/** Whose text message these bytes are, and whether they are exactly it; undefined when they carry no mark. */
export function identifyText(bytes: Buffer, max: number): Identified | undefined {
  const id = textMarkOf(bytes);
  return id && { ...id, intact: textMessage(id, max).equals(bytes) };
}

/** A binary record: header (magic, client, seq, total length, big-endian) and any byte values. */
export function binaryRecord(id: MessageId, max: number): Buffer {
  const size = messageSize(id, RECORD_HEADER_BYTES, Math.min(max, PATTERN_BYTES - 256));
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  RECORD_MAGIC.copy(header);
  header.writeUInt32BE(id.client, 4);
  header.writeUInt32BE(id.seq, 8);
  header.writeUInt32BE(size, 12);
  return Buffer.concat([header, filler(BINARY_PATTERN, id, size - RECORD_HEADER_BYTES)]);
}

/** Whose record these bytes are (one whole record, as a channel body), and whether they are exactly it. */
export function identifyRecord(bytes: Buffer, max: number): Identified | undefined {
  if (bytes.length < RECORD_HEADER_BYTES || !bytes.subarray(0, 4).equals(RECORD_MAGIC)) return undefined;
  const id = { client: bytes.readUInt32BE(4), seq: bytes.readUInt32BE(8) };
  return { ...id, intact: binaryRecord(id, max).equals(bytes) };
}

/** One piece of a byte stream of records: a record (whole or damaged), or bytes that belong to none. */
export type StreamPiece = { record: Identified; consumed: number } | { garbage: number; consumed: number };

/**
 * Takes one record off the front of an echoed byte stream, or the bytes before the next
 * record start when the front is not one (dropped or changed bytes). Undefined while the
 * front is incomplete.
 */
export function nextRecord(received: Buffer, max: number): StreamPiece | undefined {
  if (received.length === 0) return undefined;
  const magicAt = received.indexOf(RECORD_MAGIC);
  if (magicAt !== 0) {
    // Keep the last bytes: the magic may be arriving split.
    const garbage = magicAt > 0 ? magicAt : Math.max(0, received.length - (RECORD_MAGIC.length - 1));
    return garbage > 0 ? { garbage, consumed: garbage } : undefined;
  }
  if (received.length < RECORD_HEADER_BYTES) return undefined;
  const size = received.readUInt32BE(12);
  const id = { client: received.readUInt32BE(4), seq: received.readUInt32BE(8) };
  const expected = binaryRecord(id, max);
  // A record start inside this record's span: it was cut short (or its length damaged), and the next one begins there.
  const next = received.indexOf(RECORD_MAGIC, 1);
  if (next !== -1 && next < Math.max(size, expected.length)) return { record: { ...id, intact: false }, consumed: next };
  if (size !== expected.length) {
    // A damaged length with no record after it yet: wait for one, or for as many bytes as the record should have.
    return received.length >= expected.length ? { record: { ...id, intact: false }, consumed: received.length } : undefined;
  }
  if (received.length < size) return undefined;
  return { record: { ...id, intact: expected.equals(received.subarray(0, size)) }, consumed: size };
}
