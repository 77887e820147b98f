import fc from 'fast-check';
import { MAX_PACKET } from '../../impl/oneline/framer';
import { MULTI_MAX } from '../../impl/oneline/model';

const byteIn = (min: number, max: number) => fc.integer({ min, max });
const cont = byteIn(0x80, 0xbf);

/**
 * Byte sequences that are not UTF-8, one arbitrary per class of Markus Kuhn's
 * decoder test: lone continuation bytes, overlongs, surrogates, code points past
 * U+10FFFF, 0xFE/0xFF, and sequences cut short.
 */
export const invalidUtf8Classes = {
  loneContinuation: fc.tuple(cont),
  overlong2: fc.tuple(byteIn(0xc0, 0xc1), cont),
  overlong3: fc.tuple(fc.constant(0xe0), byteIn(0x80, 0x9f), cont),
  overlong4: fc.tuple(fc.constant(0xf0), byteIn(0x80, 0x8f), cont, cont),
  surrogate: fc.tuple(fc.constant(0xed), byteIn(0xa0, 0xbf), cont),
  beyondU10FFFF: fc.oneof(fc.tuple(fc.constant(0xf4), byteIn(0x90, 0xbf), cont, cont), fc.tuple(byteIn(0xf5, 0xf7), cont, cont, cont)),
  feFF: fc.tuple(byteIn(0xfe, 0xff)),
  truncated: fc.oneof(fc.tuple(byteIn(0xc2, 0xdf)), fc.tuple(byteIn(0xe1, 0xec), cont), fc.tuple(byteIn(0xf1, 0xf3), cont, cont)),
};

const asciiNoLf = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 });

/** A packet (no LF) that is not valid UTF-8: a bad sequence between valid ASCII. */
export const invalidUtf8Packet: fc.Arbitrary<Buffer> = fc
  .tuple(asciiNoLf, fc.oneof(...Object.values(invalidUtf8Classes)), asciiNoLf)
  .map(([before, bad, after]) => Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]));

/** Any bytes but LF: what one packet can hold. */
export const anyPacket: fc.Arbitrary<Buffer> = fc
  .uint8Array({ maxLength: 24 })
  .map((a) => Buffer.from(a.filter((b) => b !== 0x0a)));

/** Packets whose answer the core rules fix for every server: ping and invalid UTF-8. */
export const corePacket: fc.Arbitrary<Buffer> = fc.oneof(fc.constant(Buffer.from('ping')), invalidUtf8Packet);

const textNoLf = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\n') && s !== 'disconnect' && s !== 'shutdown');

/** Packets of the reference application (and a few near misses), for the full profile. */
export const appPacket: fc.Arbitrary<Buffer> = fc.oneof(
  corePacket,
  textNoLf.map((t) => Buffer.from(`echo ${t}`)),
  fc.integer({ min: 0, max: MULTI_MAX + 5 }).map((n) => Buffer.from(`multi ${n}`)),
  fc.constantFrom('silent', '', 'ping\r', 'PING', ' ping', 'echo', 'multi', 'multi -1').map((t) => Buffer.from(t)),
  textNoLf.map((t) => Buffer.from(t)),
  anyPacket,
);

/** Packet lengths around and far past the maximum. */
export const oversizeLength = fc.oneof(
  fc.integer({ min: MAX_PACKET + 1, max: MAX_PACKET + 3 }),
  fc.constantFrom(MAX_PACKET * 2, MAX_PACKET * 4 + 7),
);

/** Write boundaries: sizes of successive writes (the rest goes in one last write). */
export const pieces = (maxPiece: number) => fc.array(fc.integer({ min: 1, max: maxPiece }), { maxLength: 12 });

/** Joins packets into the bytes on the wire, each with its LF. */
export function wire(packets: Buffer[]): Buffer {
  return Buffer.concat(packets.flatMap((p) => [p, Buffer.from('\n')]));
}
