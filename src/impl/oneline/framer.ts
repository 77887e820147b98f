import { isUtf8 } from 'node:buffer';
import { bufferView, CarryBuffer, Framer } from '../common/framer';

/** Default maximum packet size (bytes before the LF). */
export const MAX_PACKET = 65_536;
const LF = 0x0a;

/** Marks a packet that ran past the maximum; its bytes were discarded up to its LF. */
export const OVERSIZED_PACKET = Symbol('oversized packet');
export type LineFrame = Buffer | typeof OVERSIZED_PACKET;

/** Marks a packet that is not strict UTF-8. */
export const INVALID_PACKET = Symbol('invalid packet');
/** A packet as the server sees it: its text, or why it has none. */
export type TextLine = string | typeof INVALID_PACKET | typeof OVERSIZED_PACKET;

/** Strict UTF-8 decoding of one packet. */
export function decodeLine(frame: LineFrame): TextLine {
  if (frame === OVERSIZED_PACKET) return frame;
  return isUtf8(frame) ? frame.toString('utf8') : INVALID_PACKET;
}

const noFrames = () => undefined;

/**
 * Splits a byte stream at LF. A packet is the bytes before the LF (CR is an ordinary
 * byte). A packet longer than `maxLength` is dropped as it streams in (memory stays
 * at `maxLength` whatever the peer sends) and reported once, when its LF arrives.
 */
export class LineFramer implements Framer<LineFrame> {
  private readonly carry = new CarryBuffer();
  private discarding = false;

  constructor(readonly maxLength = MAX_PACKET) {}

  get pending(): number {
    return this.carry.length;
  }

  push(chunk: Buffer, emit: (frame: LineFrame) => void): void {
    let start = 0;
    let lf = chunk.indexOf(LF, start);
    while (lf !== -1) {
      if (this.discarding) {
        this.discarding = false;
        emit(OVERSIZED_PACKET);
      } else if (this.carry.length > 0) {
        if (this.carry.length + (lf - start) > this.maxLength) {
          this.carry.clear();
          emit(OVERSIZED_PACKET);
        } else {
          this.carry.append(chunk, start, lf);
          emit(this.carry.take());
        }
      } else if (lf - start > this.maxLength) {
        emit(OVERSIZED_PACKET);
      } else {
        emit(bufferView(chunk, start, lf));
      }
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (start === chunk.length || this.discarding) return;
    if (this.carry.length + (chunk.length - start) > this.maxLength) {
      this.carry.clear();
      this.discarding = true;
    } else {
      this.carry.append(chunk, start);
    }
  }
}

/**
 * Splits a byte stream at LF into strictly decoded text lines: what `push` + `decodeLine`
 * give, faster. The complete lines of a chunk are validated and decoded in one go and
 * the string split at LF (an LF byte never sits inside a UTF-8 sequence, so the run is
 * valid exactly when every line is); only a run with a bad sequence goes line by line.
 */
export class LineTextFramer implements Framer<TextLine> {
  private readonly lines: LineFramer;

  constructor(readonly maxLength = MAX_PACKET) {
    this.lines = new LineFramer(maxLength);
  }

  get pending(): number {
    return this.lines.pending;
  }

  push(chunk: Buffer, emit: (line: TextLine) => void): void {
    const first = chunk.indexOf(LF);
    if (first === -1) return this.lines.push(chunk, noFrames); // carries (or discards) only
    // The line that may have started in an earlier chunk goes through the byte framer.
    this.lines.push(chunk.subarray(0, first + 1), (frame) => emit(decodeLine(frame)));
    const last = chunk.lastIndexOf(LF);
    if (last > first) this.emitRun(chunk, first + 1, last, emit);
    if (last + 1 < chunk.length) this.lines.push(chunk.subarray(last + 1), noFrames);
  }

  /** The lines of chunk[start, end), where end is an LF and no line straddles a chunk. */
  private emitRun(chunk: Buffer, start: number, end: number, emit: (line: TextLine) => void): void {
    if (isUtf8(chunk.subarray(start, end))) {
      for (const line of chunk.toString('utf8', start, end).split('\n')) {
        // A UTF-16 unit is at most 3 bytes of UTF-8: count bytes only for lines that could be over.
        const over = line.length * 3 > this.maxLength && Buffer.byteLength(line) > this.maxLength;
        emit(over ? OVERSIZED_PACKET : line);
      }
      return;
    }
    for (let at = start; at <= end; ) {
      const lf = chunk.indexOf(LF, at);
      const stop = lf === -1 || lf > end ? end : lf;
      emit(stop - at > this.maxLength ? OVERSIZED_PACKET : decodeLine(chunk.subarray(at, stop)));
      at = stop + 1;
    }
  }
}

/** One packet on the wire: the text and its LF. */
export function encodeLine(text: string): Buffer {
  return Buffer.from(text + '\n', 'utf8');
}
