/**
 * Where the plain run of a JSON string ends: the first byte that is a quote, a backslash or
 * a control character (below 0x20), 64 bytes at a time. JSON.parse, the only built-in that
 * checks strings, reads one byte per step and builds each string as well. This loop is a
 * WebAssembly SIMD function, assembled below from its opcodes rather than shipped as a
 * binary or built by a toolchain.
 *
 * The bytes to scan live in the module's memory: callers copy a body into `scanBytes()` first.
 */

/** The memory grows to at most this many bytes: a larger body is not scanned here (callers fall back). */
export const SCAN_CAPACITY = 1024 * 1024;
const PAGE_BYTES = 64 * 1024;

// Opcodes (WebAssembly core specification, section 5.4; the SIMD ones follow the 0xfd prefix).
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const GET = 0x20, SET = 0x21, TEE = 0x22;
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_EQ = 0x46, I32_LT_U = 0x49, I32_GT_U = 0x4b, I32_GE_U = 0x4f, I32_OR = 0x72;
const I32_LOAD8_U = 0x2d, I32 = 0x7f, V128 = 0x7b, FUNC = 0x60;
const V128_LOAD = 0x00, I8X16_SPLAT = 0x0f, I8X16_EQ = 0x23, I8X16_LT_U = 0x26, V128_OR = 0x50, V128_ANY_TRUE = 0x53;
const simd = (op: number) => [0xfd, op]; // every SIMD opcode used here is below 0x80: one LEB128 byte

function leb128(n: number, signed = false): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n = signed ? n >> 7 : n >>> 7;
    const done = signed ? (n === 0 && !(byte & 0x40)) || (n === -1 && (byte & 0x40) !== 0) : n === 0;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const i32 = (n: number) => [I32_CONST, ...leb128(n, true)];
const vector = (bytes: number[]) => [...leb128(bytes.length), ...bytes];
const section = (id: number, bytes: number[]) => [id, ...vector(bytes)];
const name = (text: string) => vector([...Buffer.from(text, 'latin1')]);

// Locals: the parameters p and end, then v and the three splats (v128), then one byte (i32).
const P = 0, E = 1, V = 2, LOW = 3, QUOTE = 4, BACKSLASH = 5, B = 6;
const LOCALS = [2, 4, V128, 1, I32];

const splat = (byte: number, local: number) => [...i32(byte), ...simd(I8X16_SPLAT), SET, local];

/** The 16 bytes at p + offset as a mask: all ones in each lane whose byte ends a plain run. */
const blockMask = (offset: number) => [
  GET, P, ...simd(V128_LOAD), 0, ...leb128(offset), TEE, V,
  GET, LOW, ...simd(I8X16_LT_U),
  GET, V, GET, QUOTE, ...simd(I8X16_EQ), ...simd(V128_OR),
  GET, V, GET, BACKSLASH, ...simd(I8X16_EQ), ...simd(V128_OR),
];

/** scan(p, end): the first index in [p, end) whose byte ends a plain run, or end. */
const SCAN = [
  ...splat(0x20, LOW), ...splat(0x22, QUOTE), ...splat(0x5c, BACKSLASH),
  BLOCK, VOID, LOOP, VOID, // 64 bytes a step while 64 remain, until a step holds an end
  GET, P, ...i32(64), I32_ADD, GET, E, I32_GT_U, BR_IF, 1,
  ...blockMask(0), ...blockMask(16), ...simd(V128_OR), ...blockMask(32), ...simd(V128_OR), ...blockMask(48), ...simd(V128_OR),
  ...simd(V128_ANY_TRUE), BR_IF, 1,
  GET, P, ...i32(64), I32_ADD, SET, P, BR, 0,
  END, END,
  BLOCK, VOID, LOOP, VOID, // then a byte at a time: the exact place within that step, or the tail
  GET, P, GET, E, I32_GE_U, BR_IF, 1,
  GET, P, I32_LOAD8_U, 0, 0, TEE, B, ...i32(0x20), I32_LT_U,
  GET, B, ...i32(0x22), I32_EQ, I32_OR,
  GET, B, ...i32(0x5c), I32_EQ, I32_OR, BR_IF, 1,
  GET, P, ...i32(1), I32_ADD, SET, P, BR, 0,
  END, END,
  GET, P, END,
];

/** A vector of `count` items already encoded one after the other. */
const items = (count: number, encoded: number[]) => [...leb128(count), ...encoded];

const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // "\0asm", version 1
  ...section(1, items(1, [FUNC, ...vector([I32, I32]), ...vector([I32])])), // type 0: (i32, i32) -> i32
  ...section(3, items(1, [0])), // function 0 has type 0
  ...section(5, items(1, [1, 1, ...leb128(SCAN_CAPACITY / PAGE_BYTES)])), // memory 0: 1 page, at most the capacity
  ...section(7, items(2, [...name('scan'), 0, 0, ...name('memory'), 2, 0])), // exports: function 0, memory 0
  ...section(10, items(1, vector([...LOCALS, ...SCAN]))), // the body of function 0
]);

// Neither lib ES2023 nor @types/node 20 declares WebAssembly: this is the little used of it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
};

const scanner = new WebAssembly.Instance(new WebAssembly.Module(MODULE)).exports;
const memory = scanner.memory as WasmMemory;
/** The first index in [from, end) of scanBytes() that ends a plain run of a JSON string, or end. */
export const scanPlainRun = scanner.scan as (from: number, end: number) => number;

let view = new Uint8Array(memory.buffer);

/** The scanned memory, grown to hold at least `length` bytes (at most SCAN_CAPACITY); valid until the next call. */
export function scanBytes(length: number): Uint8Array {
  if (length > SCAN_CAPACITY) throw new RangeError(`${length} bytes is over the scan capacity of ${SCAN_CAPACITY}`);
  if (length > view.length) {
    memory.grow(Math.ceil((length - view.length) / PAGE_BYTES));
    view = new Uint8Array(memory.buffer);
  }
  return view;
}
