/**
 * Hostile headers: a valid message with one header field broken, each a protocol error
 * the target must answer by closing the connection (SRS-RPC-004 to 008); and hostile
 * serpent bodies (SRS-RPC-063). Shared by the features (by name) and the live fuzzing
 * properties (all of them).
 */
import { encodeMessage, HEADER_SIZE, headerChecksum, PROTOCOL_VERSION, type PyroMessage } from '../../impl/rpc/message';
import { SERPENT_HEADER } from '../../impl/rpc/serpent';

export interface Corruption {
  /** The requirement the broken field belongs to. */
  id: string;
  /** Only the header goes on the wire (the announced body must not be waited for). */
  headerOnly: boolean;
  apply(bytes: Buffer): void;
}

/** Writes the checksum the header's own fields give (with the version the header claims); returns the bytes. */
export function fixChecksum(bytes: Buffer): Buffer {
  const field = (offset: number) => bytes.readUInt16BE(offset);
  const sum = headerChecksum(field(6), field(8), field(10), bytes.readInt32BE(12), field(16), field(18));
  bytes.writeUInt16BE((sum + field(4) - PROTOCOL_VERSION) & 0xffff, 22);
  return bytes;
}

const magic = (text: string): Corruption => ({ id: 'SRS-RPC-004', headerOnly: false, apply: (b) => { b.write(text, 0, 'latin1'); } });
const version = (v: number): Corruption => ({
  id: 'SRS-RPC-005', headerOnly: false, apply: (b) => { b.writeUInt16BE(v, 4); fixChecksum(b); },
});
const length = (claim: number, id: string): Corruption => ({
  id, headerOnly: true, apply: (b) => { b.writeUInt32BE(claim >>> 0, 12); fixChecksum(b); },
});

export const CORRUPTIONS: Readonly<Record<string, Corruption>> = {
  'the magic PYRX': magic('PYRX'),
  'the lowercase magic pyro': magic('pyro'),
  'a magic of four zero bytes': magic('\0\0\0\0'),
  'version 47': version(47),
  'version 49': version(49),
  'version 0': version(0),
  'a checksum off by one': { id: 'SRS-RPC-006', headerOnly: false, apply: (b) => { b.writeUInt16BE(b.readUInt16BE(22) ^ 1, 22); } },
  'a checksum without its constant': {
    id: 'SRS-RPC-006', headerOnly: false, apply: (b) => { b.writeUInt16BE((b.readUInt16BE(22) - 0x34e9) & 0xffff, 22); },
  },
  'a checksum that ignores the seq': {
    id: 'SRS-RPC-006', headerOnly: false, apply: (b) => { b.writeUInt16BE((b.readUInt16BE(22) - b.readUInt16BE(10)) & 0xffff, 22); },
  },
  'an announced length of 2147483647': length(0x7fffffff, 'SRS-RPC-007'),
  'an announced length of 1073741824': length(0x40000000, 'SRS-RPC-007'),
  'an announced length of 0xFFFFFFFF': length(0xffffffff, 'SRS-RPC-008'),
  'an announced length of 0x80000000': length(0x80000000, 'SRS-RPC-008'),
};

/** The bytes of `message` (its seq not 0, or a seq-blind checksum is no change) with the named corruption. */
export function corrupt(message: PyroMessage, name: string): Buffer {
  const corruption = CORRUPTIONS[name];
  if (!corruption) throw new Error(`no corruption named ${JSON.stringify(name)} (known: ${Object.keys(CORRUPTIONS).join('; ')})`);
  const bytes = Buffer.from(encodeMessage(message));
  corruption.apply(bytes);
  return corruption.headerOnly ? bytes.subarray(0, HEADER_SIZE) : bytes;
}

/** An INVOKE body of record(ARGUMENT) on wireproof.echo in serpent, ARGUMENT as raw bytes. */
const recordWith = (...argument: (string | Buffer)[]): Buffer =>
  Buffer.concat([Buffer.from(`${SERPENT_HEADER}('wireproof.echo','record',(`), ...argument.map((part) => Buffer.from(part)), Buffer.from(',),{})')]);

/**
 * serpent bodies that are no literal, each a call of record() whose argument would run
 * something, or exhaust the reader, if the body were evaluated or read without bounds.
 * The target must answer each with an exception or close the connection, and record()
 * must not run (SRS-RPC-063). Shared by the features (by name) and the live property.
 */
export const HOSTILE_SERPENT: Readonly<Record<string, Buffer>> = {
  'a call of os.system': recordWith("__import__('os').system('id')"),
  'a lambda': recordWith('lambda: 1'),
  'a name': recordWith('last'),
  'an attribute': recordWith("'x'.join"),
  'a call of a literal': recordWith('[1](2)'),
  'a comprehension': recordWith('[x for x in [1]]'),
  'an f-string': recordWith("f'{1}'"),
  'a power': recordWith('2**10**10'),
  'a repetition': recordWith("'a'*10**9"),
  '10,000 nested brackets': recordWith('['.repeat(10_000), ']'.repeat(10_000)),
  'a 100,000-digit integer': recordWith('9'.repeat(100_000)),
  'a string cut in its escape': Buffer.from(`${SERPENT_HEADER}('wireproof.echo','record',('abc\\x4`),
  'invalid UTF-8': recordWith("'", Buffer.from([0xff, 0xfe]), "'"),
  'a NUL byte': recordWith("'a", Buffer.from([0]), "'"),
};
