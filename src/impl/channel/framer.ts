import { bufferView, CarryBuffer, Framer, FramingError } from '../common/framer';

/** Default maximum body: 16 MiB. */
export const MAX_BODY = 16 * 1024 * 1024;
/** `<len>` has 1 to 10 ASCII digits (leading zeros allowed). */
export const MAX_LENGTH_DIGITS = 10;

/** What every frame starts with: CR LF `MSG` space. */
const FRAME_START = Buffer.from('\r\nMSG ', 'latin1');
const FRAME_START_NAMES = ['CR', 'LF', "'M'", "'S'", "'G'", 'a space'];
const [CR, LF, M, S, G, SPACE] = FRAME_START;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const EMPTY_BODY = Buffer.alloc(0);

const enum Phase {
  /** Matching CR LF `MSG` space, byte by byte. */
  Start,
  /** Reading `<len>` digits until the CR. */
  Length,
  /** The CR after `<len>` arrived; the LF must follow. */
  HeaderLf,
  Body,
  /** The stream broke the rules; nothing more can be framed. */
  Failed,
}

/**
 * Frames the channel protocol: `\r\nMSG <len>\r\n<body>`. Every header byte is checked
 * as it arrives, so a stream that cannot be a frame is rejected at its first wrong byte
 * (a valid header is at most 18 bytes, so nothing is ever buffered for a header). A
 * body is never allocated at its claimed length: a body inside one chunk is a zero-copy
 * view of it, a straddling body grows in a CarryBuffer with the bytes that arrive.
 */
export class ChannelFramer implements Framer<Buffer> {
  private readonly carry = new CarryBuffer();
  private phase = Phase.Start;
  /** Header bytes of the current frame accepted so far. */
  private headerBytes = 0;
  private lengthDigits = 0;
  private bodyLength = 0;

  constructor(readonly maxBody = MAX_BODY) {}

  get pending(): number {
    return this.headerBytes + this.carry.length;
  }

  push(chunk: Buffer, emit: (body: Buffer) => void): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.phase) {
        case Phase.Start: {
          const bodyStart = this.headerBytes === 0 ? this.wholeHeader(chunk, i) : -1;
          if (bodyStart === -1) {
            this.acceptStartByte(chunk[i++]);
          } else if (chunk.length - bodyStart >= this.bodyLength) {
            // The whole frame is in this chunk (the common case): its body is a view, emitted at once.
            i = bodyStart + this.bodyLength;
            emit(this.bodyLength === 0 ? EMPTY_BODY : bufferView(chunk, bodyStart, i));
          } else {
            this.headerBytes = bodyStart - i;
            i = bodyStart;
            this.phase = Phase.Body;
          }
          break;
        }
        case Phase.Length:
          this.acceptLengthByte(chunk[i++]);
          break;
        case Phase.HeaderLf:
          if (chunk[i++] !== LF) this.fail(`CR after the length must be followed by LF, got ${describeByte(chunk[i - 1])}`);
          this.headerBytes++;
          if (this.bodyLength === 0) this.finishFrame(EMPTY_BODY, emit);
          else this.phase = Phase.Body;
          break;
        case Phase.Body:
          i = this.acceptBody(chunk, i, emit);
          break;
        case Phase.Failed:
          throw new FramingError('channel stream already broke the framing rules');
      }
    }
  }

  /**
   * The common case, a whole valid header inside the chunk at `at`: sets bodyLength and
   * returns where the body starts; -1 for anything else, which the byte-by-byte path then
   * takes (and rejects at its first wrong byte, with its message).
   */
  private wholeHeader(chunk: Buffer, at: number): number {
    const end = Math.min(chunk.length, at + FRAME_START.length + MAX_LENGTH_DIGITS + 2);
    if (end - at < FRAME_START.length + 3) return -1;
    if (chunk[at] !== CR || chunk[at + 1] !== LF || chunk[at + 2] !== M || chunk[at + 3] !== S || chunk[at + 4] !== G || chunk[at + 5] !== SPACE) return -1;
    let j = at + FRAME_START.length;
    let length = 0;
    while (j < end && chunk[j] >= DIGIT_0 && chunk[j] <= DIGIT_9) length = length * 10 + (chunk[j++] - DIGIT_0);
    const digits = j - at - FRAME_START.length;
    if (digits === 0 || digits > MAX_LENGTH_DIGITS || length > this.maxBody) return -1;
    if (j + 1 >= chunk.length || chunk[j] !== CR || chunk[j + 1] !== LF) return -1;
    this.lengthDigits = digits;
    this.bodyLength = length;
    return j + 2;
  }

  private acceptStartByte(byte: number): void {
    const at = this.headerBytes;
    if (byte !== FRAME_START[at]) {
      const lfOnly = at === 0 && byte === LF ? ' (LF-only line endings are not allowed)' : '';
      const missingSpace = at === 5 ? 'missing space after MSG: ' : '';
      this.fail(`${missingSpace}expected ${FRAME_START_NAMES[at]} at byte ${at} of a frame header, got ${describeByte(byte)}${lfOnly}`);
    }
    this.headerBytes++;
    if (this.headerBytes === FRAME_START.length) {
      this.phase = Phase.Length;
      this.lengthDigits = 0;
      this.bodyLength = 0;
    }
  }

  private acceptLengthByte(byte: number): void {
    if (byte === CR) {
      if (this.lengthDigits === 0) this.fail('frame header has no length digits');
      this.headerBytes++;
      this.phase = Phase.HeaderLf;
      return;
    }
    if (byte === LF) this.fail('frame header ends in LF without CR (LF-only line endings are not allowed)');
    if (byte < DIGIT_0 || byte > DIGIT_9) this.fail(`frame length has a non-digit: ${describeByte(byte)}`);
    if (this.lengthDigits === MAX_LENGTH_DIGITS) this.fail(`frame length has more than ${MAX_LENGTH_DIGITS} digits`);
    this.lengthDigits++;
    this.headerBytes++;
    // More digits only make the value larger, so an excess is final as soon as it shows.
    this.bodyLength = this.bodyLength * 10 + (byte - DIGIT_0);
    if (this.bodyLength > this.maxBody) {
      this.fail(`frame length ${this.bodyLength}${this.lengthDigits < MAX_LENGTH_DIGITS ? '…' : ''} exceeds the maximum body of ${this.maxBody} bytes`);
    }
  }

  /** Takes body bytes from chunk[start..]; returns where the next frame starts. */
  private acceptBody(chunk: Buffer, start: number, emit: (body: Buffer) => void): number {
    if (this.carry.length === 0 && chunk.length - start >= this.bodyLength) {
      this.finishFrame(bufferView(chunk, start, start + this.bodyLength), emit);
      return start + this.bodyLength;
    }
    const taken = this.carry.fill(chunk, start, this.bodyLength);
    if (this.carry.length === this.bodyLength) this.finishFrame(this.carry.take(), emit);
    return start + taken;
  }

  private finishFrame(body: Buffer, emit: (body: Buffer) => void): void {
    this.phase = Phase.Start;
    this.headerBytes = 0;
    emit(body);
  }

  private fail(message: string): never {
    this.phase = Phase.Failed;
    this.carry.clear();
    throw new FramingError(message);
  }
}

function describeByte(byte: number): string {
  const printable = byte >= 0x20 && byte < 0x7f ? ` (${JSON.stringify(String.fromCharCode(byte))})` : '';
  return `0x${byte.toString(16).padStart(2, '0')}${printable}`;
}

/** One whole frame (header and body) in one buffer, for a single write. */
export function encodeFrame(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`\r\nMSG ${bytes.length}\r\n`, 'latin1'), bytes]);
}
