import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { decodeAll, FramingError } from '../../src/impl/common/framer';
import {
  encodeMessage, HEADER_SIZE, MessageFramer, MSG_CONNECT, MSG_INVOKE, MSG_PING, PROTOCOL_VERSION, PyroMessage, pyroMessage,
} from '../../src/impl/rpc/message';

const message = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }),
  flags: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.integer({ min: 0, max: 0xffff }),
  serializerId: fc.integer({ min: 0, max: 0xffff }),
  annotations: fc
    .dictionary(fc.string({ minLength: 4, maxLength: 4, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)), { maxKeys: 3 })
    .map((dict) => new Map(Object.entries(dict))),
  data: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
}) as fc.Arbitrary<PyroMessage>;

/** Cuts a byte string at the given offsets (any order, duplicates allowed). */
function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

const plain = (m: PyroMessage) => ({ ...m, annotations: [...m.annotations], data: Buffer.from(m.data) });

describe('rpc message codec', () => {
  it('writes the exact bytes Pyro4 4.82 writes (struct !4sHHHHiHHHH, checksum)', () => {
    // Pyro4: Message(MSG_PING, b"ping", 42, 0, 0).to_bytes()
    const bytes = encodeMessage(pyroMessage(MSG_PING, 0, Buffer.from('ping'), { serializerId: 42 }));
    assert.equal(bytes.toString('hex'), '5059524f003000060000000000000004002a00000000354d70696e67');
    assert.equal(bytes.readUInt16BE(4), PROTOCOL_VERSION);
    // Pyro4: Message(MSG_INVOKE, b"{}", 2, FLAGS_ONEWAY, 7, annotations={"CORR": b"0123456789abcdef"}).to_bytes()
    const invoke = encodeMessage(pyroMessage(MSG_INVOKE, 7, Buffer.from('{}'), { flags: 4, annotations: new Map([['CORR', Buffer.from('0123456789abcdef')]]) }));
    assert.equal(invoke.toString('hex'), '5059524f0030000400040007000000020002001600003542434f52520010303132333435363738396162636465667b7d');
  });

  it('writes annotation chunks after the header and counts them in the annotations length', () => {
    const corr = Buffer.alloc(16, 7);
    const bytes = encodeMessage(pyroMessage(MSG_INVOKE, 3, Buffer.from('{}'), { annotations: new Map([['CORR', corr]]) }));
    assert.equal(bytes.readUInt16BE(18), 22);
    assert.equal(bytes.toString('latin1', HEADER_SIZE, HEADER_SIZE + 4), 'CORR');
    assert.equal(bytes.readUInt16BE(HEADER_SIZE + 4), 16);
    assert.equal(bytes.subarray(-2).toString(), '{}');
  });

  it('refuses what it cannot encode: bad annotation keys, out-of-range fields', () => {
    assert.throws(() => encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(0), { annotations: new Map([['LONGER', Buffer.alloc(0)]]) })), RangeError);
    assert.throws(() => encodeMessage(pyroMessage(MSG_INVOKE, 0x10000, Buffer.alloc(0))), RangeError);
  });

  it('round-trips any message through any split of the stream', () => {
    fc.assert(
      fc.property(message, fc.array(fc.nat(), { maxLength: 8 }), (m, cuts) => {
        const decoded = decodeAll(new MessageFramer(), splitAt(encodeMessage(m), cuts));
        assert.deepEqual(decoded.map(plain), [plain(m)]);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes merged messages split anywhere, including a 1-byte dribble, to the same messages', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (ms, cuts, dribble) => {
        const stream = Buffer.concat(ms.map(encodeMessage));
        const chunks = dribble ? [...stream].map((b) => Buffer.from([b])) : splitAt(stream, cuts);
        assert.deepEqual(decodeAll(new MessageFramer(), chunks).map(plain), ms.map(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('emits zero-copy views of the chunk when a message arrives whole', () => {
    const bytes = encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.from('hello')));
    const [decoded] = decodeAll(new MessageFramer(), [bytes]);
    assert.equal(decoded.data.buffer, bytes.buffer);
  });

  const corrupt = (offset: number, value: number) => {
    const bytes = encodeMessage(pyroMessage(MSG_CONNECT, 0, Buffer.from('{}')));
    bytes.writeUInt16BE(value, offset);
    return bytes;
  };

  for (const [what, bytes, pattern] of [
    ['bad magic', Buffer.concat([Buffer.from('PYRX'), corrupt(0, 0x5059).subarray(4)]), /magic/],
    ['bad version', corrupt(4, 47), /version 47/],
    ['bad checksum', corrupt(22, 0), /checksum/],
  ] as const) {
    it(`rejects a ${what} with FramingError as soon as the header is in`, () => {
      assert.throws(() => decodeAll(new MessageFramer(), [bytes.subarray(0, HEADER_SIZE)]), (e: Error) => e instanceof FramingError && pattern.test(e.message));
    });
  }

  it('rejects a message over the size cap from its header alone, holding no body', () => {
    const header = Buffer.from(encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(1001))).subarray(0, HEADER_SIZE));
    const framer = new MessageFramer(1000);
    assert.throws(() => framer.push(header, () => undefined), /max message size exceeded \(1001 where max=1000\)/);
    assert.doesNotThrow(() => decodeAll(new MessageFramer(1001), [encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(1001)))]));
  });

  it('rejects a negative data length (the field is a signed int)', () => {
    const bytes = Buffer.from(encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(0))));
    bytes.writeInt32BE(-5, 12);
    const sum = (MSG_INVOKE + PROTOCOL_VERSION - 5 + 2 + 1 + 0x34e9) & 0xffff;
    bytes.writeUInt16BE(sum, 22);
    assert.throws(() => decodeAll(new MessageFramer(), [bytes]), /negative data length/);
  });

  it('rejects annotation chunks that do not add up to the annotations length', () => {
    const bytes = Buffer.from(encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.from('xx'), { annotations: new Map([['CORR', Buffer.alloc(4)]]) })));
    bytes.writeUInt16BE(9, HEADER_SIZE + 4); // chunk claims 9 bytes, the block has 4 (+2 of data would follow)
    assert.throws(() => decodeAll(new MessageFramer(), [bytes]), FramingError);
  });

  it('holds a truncated message as pending and never more than the message', () => {
    const bytes = encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(100)));
    const framer = new MessageFramer();
    assert.deepEqual(decodeAll(framer, [bytes.subarray(0, 60)]), []);
    assert.equal(framer.pending, 60 - HEADER_SIZE);
  });

  it('only ever throws FramingError on arbitrary bytes, and holds at most one message', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), fc.boolean(), (chunks, withMagic) => {
        const framer = new MessageFramer(256);
        const stream = chunks.map((c) => Buffer.from(c));
        if (withMagic) stream.unshift(Buffer.from('PYRO\x00\x30'));
        try {
          decodeAll(framer, stream);
        } catch (error) {
          assert.ok(error instanceof FramingError, String(error));
        }
        assert.ok(framer.pending <= 256 + HEADER_SIZE);
      }),
      { numRuns: 300 },
    );
  });
});
