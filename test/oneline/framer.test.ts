import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAll } from '../../src/impl/common/framer';
import { INVALID_PACKET, LineFramer, LineTextFramer, OVERSIZED_PACKET, MAX_PACKET, encodeLine } from '../../src/impl/oneline/framer';

const lines = (frames: ReturnType<typeof decodeAll>) => frames.map((f) => (f === OVERSIZED_PACKET ? '<oversized>' : (f as Buffer).toString('latin1')));

test('a packet is the bytes before LF; CR stays in the packet', () => {
  assert.deepEqual(lines(decodeAll(new LineFramer(), [Buffer.from('ping\nping\r\n\nx')])), ['ping', 'ping\r', '']);
});

test('a packet inside one chunk is a view of that chunk (zero-copy)', () => {
  const chunk = Buffer.from('abc\ndef\n');
  const [first] = decodeAll(new LineFramer(), [chunk]) as Buffer[];
  assert.equal(first.buffer, chunk.buffer);
  chunk[0] = 0x7a;
  assert.equal(first.toString(), 'zbc');
});

test('a packet straddling chunks is whole, and the pending count says what EOF would drop', () => {
  const framer = new LineFramer();
  const got: unknown[] = [];
  framer.push(Buffer.from('pi'), (f) => got.push(f));
  assert.equal(framer.pending, 2);
  framer.push(Buffer.from('n'), (f) => got.push(f));
  framer.push(Buffer.from('g\nxy'), (f) => got.push(f));
  assert.deepEqual(lines(got as never), ['ping']);
  assert.equal(framer.pending, 2);
});

test('exactly the maximum is a packet; one byte more is oversized, reported once at its LF', () => {
  const max = 10;
  const ok = Buffer.alloc(max, 0x61);
  const over = Buffer.alloc(max + 1, 0x62);
  const frames = decodeAll(new LineFramer(max), [Buffer.concat([ok, Buffer.from('\n'), over, Buffer.from('\nping\n')])]);
  assert.deepEqual(lines(frames), ['a'.repeat(max), '<oversized>', 'ping']);
});

test('an oversized packet streamed in small chunks holds no more than the maximum', () => {
  const framer = new LineFramer(100);
  const got: unknown[] = [];
  for (let i = 0; i < 10_000; i++) {
    framer.push(Buffer.alloc(7, 0x78), (f) => got.push(f));
    assert.ok(framer.pending <= 100);
  }
  assert.equal(got.length, 0, 'nothing is reported before the LF');
  framer.push(Buffer.from('\nping\n'), (f) => got.push(f));
  assert.deepEqual(lines(got as never), ['<oversized>', 'ping']);
});

test('the default maximum is 65,536 bytes and encodeLine appends the LF', () => {
  assert.equal(MAX_PACKET, 65_536);
  assert.deepEqual(encodeLine('héllo'), Buffer.from('héllo\n', 'utf8'));
});

test('the text framer decodes strictly, line by line, whatever the chunking', () => {
  const text = new LineTextFramer(8);
  const got: unknown[] = [];
  const emit = (line: unknown) => got.push(line);
  text.push(Buffer.from('pi'), emit);
  text.push(Buffer.from('ng\n\xff\n', 'latin1'), emit);
  text.push(Buffer.from('é€\nthis is too long\nok\nx'), emit);
  assert.deepEqual(got, ['ping', INVALID_PACKET, 'é€', OVERSIZED_PACKET, 'ok']);
  assert.equal(text.pending, 1);
});
