import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { FramingError } from '../../src/impl/common/framer';
import { decodeBody } from '../../src/impl/lenmsg/framer';
import { isDataMessage } from '../../src/impl/lenmsg/json-check';
import { asMessage } from '../../src/impl/lenmsg/messages';
import { SCAN_CAPACITY, scanBytes, scanPlainRun } from '../../src/impl/lenmsg/string-scan';

const ENDS_RUN = (b: number) => b < 0x20 || b === 0x22 || b === 0x5c;

/** isDataMessage's answer, or the FramingError it threw; any other error fails the test. */
function check(body: Buffer, parts = [body]): boolean | 'invalid' {
  try {
    return isDataMessage(parts, body.length);
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return 'invalid';
  }
}

/** decodeBody's verdict in the same terms: is it valid, and is it a data message. */
function reference(body: Buffer): boolean | 'invalid' {
  try {
    return asMessage(decodeBody(body))?.type === 'data';
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return 'invalid';
  }
}

/** Agreement: the same validity; "data" only where decodeBody finds a data message (false may mean "parse to know"). */
function assertAgrees(body: Buffer): void {
  const got = check(body);
  const want = reference(body);
  const text = JSON.stringify(body.toString('latin1'));
  if (want === 'invalid') assert.equal(got, 'invalid', `${text} is not JSON, yet it passed`);
  else assert.notEqual(got, 'invalid', `${text} is JSON, yet it failed`);
  if (got === true) assert.equal(want, true, `${text} is not a data message`);
}

test('scanPlainRun finds the first quote, backslash or control byte, in the 64-byte steps and the tail alike', () => {
  const plain = fc.integer({ min: 0x20, max: 0xff }).filter((b) => !ENDS_RUN(b));
  const special = fc.oneof(fc.constantFrom(0x22, 0x5c), fc.integer({ min: 0, max: 0x1f }));
  const placed = fc.array(fc.tuple(fc.nat(), special), { maxLength: 2 }); // few, so that one can be alone in its 64 bytes
  fc.assert(fc.property(fc.array(plain, { maxLength: 400, size: 'max' }), placed, fc.nat(), fc.nat(), (values, specials, a, b) => {
    const bytes = Uint8Array.from(values);
    for (const [at, value] of specials) if (bytes.length > 0) bytes[at % bytes.length] = value;
    const from = a % (bytes.length + 1);
    const end = from + (b % (bytes.length - from + 1));
    const memory = scanBytes(bytes.length);
    memory.set(bytes, 0);
    memory.fill(0x22, bytes.length, bytes.length + 128); // what lies beyond `end` must not count
    let want = from;
    while (want < end && !ENDS_RUN(bytes[want])) want++;
    assert.equal(scanPlainRun(from, end), want);
  }), { numRuns: 3000 });
});

test('the scan memory grows to the capacity and no further', () => {
  assert.ok(scanBytes(SCAN_CAPACITY).length >= SCAN_CAPACITY);
  assert.throws(() => scanBytes(SCAN_CAPACITY + 1), RangeError);
});

test('accepts every JSON text JSON.stringify writes, indented or not, and finds the data messages among them', () => {
  const message = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record({ type: fc.constantFrom('data', 'hello', 'dat', 'datas'), body: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ['type'] }),
    fc.dictionary(fc.constantFrom('type', 'body', 'x', 'typ'), fc.oneof(fc.constant('data'), fc.jsonValue({ maxDepth: 2 }))),
  );
  fc.assert(fc.property(message, fc.constantFrom(undefined, 0, 1, '\t', '\r\n '), (value, indent) => {
    const body = Buffer.from(JSON.stringify(value, null, indent as string | number | undefined));
    assertAgrees(body);
    const isData = reference(body) === true;
    assert.equal(check(body), isData, `${body.toString()}: written without escapes, its type must be read`);
  }), { numRuns: 2000 });
});

test('rejects exactly what decodeBody rejects: texts one edit away from JSON, in any split into parts', () => {
  const alphabet = [...'{}[]",:\\/ \t\r\n\f\v0123456789-+.eEtruefalsnbdyp\u0000\u001f\u007f\u00e9\u2028\ud83d\ude00'];
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 3 }),
    insert: fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }).map((cs) => cs.join('')),
  });
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.nat(), (value, edits, cut) => {
    let text = JSON.stringify({ type: 'data', body: value });
    for (const { at, remove, insert } of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    const body = Buffer.from(text);
    assertAgrees(body);
    const i = cut % (body.length + 1);
    assert.equal(check(body, [body.subarray(0, i), body.subarray(i)]), check(body), 'the parts give the same answer');
  }), { numRuns: 5000 });
});

test('agrees with decodeBody on arbitrary bytes and on the edges of the grammar', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => assertAgrees(Buffer.from(bytes))), { numRuns: 2000 });
  const edges = [
    '', ' ', '0', '-0', '-', '01', '-01', '1.', '.5', '1.5', '1e', '1e+', '1E+5', '1e-0', '0.0e-0', '1.5e300', '1e400', '2.',
    'true', 'tru', 'truee', 'false', 'null', 'nul', '"', '""', '"\\"', '"\\u00"', '"\\u00e9"', '"\\uD800"', '"\\x"', '"\\/"',
    '"\u0001"', '"\u007f"', '"\u2028"', '[]', '[,]', '[1,]', '[1 2]', '{}', '{,}', '{"a"}', '{"a":}', '{"a":1,}', '{1:2}',
    '\uFEFF{}', '\u000b1', '\f1', ' {"type":"data","body":1} ', '{"type":"data"}', '{"body":1,"type":"data"}',
    '{"type":"data","body":1,"type":"hello"}', '{"type":"data","body":1,"type":1}', '{"type":"data","body":1,"type":["data"]}',
    '{"type":"data","body":1,"t\\u0079pe":"hello"}', '{"type":"hello","body":1,"type":"data"}', '{"type":"d\\u0061ta","body":1}',
    '{"t\\u0079pe":"data","body":1}', '{"type":"data","b\\u006fdy":1}', '{"x":{"type":"data","body":1}}', '[{"type":"data","body":1}]',
    '{"type":"data","body":1}x', '{"type":"data","body":1}}', '{"type":"data","body":[1,{"a":[]}]}', '{"type" : "data" , "body" : null}',
    '['.repeat(10_000) + ']'.repeat(10_000), '['.repeat(10_000) + ']'.repeat(9_999),
    // Around the point where a string's scan leaves JavaScript for the SIMD loop.
    ...[30, 31, 32, 33, 95, 96, 97].flatMap((n) => ['a'.repeat(n) + '\n', 'a'.repeat(n) + '\\"', 'a'.repeat(n) + '\\x', 'a'.repeat(n)].map((s) => `"${s}"`)),
  ];
  for (const text of edges) assertAgrees(Buffer.from(text));
  assert.equal(check(Buffer.from('{"type":"data","body":"' + 'e'.repeat(100_000) + '"}')), true);
  assert.equal(check(Buffer.from('{"type":"data","body":"' + 'e'.repeat(100_000) + '\n"}')), 'invalid');
  assert.equal(check(Buffer.from([0x22, 0xc3, 0x28, 0x22])), 'invalid', 'not UTF-8');
});

test('leaves a body over the scan capacity to decodeBody, unchecked', () => {
  const body = Buffer.from(`{"type":"data","body":"${'e'.repeat(SCAN_CAPACITY)}`); // no closing: invalid, and too large to look at
  assert.equal(check(body), false);
});
