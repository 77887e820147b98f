/**
 * Toxics: the faults the chaos proxy puts on a connection, after Toxiproxy's. Each is a
 * small stage in a chain, one chain per direction; a chunk goes in at the head and the
 * last stage writes it to the destination socket. Stages know nothing of sockets: what
 * they may do besides passing bytes on (sleep, draw a random number, reset or close the
 * connection) comes in a ToxicContext, so a chain runs as well against a test sink.
 */

/** Client to server (upstream) or server to client (downstream). */
export type Direction = 'upstream' | 'downstream';

export type ToxicSpec = {
  /** The one direction the toxic acts on; both when absent. */
  direction?: Direction;
} & (
  /** Every chunk arrives ms ± jitter later (order kept). */
  | { type: 'latency'; ms: number; jitter?: number }
  /** At most bytesPerSecond pass. */
  | { type: 'bandwidth'; bytesPerSecond: number }
  /** Every chunk is cut into pieces of averageSize ± sizeVariation bytes, delayMs apart. */
  | { type: 'slicer'; averageSize: number; sizeVariation?: number; delayMs?: number }
  /** After afterBytes have passed, both peers get an RST. */
  | { type: 'reset'; afterBytes: number }
  /** After afterBytes (default 0), nothing more passes and the connection stays open: a timeout. */
  | { type: 'stall'; afterBytes?: number }
  /** After afterBytes have passed, both peers get a FIN and whatever follows is dropped (Toxiproxy's limit_data). */
  | { type: 'close'; afterBytes: number }
);

export type ToxicType = ToxicSpec['type'];

export interface FieldRule {
  min: number;
  integer?: boolean;
  required?: boolean;
}

/** Every toxic's fields and their bounds: what validateToxic checks and the CLI parser knows. */
export const TOXIC_FIELDS: Record<ToxicType, Record<string, FieldRule>> = {
  latency: { ms: { min: 0, required: true }, jitter: { min: 0 } },
  bandwidth: { bytesPerSecond: { min: 1, required: true } },
  slicer: { averageSize: { min: 1, integer: true, required: true }, sizeVariation: { min: 0, integer: true }, delayMs: { min: 0 } },
  reset: { afterBytes: { min: 0, integer: true, required: true } },
  stall: { afterBytes: { min: 0, integer: true } },
  close: { afterBytes: { min: 0, integer: true, required: true } },
};

/** Throws a RangeError naming the toxic and field for anything out of bounds; returns the spec. */
export function validateToxic(spec: ToxicSpec): ToxicSpec {
  const fields = Object.hasOwn(TOXIC_FIELDS, spec.type) ? TOXIC_FIELDS[spec.type] : undefined;
  if (!fields) throw new RangeError(`unknown toxic "${spec.type}" (known: ${Object.keys(TOXIC_FIELDS).join(', ')})`);
  if (spec.direction !== undefined && spec.direction !== 'upstream' && spec.direction !== 'downstream') {
    throw new RangeError(`${spec.type}: direction must be upstream or downstream, got ${JSON.stringify(spec.direction)}`);
  }
  const values = spec as unknown as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (key !== 'type' && key !== 'direction' && !Object.hasOwn(fields, key)) throw new RangeError(`${spec.type}: unknown field "${key}"`);
  }
  for (const [name, rule] of Object.entries(fields)) {
    const value = values[name];
    if (value === undefined) {
      if (rule.required) throw new RangeError(`${spec.type}: ${name} is required`);
      continue;
    }
    const problem = fieldProblem(rule, value);
    if (problem) throw new RangeError(`${spec.type}: ${name} ${problem}, got ${JSON.stringify(value)}`);
  }
  return spec;
}

/** What is wrong with a field's value ("must be an integer >= 1"), or undefined. */
export function fieldProblem(rule: FieldRule, value: unknown): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= rule.min && (!rule.integer || Number.isInteger(value));
  return ok ? undefined : `must be ${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}`;
}

/** One step of a direction's chain. Chunks come in order, one push at a time. */
export interface Stage {
  /** Takes a chunk; resolves when the stage can take the next one, so backpressure reaches the reader. */
  push(chunk: Buffer): Promise<void>;
  /** Resolves once every byte taken so far has left the chain (the FIN may follow). */
  drain(): Promise<void>;
  /** The chain is being replaced: stop holding bytes back. */
  release(): void;
}

/** What a stage may do besides passing bytes on; one per direction of a connection. */
export interface ToxicContext {
  /** Uniform in [0, 1), from the proxy's seeded source. */
  random(): number;
  /** A delay that rejects when the connection is torn down. */
  sleep(ms: number): Promise<void>;
  /** RST both peers. */
  reset(): void;
  /** FIN both peers; whatever arrives afterwards is dropped. */
  close(): void;
}

/** Bytes a latency stage holds before it stops taking more: the bound on its memory. */
export const MAX_LATENCY_BYTES = 256 * 1024;

/** The chain for one direction: the toxics that apply to it, in order, ending in `sink`. */
export function buildChain(toxics: readonly ToxicSpec[], direction: Direction, sink: Stage, context: ToxicContext): Stage {
  return toxics
    .filter((spec) => spec.direction === undefined || spec.direction === direction)
    .reduceRight((next, spec) => createStage(spec, next, context), sink);
}

export function createStage(spec: ToxicSpec, next: Stage, context: ToxicContext): Stage {
  switch (spec.type) {
    case 'latency':
      return latency(spec.ms, spec.jitter ?? 0, next, context);
    case 'bandwidth':
      return bandwidth(spec.bytesPerSecond, next, context);
    case 'slicer':
      return slicer(spec.averageSize, spec.sizeVariation ?? 0, spec.delayMs ?? 0, next, context);
    case 'reset':
      return afterBytes(spec.afterBytes, next, once(async () => {
        await next.drain(); // the N bytes leave before the RST
        context.reset();
      }));
    case 'close':
      return afterBytes(spec.afterBytes, next, once(async () => {
        await next.drain();
        context.close();
      }));
    case 'stall':
      return stall(spec.afterBytes ?? 0, next);
  }
}

/** A stage that is done with a chunk when its push resolves: drain and release are the next stage's. */
function serial(next: Stage, push: (chunk: Buffer) => Promise<void>): Stage {
  return { push, drain: () => next.drain(), release: () => next.release() };
}

/** Passes the first `limit` bytes; from then on every chunk's rest (maybe empty) goes to `atLimit`. */
function afterBytes(limit: number, next: Stage, atLimit: (rest: Buffer) => Promise<void>): Stage {
  let passed = 0;
  return serial(next, async (chunk) => {
    const head = chunk.subarray(0, limit - passed);
    passed += head.length;
    if (head.length > 0) await next.push(head);
    if (passed >= limit) await atLimit(chunk.subarray(head.length));
  });
}

/** The first call runs `action`; later ones (bytes still arriving) are dropped. */
function once(action: () => Promise<void>): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await action();
  };
}

/** Holds the first byte past the limit (and so the reader, and the FIN) until released. */
function stall(limit: number, next: Stage): Stage {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const stage = afterBytes(limit, next, async (rest) => {
    await released;
    if (rest.length > 0) await next.push(rest);
  });
  return {
    ...stage,
    release() {
      release();
      next.release();
    },
  };
}

/**
 * Every chunk leaves ms ± jitter after it came in, measured from its arrival, so chunks
 * in a row are delayed together (a longer path), not one after another. A late chunk
 * holds back the ones behind it: order is kept. Up to MAX_LATENCY_BYTES wait in flight.
 */
function latency(ms: number, jitter: number, next: Stage, context: ToxicContext): Stage {
  const queue: { chunk: Buffer; due: number }[] = [];
  let queuedBytes = 0;
  let lastDue = 0;
  let delivering: Promise<void> | undefined;
  let onRoom: (() => void) | undefined;

  const deliver = async () => {
    try {
      while (queue.length > 0) {
        const { chunk, due } = queue[0];
        await context.sleep(due - performance.now());
        await next.push(chunk);
        queue.shift();
        queuedBytes -= chunk.length;
        onRoom?.();
      }
    } catch {
      // The connection is being torn down or closed: the bytes in flight are dropped with it.
    } finally {
      delivering = undefined;
    }
  };

  return {
    async push(chunk) {
      const delay = Math.max(0, ms + (context.random() * 2 - 1) * jitter);
      lastDue = Math.max(lastDue, performance.now() + delay);
      queue.push({ chunk, due: lastDue });
      queuedBytes += chunk.length;
      delivering ??= deliver();
      while (queuedBytes > MAX_LATENCY_BYTES) await new Promise<void>((resolve) => (onRoom = resolve));
    },
    async drain() {
      while (delivering) await delivering;
      await next.drain();
    },
    release: () => next.release(),
  };
}

/** Pieces of at most 10 ms worth, each sent no sooner than the rate allows after the one before. */
function bandwidth(bytesPerSecond: number, next: Stage, context: ToxicContext): Stage {
  const pieceSize = Math.max(1, Math.floor(bytesPerSecond / 100));
  let nextFree = 0;
  return serial(next, async (chunk) => {
    for (let at = 0; at < chunk.length; at += pieceSize) {
      const piece = chunk.subarray(at, at + pieceSize);
      const sendAt = Math.max(performance.now(), nextFree);
      await context.sleep(sendAt - performance.now());
      await next.push(piece);
      nextFree = sendAt + (piece.length * 1000) / bytesPerSecond;
    }
  });
}

function slicer(averageSize: number, sizeVariation: number, delayMs: number, next: Stage, context: ToxicContext): Stage {
  return serial(next, async (chunk) => {
    for (let at = 0; at < chunk.length; ) {
      const size = Math.max(1, averageSize + Math.round((context.random() * 2 - 1) * sizeVariation));
      if (at > 0) await context.sleep(delayMs);
      await next.push(chunk.subarray(at, at + size));
      at += size;
    }
  });
}

/** mulberry32: a small, fast, seedable source of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
