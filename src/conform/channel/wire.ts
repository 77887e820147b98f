/**
 * The suite's own reading of what a channel target sends: strict, independent of the
 * reference framer, so a target is never judged by the code it is compared with.
 */
import { escapeBytes } from '../bytes-text';
import type { Parse } from '../driver';
import { NonConformance } from '../errors';

const HEADER = /^\r\nMSG (\d{1,10})\r\n/;
/** What a header looks like while it is still arriving. */
const HEADER_START = /^(?:\r(?:\n(?:M(?:S(?:G(?: \d{0,10}\r?)?)?)?)?)?)?$/;
/** Longer than any valid header (18 bytes): enough to judge one. */
const HEAD_BYTES = 32;

/** One whole frame off the front of what arrived; a target that sends a non-frame breaks the protocol. */
export const channelFrameParse: Parse<Buffer> = (received) => {
  const head = received.subarray(0, HEAD_BYTES).toString('latin1');
  const header = HEADER.exec(head);
  if (!header) {
    if (HEADER_START.test(head)) return undefined;
    throw new NonConformance(`the target sent bytes that are not a channel frame: "${escapeBytes(received.subarray(0, 40))}"`);
  }
  const start = header[0].length;
  const end = start + Number(header[1]);
  return received.length < end ? undefined : { value: received.subarray(start, end), consumed: end };
};

/** Every whole frame in the bytes, and how many bytes are left over (an incomplete frame). */
export function wholeFrames(bytes: Buffer): { bodies: Buffer[]; rest: number } {
  const bodies: Buffer[] = [];
  let at = 0;
  for (let frame = channelFrameParse(bytes); frame; frame = channelFrameParse(bytes.subarray(at))) {
    bodies.push(frame.value);
    at += frame.consumed;
  }
  return { bodies, rest: bytes.length - at };
}

/** A frame's header announcing `length` bytes of body, as the suite sends it. */
export const frameHeader = (length: number): Buffer => Buffer.from(`\r\nMSG ${length}\r\n`, 'latin1');

/** One frame on the wire, as the suite sends it. */
export function frame(body: Buffer): Buffer {
  return Buffer.concat([frameHeader(body.length), body]);
}
