import fc from 'fast-check';
import { MAX_PACKET } from '../../impl/oneline/framer';
import { MULTI_MAX } from '../../impl/oneline/model';
import { invalidUtf8Sequence } from '../arbitraries';

const asciiNoLf = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 });

/** A packet (no LF) that is not valid UTF-8: a bad sequence between valid ASCII. */
export const invalidUtf8Packet: fc.Arbitrary<Buffer> = fc
  .tuple(asciiNoLf, invalidUtf8Sequence, asciiNoLf)
  .map(([before, bad, after]) => Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]));

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

/** Joins packets into the bytes on the wire, each with its LF. */
export function wire(packets: Buffer[]): Buffer {
  return Buffer.concat(packets.flatMap((p) => [p, Buffer.from('\n')]));
}
