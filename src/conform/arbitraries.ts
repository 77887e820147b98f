/** Generators and helpers every protocol's properties share: text of any plane, invalid UTF-8, write boundaries. */
import fc from 'fast-check';

/** Code points below and above the surrogates (U+D800 to U+DFFF), counted as one range. */
const SURROGATES = 0x800;

/**
 * One code point of any plane, surrogates excepted: what fast-check's unit 'binary' draws.
 * That unit builds a table of all 1,112,064 code points the first time a string of it is
 * made (81 MiB of heap and a second of CPU), a cost the suite's own memory bound cannot
 * carry in every run; this unit maps a number to its code point and back by arithmetic.
 */
export const codePoint: fc.Arbitrary<string> = fc.nat({ max: 0x10ffff - SURROGATES }).map(
  (n) => String.fromCodePoint(n < 0xd800 ? n : n + SURROGATES),
  (value) => {
    const c = typeof value === 'string' ? value.codePointAt(0) : undefined;
    if (c === undefined || value !== String.fromCodePoint(c) || (c >= 0xd800 && c < 0xe000)) throw new Error('not one code point');
    return c < 0xd800 ? c : c - SURROGATES;
  },
);

/** Strings of code points of any plane: fc.string({ unit: 'binary' }) without its table. */
export const anyText = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.string({ unit: codePoint, ...constraints });

const byteIn = (min: number, max: number) => fc.integer({ min, max });
const cont = byteIn(0x80, 0xbf);

/**
 * Byte sequences that are not UTF-8, one arbitrary per class of Markus Kuhn's
 * decoder test: lone continuation bytes, overlongs, surrogates, code points past
 * U+10FFFF, 0xFE/0xFF, and sequences cut short.
 */
const invalidUtf8Classes = {
  loneContinuation: fc.tuple(cont),
  overlong2: fc.tuple(byteIn(0xc0, 0xc1), cont),
  overlong3: fc.tuple(fc.constant(0xe0), byteIn(0x80, 0x9f), cont),
  overlong4: fc.tuple(fc.constant(0xf0), byteIn(0x80, 0x8f), cont, cont),
  surrogate: fc.tuple(fc.constant(0xed), byteIn(0xa0, 0xbf), cont),
  beyondU10FFFF: fc.oneof(fc.tuple(fc.constant(0xf4), byteIn(0x90, 0xbf), cont, cont), fc.tuple(byteIn(0xf5, 0xf7), cont, cont, cont)),
  feFF: fc.tuple(byteIn(0xfe, 0xff)),
  truncated: fc.oneof(fc.tuple(byteIn(0xc2, 0xdf)), fc.tuple(byteIn(0xe1, 0xec), cont), fc.tuple(byteIn(0xf1, 0xf3), cont, cont)),
};

/** One invalid sequence of any class, as bytes. */
export const invalidUtf8Sequence: fc.Arbitrary<Buffer> = fc.oneof(...Object.values(invalidUtf8Classes)).map((bytes) => Buffer.from(bytes));

/** Write boundaries: sizes of successive writes (the rest goes in one last write). */
export const pieces = (maxPiece: number) => fc.array(fc.integer({ min: 1, max: maxPiece }), { maxLength: 12 });

/** Splits bytes at the given sizes (the rest in a last piece). */
export function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  if (at < bytes.length) out.push(bytes.subarray(at));
  return out;
}
