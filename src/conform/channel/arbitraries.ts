import fc from 'fast-check';
import { MAX_BODY } from '../../impl/channel/framer';

const FRAME_START = '\r\nMSG ';
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const digit = fc.integer({ min: 0x30, max: 0x39 }).map((c) => String.fromCharCode(c));
const digits = (min: number, max: number) => fc.string({ unit: digit, minLength: min, maxLength: max });

/** Bodies as a fuzzer should pick them: binary, empty, header look-alikes, now and then long. */
export const body: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 48 }).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: fc.constant(Buffer.alloc(0)) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom('\r\nMSG ', '\r\nMSG 3\r\n', '\r\n', 'MSG', '0', '\n', 'x'), { maxLength: 5 })
      .map((parts) => latin1(parts.join(''))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((n) => Buffer.alloc(n, n % 251)) },
);

/** A header that cannot start a frame, the index of its first wrong byte, and some body bytes after it. */
export interface Malformed {
  bytes: Buffer;
  firstWrong: number;
  what: string;
}

const after = latin1('3\r\nabc');

/** One wrong byte at one of the given places of CR LF `MSG` space (an LF for the first CR is left to lfOnly). */
const wrongStartByte = (from: number, to: number) => fc
  .tuple(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 255 }))
  .filter(([at, byte]) => FRAME_START.charCodeAt(at) !== byte && !(at === 0 && byte === 0x0a))
  .map(([at, byte]): Malformed => ({
    bytes: Buffer.concat([latin1(FRAME_START.slice(0, at)), Buffer.from([byte]), latin1(FRAME_START.slice(at + 1)), after]),
    firstWrong: at,
    what: `byte ${at} of the frame start is 0x${byte.toString(16)}`,
  }));

/** A byte that is not a digit (nor the CR or LF that may end the length) inside `<len>`. */
const nonDigit = fc
  .tuple(digits(0, 4), fc.integer({ min: 0, max: 255 }), digits(1, 3))
  .filter(([, byte]) => (byte < 0x30 || byte > 0x39) && byte !== 0x0d && byte !== 0x0a)
  .map(([before, byte, rest]): Malformed => ({
    bytes: Buffer.concat([latin1(FRAME_START + before), Buffer.from([byte]), latin1(`${rest}\r\nabc`)]),
    firstWrong: FRAME_START.length + before.length,
    what: `non-digit 0x${byte.toString(16)} in the length`,
  }));

const noDigits = fc.constant<Malformed>({ bytes: latin1(`${FRAME_START}\r\nabc`), firstWrong: FRAME_START.length, what: 'no length digits' });

/** 11 or more digits, even for a small value. */
const tooManyDigits = fc.tuple(fc.integer({ min: 11, max: 14 }), fc.integer({ min: 0, max: 9 })).map(([count, last]): Malformed => ({
  bytes: latin1(`${FRAME_START}${String(last).padStart(count, '0')}\r\nabc`),
  firstWrong: FRAME_START.length + 10,
  what: `${count} length digits`,
}));

/** A length over the maximum: the first wrong byte is the digit that takes the value past it. */
const overMaximum = fc.bigInt(BigInt(MAX_BODY + 1), 9_999_999_999n).map((value): Malformed => {
  const text = String(value);
  let at = 1;
  while (Number(text.slice(0, at)) <= MAX_BODY) at++;
  return { bytes: latin1(`${FRAME_START}${text}\r\nabc`), firstWrong: FRAME_START.length + at - 1, what: `length ${value} over the maximum` };
});

const lfForTheFirstCr = fc.constant<Malformed>({ bytes: latin1('\nMSG 3\r\nabc'), firstWrong: 0, what: 'LF without CR before MSG' });

const lfOnlyAfterLength = digits(1, 3).map((len): Malformed => ({
  bytes: latin1(`${FRAME_START}${len}\nabc`),
  firstWrong: FRAME_START.length + len.length,
  what: 'LF without CR after the length',
}));

const crWithoutLf = fc.tuple(digits(1, 3), fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a)).map(([len, byte]): Malformed => ({
  bytes: Buffer.concat([latin1(`${FRAME_START}${len}\r`), Buffer.from([byte]), latin1('abc')]),
  firstWrong: FRAME_START.length + len.length + 1,
  what: `CR followed by 0x${byte.toString(16)} after the length`,
}));

/** Malformed headers grouped by the requirement each breaks. */
export const malformedByRule: { id: string; rule: string; arbitrary: fc.Arbitrary<Malformed> }[] = [
  { id: 'SRS-CHANNEL-010', rule: 'a wrong letter, a missing space, no digits or a non-digit in the length', arbitrary: fc.oneof(wrongStartByte(2, 5), nonDigit, noDigits) },
  { id: 'SRS-CHANNEL-011', rule: 'junk where a frame must start', arbitrary: wrongStartByte(0, 1) },
  { id: 'SRS-CHANNEL-012', rule: 'a line ending that is not CR LF', arbitrary: fc.oneof(lfForTheFirstCr, lfOnlyAfterLength, crWithoutLf) },
  { id: 'SRS-CHANNEL-006', rule: 'more than 10 length digits', arbitrary: tooManyDigits },
  { id: 'SRS-CHANNEL-009', rule: 'a length over the maximum', arbitrary: overMaximum },
];

/** Every kind of malformed header. */
export const malformed: fc.Arbitrary<Malformed> = fc.oneof(...malformedByRule.map((m) => m.arbitrary));

/** Short non-empty bodies: what goes before an error, so that the error alone is on trial. */
export const shortBody: fc.Arbitrary<Buffer> = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Buffer.from(a));
