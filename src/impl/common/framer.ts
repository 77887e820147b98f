/**
 * The one shape every wire framer has: a pure state machine fed by chunks.
 * No sockets here; servers, clients and the conformance driver feed it what they read.
 */
export interface Framer<F> {
  /**
   * Feeds one chunk. Calls `emit` for every frame the chunk completes, in order.
   * Frames inside one chunk are zero-copy views of it; only bytes that straddle
   * chunks are copied. Throws FramingError when the stream can no longer be framed
   * (the caller closes the connection).
   */
  push(chunk: Buffer, emit: (frame: F) => void): void;
  /** Bytes held for an incomplete frame: what an EOF now would discard. */
  readonly pending: number;
}

/** A stream that breaks the framing rules; the connection cannot go on. */
export class FramingError extends Error {
  override name = 'FramingError';
}

/** Collects every frame that a sequence of chunks produces (tests, models, properties). */
export function decodeAll<F>(framer: Framer<F>, chunks: Iterable<Buffer>): F[] {
  const frames: F[] = [];
  const emit = (frame: F) => frames.push(frame);
  for (const chunk of chunks) framer.push(chunk, emit);
  return frames;
}

type BufferViewClass = new (bytes: ArrayBufferLike, byteOffset: number, length: number) => Buffer;

/**
 * Zero-copy view of chunk[start, end), the same Buffer that `chunk.subarray` returns.
 * For short frames `subarray` spends most of its time on the generic species lookup;
 * constructing Node's own view class (what `Buffer[Symbol.species]` names) directly is
 * about twice as fast. Checked once, with `subarray` as the fallback should a Node
 * release ever stop producing plain Buffers that way.
 */
export const bufferView = ((): ((chunk: Buffer, start: number, end: number) => Buffer) => {
  const View = (Buffer as unknown as { [Symbol.species]: unknown })[Symbol.species] as BufferViewClass;
  // Buffer itself as the species would be the deprecated `new Buffer()`: never call it.
  const probe = typeof View === 'function' && View !== Buffer ? new View(new ArrayBuffer(2), 1, 1) : undefined;
  if (probe && Object.getPrototypeOf(probe) === Buffer.prototype && probe.byteOffset === 1 && probe.length === 1) {
    return (chunk, start, end) => new View(chunk.buffer, chunk.byteOffset + start, end - start);
  }
  return (chunk, start, end) => chunk.subarray(start, end);
})();

/** How much larger than a kept view its chunk may be before keepable() copies the view. */
const MAX_PIN_RATIO = 4;

/**
 * A view that may be kept (queued for writing, say) without pinning memory far beyond its
 * own size: itself when it covers a fair share of its chunk, else a copy. A 20-byte body
 * in a 64 KiB read would otherwise hold all 64 KiB for as long as it waits.
 */
export function keepable(view: Buffer): Buffer {
  return view.buffer.byteLength > MAX_PIN_RATIO * view.length ? Buffer.from(view) : view;
}

/** The most a carry reserves ahead of the bytes that have arrived (CarryBuffer.fill). */
export const EAGER_CARRY_BYTES = 64 * 1024;

/**
 * Holds the start of a frame that straddles chunks, up to a hard cap.
 * Grows by doubling, so a frame built from many small chunks costs O(n) copies, but never
 * past the length of the frame when it is known.
 */
export class CarryBuffer {
  private bytes = Buffer.alloc(0);
  /** The whole frame's length once fill named it: growth stops there. */
  private frameLength = Infinity;
  length = 0;

  append(src: Buffer, start = 0, end = src.length): void {
    const need = this.length + (end - start);
    if (need > this.bytes.length) {
      this.resize(Math.max(need, Math.min(this.frameLength, Math.max(this.bytes.length * 2, 64))));
    }
    src.copy(this.bytes, this.length, start, end);
    this.length = need;
  }

  /**
   * Appends from src[start..] until the carry holds the `frameLength` bytes of a frame of
   * known length, or src runs out; returns how many bytes it took. A frame's first bytes
   * reserve room for the whole of it when that is at most EAGER_CARRY_BYTES more than
   * arrived, so a frame that straddles two chunks costs one allocation and one copy. Beyond
   * that the carry grows with what arrives: a claimed length is never allocated.
   */
  fill(src: Buffer, start: number, frameLength: number): number {
    const end = Math.min(src.length, start + frameLength - this.length);
    if (this.length === 0) {
      this.frameLength = frameLength;
      const capacity = Math.min(frameLength, end - start + EAGER_CARRY_BYTES);
      if (capacity > this.bytes.length) this.resize(capacity);
    }
    this.append(src, start, end);
    return end - start;
  }

  private resize(capacity: number): void {
    const grown = Buffer.allocUnsafe(capacity);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** The carried bytes; valid until the next append or clear. */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** Hands the carried bytes to the caller (who now owns them) and empties the carry. */
  take(): Buffer {
    const out = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.alloc(0);
    this.length = 0;
    this.frameLength = Infinity;
    return out;
  }

  clear(): void {
    this.length = 0;
    this.frameLength = Infinity;
    // Drop a large backing store so one big frame does not pin memory forever.
    if (this.bytes.length > 1 << 16) this.bytes = Buffer.alloc(0);
  }
}
