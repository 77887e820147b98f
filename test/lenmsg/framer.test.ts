import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { decodeAll, FramingError, keepable } from '../../src/impl/common/framer';
import {
  decodeBody,
  decodeBodyParts,
  encodeFrame,
  encodeMessage,
  HEADER_BYTES,
  LengthPrefixFramer,
  LenmsgFramer,
  MAX_MESSAGE,
} from '../../src/impl/lenmsg/framer';

const json = fc.jsonValue({ maxDepth: 3 });
const bodies = fc.array(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), { maxLength: 8 });

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function splitAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

function header(length: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32BE(length);
  return h;
}

test('every JSON value survives encode → frame → decode', () => {
  fc.assert(
    fc.property(fc.array(json, { maxLength: 10 }), (values) => {
      const text = JSON.stringify(values);
      fc.pre(!text.includes('__proto__')); // dropped by design: its own test below
      const stream = Buffer.concat(values.map((v) => encodeMessage(v)));
      // What JSON can carry (-0 arrives as 0).
      assert.deepEqual(decodeAll(new LenmsgFramer(), [stream]), JSON.parse(text));
    }),
  );
});

test('every split offset of a small stream yields the same bodies', () => {
  fc.assert(
    fc.property(bodies, (frames) => {
      const stream = Buffer.concat(frames.map(encodeFrame));
      for (let cut = 0; cut <= stream.length; cut++) {
        const got = decodeAll(new LengthPrefixFramer(), [stream.subarray(0, cut), stream.subarray(cut)]);
        assert.deepEqual(got, frames);
      }
    }),
    { numRuns: 50 },
  );
});

test('random n-way splits and 1-byte dribble yield the same bodies', () => {
  fc.assert(
    fc.property(bodies, fc.array(fc.nat(), { maxLength: 30 }), (frames, offsets) => {
      const stream = Buffer.concat(frames.map(encodeFrame));
      assert.deepEqual(decodeAll(new LengthPrefixFramer(), splitAt(stream, offsets)), frames);
      const dribble = [...stream].map((byte) => Buffer.of(byte));
      assert.deepEqual(decodeAll(new LengthPrefixFramer(), dribble), frames);
    }),
  );
});

test('JSON values split anywhere, non-ASCII included, decode as they were sent', () => {
  const values = fc.array(fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }), { maxLength: 6 });
  fc.assert(
    fc.property(values, fc.array(fc.nat(), { maxLength: 20 }), (sent, offsets) => {
      const text = JSON.stringify(sent);
      fc.pre(!text.includes('__proto__'));
      const stream = Buffer.concat(sent.map((v) => encodeMessage(v)));
      assert.deepEqual(decodeAll(new LenmsgFramer(), splitAt(stream, offsets)), JSON.parse(text));
    }),
  );
});

test('pushParts gives each body as views of the chunks it arrived in, never a copy', () => {
  fc.assert(
    fc.property(bodies, fc.array(fc.nat(), { maxLength: 30 }), (frames, offsets) => {
      // Each chunk in memory of its own (Buffer.alloc never pools), so a view is told from a copy.
      const chunks = splitAt(Buffer.concat(frames.map(encodeFrame)), offsets).map((c) => {
        const own = Buffer.alloc(c.length);
        c.copy(own);
        return own;
      });
      const isViewOfAChunk = (part: Buffer) => chunks.some((c) => c.buffer === part.buffer);
      const framer = new LengthPrefixFramer();
      const got: Buffer[] = [];
      for (const chunk of chunks) {
        framer.pushParts(chunk, (parts, length) => {
          for (const part of parts) assert.ok(part.length > 0 || parts.length === 1, 'no empty part beside others');
          assert.equal(parts.reduce((n, p) => n + p.length, 0), length);
          for (const part of parts) assert.ok(isViewOfAChunk(part), 'a part is a view of an input chunk');
          got.push(Buffer.concat(parts));
        });
      }
      assert.deepEqual(got, frames);
      assert.equal(framer.pending, 0);
    }),
  );
});

test('decodeBodyParts decodes what decodeBody decodes, however the body is cut', () => {
  const texts = [
    Buffer.from('{"a":"é€😀","b":[1.5,null,true]}'), // 2-, 3- and 4-byte characters: some cut lands inside each
    Buffer.from('"plain ascii"'),
    Buffer.from('[1,'), // not JSON
    Buffer.of(0x22, 0x80, 0x22), // not UTF-8
  ];
  const outcome = (decode: () => unknown) => {
    try {
      return { value: decode() };
    } catch (err) {
      return { error: err instanceof FramingError ? err.message.replace(/:.*/, '') : String(err) };
    }
  };
  for (const body of texts) {
    const expected = outcome(() => decodeBody(body));
    for (let a = 0; a <= body.length; a++) {
      for (let b = a; b <= body.length; b++) {
        const parts = [body.subarray(0, a), body.subarray(a, b), body.subarray(b)];
        assert.deepEqual(outcome(() => decodeBodyParts(parts, body.length)), expected, `${body.toString('latin1')} cut at ${a}, ${b}`);
      }
    }
  }
});

test('a decoded value stays whole after later bodies reuse the join buffer', () => {
  const first = Buffer.from(JSON.stringify({ text: 'x'.repeat(1000) }));
  const kept = decodeBodyParts([first.subarray(0, 500), first.subarray(500)], first.length);
  const second = Buffer.from(JSON.stringify({ text: 'y'.repeat(1000) }));
  decodeBodyParts([second.subarray(0, 300), second.subarray(300)], second.length);
  assert.deepEqual(kept, { text: 'x'.repeat(1000) });
});

test('a straddling body holds only the bytes that arrived, never its claimed length', () => {
  for (const feed of ['push', 'pushParts'] as const) {
    const framer = new LengthPrefixFramer();
    const before = process.memoryUsage().arrayBuffers;
    framer[feed](Buffer.concat([header(MAX_MESSAGE), Buffer.from('"abc')]), () => assert.fail('incomplete'));
    framer[feed](Buffer.from('def'), () => assert.fail('incomplete'));
    assert.equal(framer.pending, HEADER_BYTES + 7);
    assert.ok(process.memoryUsage().arrayBuffers - before < MAX_MESSAGE / 4, `${feed} allocated for the claimed length`);
  }
});

test('a relayed part small beside its chunk is copied, so a queued relay cannot pin the chunk', () => {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const small = chunk.subarray(100, 120);
  const kept = keepable(small);
  assert.notEqual(kept.buffer, chunk.buffer);
  assert.deepEqual(kept, small);
  const large = chunk.subarray(0, 40_000); // most of its chunk: kept as the view it is
  assert.equal(keepable(large), large);
});

test('merged frames in one chunk are zero-copy views of that chunk', () => {
  const frames = [Buffer.from('"a"'), Buffer.from('[1,2]'), Buffer.alloc(0)];
  const chunk = Buffer.concat(frames.map(encodeFrame));
  const got = decodeAll(new LengthPrefixFramer(), [chunk]);
  assert.deepEqual(got, frames);
  for (const body of got) assert.equal(body.buffer, chunk.buffer);
});

test('length 0 and exactly the maximum are frames; max + 1 fails at the header', () => {
  const max = 100;
  assert.deepEqual(decodeAll(new LengthPrefixFramer(max), [header(0)]), [Buffer.alloc(0)]);
  const full = Buffer.alloc(max, 0x61);
  assert.deepEqual(decodeAll(new LengthPrefixFramer(max), [encodeFrame(full)]), [full]);
  // Only the header: the error comes before any body byte (no allocation of N).
  const framer = new LengthPrefixFramer(max);
  assert.throws(() => framer.push(header(max + 1), () => assert.fail('no frame')), FramingError);
  assert.throws(() => framer.push(Buffer.from('x'), () => undefined), FramingError, 'stays broken');
});

test('a 4 GiB claim with the default maximum fails at once, even split inside the header', () => {
  const framer = new LengthPrefixFramer();
  framer.push(Buffer.of(0xff, 0xff), () => assert.fail('no frame'));
  assert.equal(framer.pending, 2);
  assert.throws(() => framer.push(Buffer.of(0xff, 0xff), () => undefined), /exceeds the maximum 16777216/);
  assert.equal(MAX_MESSAGE, 16 * 1024 * 1024);
});

test('pending counts the bytes of an incomplete frame', () => {
  const framer = new LengthPrefixFramer();
  const frame = encodeFrame(Buffer.from('"hello"'));
  framer.push(frame.subarray(0, 6), () => assert.fail('incomplete'));
  assert.equal(framer.pending, 6);
  const got: Buffer[] = [];
  framer.push(frame.subarray(6), (b) => got.push(b));
  assert.deepEqual(got, [Buffer.from('"hello"')]);
  assert.equal(framer.pending, 0);
});

test('a body that is not UTF-8 is a FramingError, wherever it is split', () => {
  const badUtf8 = fc.constantFrom(
    Buffer.of(0x22, 0x80, 0x22), // lone continuation byte
    Buffer.of(0x22, 0xc0, 0xaf, 0x22), // overlong '/'
    Buffer.of(0x22, 0xed, 0xa0, 0x80, 0x22), // UTF-16 surrogate
    Buffer.of(0x22, 0xe2, 0x82, 0x22), // truncated sequence
    Buffer.of(0x22, 0xfe, 0x22),
    Buffer.of(0x22, 0xff, 0x22),
  );
  fc.assert(
    fc.property(badUtf8, fc.array(fc.nat(), { maxLength: 4 }), (body, offsets) => {
      const chunks = splitAt(encodeFrame(body), offsets);
      assert.throws(() => decodeAll(new LenmsgFramer(), chunks), (err: Error) =>
        err instanceof FramingError && /not valid UTF-8/.test(err.message),
      );
    }),
  );
});

test('a UTF-8 body that is not JSON is a FramingError', () => {
  for (const text of ['', '{', 'hello', "{'a':1}", 'undefined', '[1,]', '1 2']) {
    assert.throws(() => decodeBody(Buffer.from(text)), FramingError, JSON.stringify(text));
  }
});

test('__proto__ keys are dropped: nothing received can reach a prototype', () => {
  for (const text of ['{"__proto__":{"polluted":1},"a":1}', '{"\\u005f_proto__":{"polluted":1},"a":1}']) {
    const value = decodeBody(Buffer.from(text)) as Record<string, unknown>;
    assert.deepEqual(value, { a: 1 });
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.assign({}, value) as Record<string, unknown>).polluted, undefined);
  }
  const nested = decodeBody(Buffer.from('{"x":[{"__proto__":{"polluted":1}}]}'));
  assert.deepEqual(nested, { x: [{}] });
});

test('encodeMessage refuses what the peer would refuse', () => {
  assert.throws(() => encodeMessage(undefined), TypeError);
  assert.throws(() => encodeMessage('x'.repeat(10), 5), RangeError);
  assert.deepEqual(encodeMessage('é'), Buffer.from([0, 0, 0, 4, 0x22, 0xc3, 0xa9, 0x22]));
});
