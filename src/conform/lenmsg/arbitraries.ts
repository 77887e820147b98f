import fc from 'fast-check';
import { MAX_MESSAGE } from '../../impl/lenmsg/framer';
import { codePoint, invalidUtf8Sequence } from '../arbitraries';
import { lengthHeader, rawFrame } from './remote';

/** Lone UTF-16 surrogates: JSON carries them as \u escapes, and a central must echo them so. */
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 });

/** Strings well past one TCP segment, up to ~100 KB of UTF-8, multi-byte characters included. */
const largeText = fc
  .tuple(fc.integer({ min: 2_000, max: 100_000 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }))
  .map(([bytes, unit]) => unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit)))));

/**
 * An object with an own `__proto__` key (JSON.parse makes it an own property; an object
 * literal would set the prototype instead), beside an ordinary key.
 */
const protoKeyed = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 1 }))
  .map(([hidden, other]) => JSON.parse(`{"__proto__":${JSON.stringify(hidden)},"other":${JSON.stringify(other)}}`) as unknown);

/** Bodies of data messages: nested JSON of any Unicode, lone surrogates, large strings, `__proto__` keys. */
export const dataBody: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: codePoint }), weight: 5 },
  { arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }), weight: 3 },
  { arbitrary: loneSurrogates, weight: 1 },
  { arbitrary: largeText, weight: 1 },
  { arbitrary: protoKeyed, weight: 1 },
  { arbitrary: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), weight: 1 },
);

/** Small bodies, for runs with many messages. */
export const smallBody: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' });

/** Write boundaries for a whole session: mostly small cuts, some spanning large bodies. */
export const writeSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 40_000 })), { maxLength: 16 });

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Bodies that are UTF-8 but not JSON: near misses (NaN, trailing text, truncation, the empty body) and random text. */
export const nonJsonBody: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.constantFrom(
      '', 'hello', '{"type":"data"', '{"type":"data","body":NaN}', '{"type":"data","body":Infinity}',
      '{"type":"data","body":1} x', '[1,]', "{'type':'data','body':1}", 'undefined', '\ufeff{"type":"data","body":1}',
      '{"type":"data","body":"\x01"}',
    ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 16 }).filter((text) => !isJson(text)),
  )
  .map((text) => Buffer.from(text, 'utf8'));

/** A data message whose JSON holds an invalid UTF-8 sequence inside a string. */
export const invalidUtf8Body: fc.Arbitrary<Buffer> = invalidUtf8Sequence.map((bad) =>
  Buffer.concat([Buffer.from('{"type":"data","body":"a'), bad, Buffer.from('b"}')]),
);

/** A length header past the maximum, sent alone: the body is never sent (nor needed to decide). */
export const oversizeLength = fc.oneof(fc.constantFrom(MAX_MESSAGE + 1, 0xffffffff), fc.integer({ min: MAX_MESSAGE + 1, max: 0xffffffff }));

export type Malformed = { kind: 'oversize'; length: number } | { kind: 'not UTF-8' | 'not JSON'; body: Buffer };

export const malformedBytes = (bad: Malformed): Buffer => (bad.kind === 'oversize' ? lengthHeader(bad.length) : rawFrame(bad.body));
