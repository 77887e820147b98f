import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { decodeAll, FramingError } from '../../src/impl/common/framer';
import { ChannelFramer, encodeFrame, MAX_BODY } from '../../src/impl/channel/framer';
import { splitAt } from './wire';

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** Feeds the chunks one by one; returns the bodies emitted and the error, if any. */
function decodeUntilError(framer: ChannelFramer, chunks: Buffer[]): { bodies: Buffer[]; error?: FramingError } {
  const bodies: Buffer[] = [];
  try {
    for (const chunk of chunks) framer.push(chunk, (body) => bodies.push(Buffer.from(body)));
  } catch (err) {
    assert.ok(err instanceof FramingError, `expected a FramingError, got ${err}`);
    return { bodies, error: err };
  }
  return { bodies };
}

/** Index of the byte whose push throws, fed one byte at a time (-1: none throws). */
function failingByte(stream: Buffer, maxBody?: number): number {
  const framer = new ChannelFramer(maxBody);
  for (let i = 0; i < stream.length; i++) {
    try {
      framer.push(stream.subarray(i, i + 1), () => undefined);
    } catch (err) {
      assert.ok(err instanceof FramingError);
      return i;
    }
  }
  return -1;
}

function assertRejected(stream: string, message: RegExp, maxBody?: number) {
  assert.throws(() => decodeAll(new ChannelFramer(maxBody), [bytes(stream)]), (err: Error) => {
    assert.ok(err instanceof FramingError, `expected FramingError, got ${err.name}`);
    assert.match(err.message, message);
    return true;
  });
}

/** Bodies that like to look like headers: `\r\nMSG`, digits, CR and LF are frequent. */
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc
    .array(fc.constantFrom('\r\nMSG ', '\r\n', 'MSG 12\r\n', '0', '9', '\r', '\n', 'x'), { maxLength: 8 })
    .map((parts) => bytes(parts.join(''))),
);
const bodiesArb = fc.array(bodyArb, { maxLength: 8 });

/** A frame on the wire with its length written with 0..(10 - digits) leading zeros. */
const wireFrameArb = bodyArb.chain((body) => {
  const digits = String(body.length);
  return fc.nat({ max: 10 - digits.length }).map((zeros) => ({
    body,
    wire: Buffer.concat([bytes(`\r\nMSG ${'0'.repeat(zeros)}${digits}\r\n`), body]),
  }));
});
const wireFramesArb = fc.array(wireFrameArb, { maxLength: 8 });
const wireOf = (frames: { wire: Buffer }[]) => Buffer.concat(frames.map((f) => f.wire));
const bodiesOf = (frames: { body: Buffer }[]) => frames.map((f) => f.body);

test('encodeFrame writes the header and body in one buffer', () => {
  assert.deepEqual(encodeFrame('hi'), bytes('\r\nMSG 2\r\nhi'));
  assert.deepEqual(encodeFrame(Buffer.alloc(0)), bytes('\r\nMSG 0\r\n'));
  assert.deepEqual(encodeFrame('é'), Buffer.concat([bytes('\r\nMSG 2\r\n'), Buffer.from('é', 'utf8')]));
});

test('bodies may contain \\r\\nMSG and any bytes', () => {
  const body = bytes('\r\nMSG 5\r\nhello\r\n\x00\xff');
  assert.deepEqual(decodeAll(new ChannelFramer(), [encodeFrame(body), encodeFrame('x')]), [body, bytes('x')]);
});

test('length edge cases: 0, max, 10 digits with leading zeros are frames', () => {
  assert.deepEqual(decodeAll(new ChannelFramer(), [bytes('\r\nMSG 0\r\n')]), [Buffer.alloc(0)]);
  assert.deepEqual(decodeAll(new ChannelFramer(), [bytes('\r\nMSG 0000000000\r\n\r\nMSG 0000000003\r\nabc')]), [
    Buffer.alloc(0),
    bytes('abc'),
  ]);
  assert.deepEqual(decodeAll(new ChannelFramer(8), [bytes('\r\nMSG 8\r\n12345678')]), [bytes('12345678')]);
});

test('the default maximum is 16 MiB: a 16 MiB body passes, one byte more is refused', () => {
  const body = Buffer.alloc(MAX_BODY, 7);
  const [decoded] = decodeAll(new ChannelFramer(), [encodeFrame(body)]);
  assert.equal(decoded.length, MAX_BODY);
  assert.ok(decoded.equals(body));
  assertRejected(`\r\nMSG ${MAX_BODY + 1}\r\n`, /exceeds the maximum body of 16777216/);
});

test('malformed headers are protocol errors with a clear message', () => {
  assertRejected('\r\nMSG 9\r\n', /exceeds the maximum body of 8/, 8);
  assertRejected('\r\nMSG 9999999999\r\n', /exceeds the maximum body/);
  assertRejected('\r\nMSG 00000000001\r\n', /more than 10 digits/);
  assertRejected('\r\nMSG 12a\r\n', /non-digit: 0x61 \("a"\)/);
  assertRejected('\r\nMSG -1\r\n', /non-digit/);
  assertRejected('\r\nMSG +1\r\n', /non-digit/);
  assertRejected('\r\nMSG  1\r\n', /non-digit: 0x20/);
  assertRejected('\r\nMSG 1 \r\n', /non-digit: 0x20/);
  assertRejected('\r\nMSG \r\n', /no length digits/);
  assertRejected('\r\nMSG1\r\n', /missing space after MSG/);
  assertRejected('\r\nMSG\r\n', /missing space after MSG/);
  assertRejected('\r\nmsg 1\r\nx', /expected 'M' at byte 2/);
  assertRejected('\r\nMSX 1\r\nx', /expected 'G' at byte 4/);
  assertRejected('\nMSG 1\nx', /expected CR at byte 0.*LF-only/);
  assertRejected('\r\nMSG 1\nx', /ends in LF without CR/);
  assertRejected('\r\nMSG 1\r\rx', /CR after the length must be followed by LF/);
  assertRejected('\r\rMSG 1\r\nx', /expected LF at byte 1/);
  assertRejected('hello', /expected CR at byte 0/);
  // A header line over 32 bytes can never pass: its digits run past 10 long before.
  assertRejected(`\r\nMSG ${'0'.repeat(30)}1\r\n`, /more than 10 digits/);
  // Garbage right after a complete frame is where the next frame must start.
  assertRejected('\r\nMSG 1\r\nxy', /expected CR at byte 0 of a frame header, got 0x79/);
});

test('errors are raised at the first byte that cannot belong to a frame', () => {
  assert.equal(failingByte(bytes('X\r\nMSG 1\r\nx')), 0);
  assert.equal(failingByte(bytes('\r\nMSX')), 4);
  assert.equal(failingByte(bytes('\r\nMSG 000000000012\r\n')), 16); // the 11th digit
  assert.equal(failingByte(bytes('\r\nMSG 99999999\r\n')), 13); // 99,999,999 > 16 MiB at the 8th digit
  assert.equal(failingByte(bytes('\r\nMSG 1\r\nxQ')), 10);
  assert.equal(failingByte(bytes('\r\nMSG 0\r\n\r\nMSG 0\r\n')), -1);
});

test('a framer that failed keeps failing', () => {
  const framer = new ChannelFramer();
  assert.throws(() => framer.push(bytes('?'), () => undefined), FramingError);
  assert.throws(() => framer.push(encodeFrame('ok'), () => assert.fail('no frame after an error')), FramingError);
});

test('a frame inside one chunk is a zero-copy view of it', () => {
  const chunk = Buffer.concat([encodeFrame('first'), encodeFrame('second')]);
  const bodies = decodeAll(new ChannelFramer(), [chunk]);
  assert.deepEqual(bodies.map(String), ['first', 'second']);
  for (const body of bodies) assert.equal(body.buffer, chunk.buffer);
});

test('a claimed length is never allocated before its bytes arrive', () => {
  const framer = new ChannelFramer();
  const before = process.memoryUsage().arrayBuffers;
  framer.push(bytes(`\r\nMSG ${MAX_BODY}\r\nabc`), () => assert.fail('no frame yet'));
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 1 << 20, `holding 3 body bytes grew array buffers by ${grown} bytes`);
  assert.equal(framer.pending, 6 + 8 + 2 + 3);
});

test('a body a little over 64 KiB that straddles two chunks is carried in one allocation of its size', () => {
  const body = Buffer.alloc(64 * 1024 + 22, 0x65);
  const frame = encodeFrame(body);
  const [got] = decodeAll(new ChannelFramer(), [frame.subarray(0, 40_000), frame.subarray(40_000)]);
  assert.deepEqual(got, body);
  // Growing by doubling past 64 KiB would have left it in 128 KiB, after a second copy.
  assert.equal(got.buffer.byteLength, body.length);
});

test('property: encode then decode gives the bodies back', () => {
  fc.assert(
    fc.property(bodiesArb, (bodies) => {
      assert.deepEqual(decodeAll(new ChannelFramer(), [Buffer.concat(bodies.map((b) => encodeFrame(b)))]), bodies);
    }),
  );
});

test('property: every split offset of a small stream decodes to the same bodies', () => {
  fc.assert(
    fc.property(wireFramesArb, (frames) => {
      const wire = wireOf(frames);
      for (let offset = 0; offset <= wire.length; offset++) {
        const framer = new ChannelFramer();
        assert.deepEqual(decodeAll(framer, splitAt(wire, [offset])), bodiesOf(frames));
        assert.equal(framer.pending, 0);
      }
    }),
    { numRuns: 200 },
  );
});

test('property: random n-way splits and a 1-byte dribble decode to the same bodies', () => {
  fc.assert(
    fc.property(wireFramesArb, fc.array(fc.nat({ max: 1000 }), { maxLength: 30 }), (frames, cuts) => {
      const wire = wireOf(frames);
      const expected = bodiesOf(frames);
      assert.deepEqual(decodeAll(new ChannelFramer(), splitAt(wire, cuts)), expected);
      const dribble = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
      assert.deepEqual(decodeAll(new ChannelFramer(), dribble), expected);
    }),
  );
});

test('property: no partial frame is delivered; pending counts the bytes an EOF would drop', () => {
  fc.assert(
    fc.property(wireFramesArb, fc.nat(), (frames, cutSeed) => {
      const wire = wireOf(frames);
      const cut = cutSeed % (wire.length + 1);
      const framer = new ChannelFramer();
      const decoded = decodeAll(framer, [wire.subarray(0, cut)]);
      let whole = 0;
      let end = 0;
      while (whole < frames.length && end + frames[whole].wire.length <= cut) end += frames[whole++].wire.length;
      assert.deepEqual(decoded, bodiesOf(frames.slice(0, whole)));
      assert.equal(framer.pending, cut - end);
    }),
  );
});

test('property: corrupted streams give the same bodies and the same error however they are split', () => {
  const corruptedArb = fc
    .tuple(wireFramesArb, fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([frames, at, byte]) => {
      const wire = Buffer.from(wireOf(frames));
      if (wire.length > 0) wire[at % wire.length] = byte;
      return wire;
    });
  fc.assert(
    fc.property(corruptedArb, fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), (wire, cuts) => {
      const whole = decodeUntilError(new ChannelFramer(), [wire]);
      const split = decodeUntilError(new ChannelFramer(), splitAt(wire, cuts));
      assert.deepEqual(split.bodies, whole.bodies);
      assert.equal(split.error?.message, whole.error?.message);
    }),
  );
});

test('property: arbitrary bytes either frame or raise FramingError, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
      decodeUntilError(new ChannelFramer(16), [Buffer.from(data)]);
    }),
  );
});

test('property: lengths around the maximum and the digit limit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 12 }), (length, digits) => {
      const maxBody = 32;
      const text = String(length).padStart(digits, '0');
      const header = bytes(`\r\nMSG ${text}\r\n`);
      const result = decodeUntilError(new ChannelFramer(maxBody), [header, Buffer.alloc(length, 1)]);
      if (text.length > 10) assert.match(result.error?.message ?? '', /more than 10 digits/);
      else if (length > maxBody) assert.match(result.error?.message ?? '', /exceeds the maximum/);
      else assert.deepEqual(result, { bodies: [Buffer.alloc(length, 1)] });
    }),
  );
});
