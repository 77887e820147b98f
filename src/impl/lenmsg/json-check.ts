/**
 * Checks that a lenmsg body is UTF-8 JSON without parsing it, for a receiver that only
 * relays what it checked (the reference central's echo). It accepts exactly what
 * decodeBody accepts (RFC 8259 as JSON.parse reads it; a property test holds the two
 * together) and reads one thing from the top level: whether the body is a data message.
 * String contents, nearly all of a large body, are scanned 64 bytes at a time.
 */
import { isUtf8 } from 'node:buffer';
import { FramingError } from '../common/framer';
import { SCAN_CAPACITY, scanBytes, scanPlainRun } from './string-scan';

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const ZERO = 0x30, NINE = 0x39, SMALL_E = 0x65, CAPITAL_E = 0x45;
const ESCAPED = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const LITERALS = new Map([...['true', 'false', 'null']].map((word) => [word.charCodeAt(0), Buffer.from(word)]));
const TYPE_KEY = Buffer.from('type'), BODY_KEY = Buffer.from('body'), DATA = Buffer.from('data');

/** Strings are read this far in JavaScript before the scanner takes over. */
const SHORT_RUN = 32;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);

/**
 * Whether a body given as LengthPrefixFramer.pushParts gives it is a data message:
 * a JSON object whose last top-level `type` is the string "data" and that has a `body`.
 * Throws FramingError when the body is not UTF-8 JSON. False means "parse it to know":
 * any other message, a top-level key written with escapes, or a body over SCAN_CAPACITY,
 * which is left unchecked for decodeBodyParts to check.
 */
export function isDataMessage(parts: readonly Buffer[], length: number): boolean {
  if (length > SCAN_CAPACITY) return false;
  const bytes = scanBytes(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  // One part is checked where it is: a view of the scan memory costs more than a small check.
  if (!isUtf8(parts.length === 1 ? parts[0] : bytes.subarray(0, length))) throw new FramingError('message body is not valid UTF-8');
  return new JsonCheck(bytes, length).run();
}

/** One pass over one body: a value at a time, with an explicit stack (nesting depth is bounded only by the length). */
class JsonCheck {
  private at = 0;
  /** Open containers, innermost last: true for an object. */
  private readonly stack: boolean[] = [];
  // What the top-level object says about being a data message.
  private typeIsData = false;
  private hasBody = false;
  private escapedKey = false;

  constructor(private readonly bytes: Uint8Array, private readonly end: number) {}

  run(): boolean {
    this.value();
    for (;;) {
      this.skipSpace();
      const depth = this.stack.length;
      if (depth === 0) break;
      const inObject = this.stack[depth - 1];
      const c = this.next();
      if (c === COMMA) {
        if (inObject) this.member(depth === 1);
        else this.value();
      } else if (c === (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        this.stack.pop();
      } else {
        this.fail(c, inObject ? "',' or '}'" : "',' or ']'");
      }
    }
    if (this.at < this.end) this.fail(this.peek(), 'the end of the body');
    return this.typeIsData && this.hasBody && !this.escapedKey;
  }

  /**
   * One value. A container is only opened, with its first value read in this same loop (no
   * recursion, however deep the nesting): run() reads the rest of it.
   */
  private value(): void {
    for (;;) {
      this.skipSpace();
      const start = this.at;
      const c = this.next();
      if (c === QUOTE) return void this.string();
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.stack.push(c === OPEN_OBJECT);
        this.skipSpace();
        if (this.peek() === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          this.at++;
          this.stack.pop();
          return;
        }
        if (c === OPEN_OBJECT && this.key(this.stack.length === 1)) return this.typeValue();
        continue;
      }
      if (c === MINUS || isDigit(c)) return this.number(start);
      const literal = LITERALS.get(c);
      if (literal && this.holds(start, Math.min(start + literal.length, this.end), literal)) {
        this.at = start + literal.length;
        return;
      }
      this.at = start;
      this.fail(c, 'a JSON value');
    }
  }

  /** `"key": value` in an object. */
  private member(topLevel: boolean): void {
    if (this.key(topLevel)) this.typeValue();
    else this.value();
  }

  /** `"key":` in an object; at the top level it notes the keys a data message needs. True before the value of a top-level type. */
  private key(topLevel: boolean): boolean {
    this.skipSpace();
    const c = this.next();
    if (c !== QUOTE) this.fail(c, 'a string key');
    const start = this.at;
    const escaped = this.string();
    const stop = this.at - 1; // the closing quote
    this.skipSpace();
    const colon = this.next();
    if (colon !== COLON) this.fail(colon, "':'");
    if (!topLevel) return false;
    if (escaped) this.escapedKey = true;
    if (this.holds(start, stop, BODY_KEY)) this.hasBody = true;
    return this.holds(start, stop, TYPE_KEY);
  }

  /** The value of a top-level type: the last one decides whether it is the string "data". */
  private typeValue(): void {
    this.skipSpace();
    if (this.peek() !== QUOTE) {
      this.typeIsData = false;
      return this.value();
    }
    const start = ++this.at;
    this.string();
    this.typeIsData = this.holds(start, this.at - 1, DATA);
  }

  /** The rest of a string after its opening quote; whether it held an escape. */
  private string(): boolean {
    let escaped = false;
    for (;;) {
      const stop = this.plainRunEnd();
      if (stop >= this.end) this.fail(undefined, 'the end of a string');
      const c = this.bytes[stop];
      this.at = stop + 1;
      if (c === QUOTE) return escaped;
      if (c !== BACKSLASH) this.fail(c, 'a string character (a control character must be escaped)');
      escaped = true;
      const kind = this.next();
      if (kind === 0x75) { // \uXXXX
        for (let i = 0; i < 4; i++) {
          const h = this.next();
          if (!isHex(h)) this.fail(h, 'a hexadecimal digit of a \\u escape');
        }
      } else if (!ESCAPED.has(kind)) {
        this.fail(kind, 'an escape');
      }
    }
  }

  /** Where the plain run of a string from here ends: short runs (keys, small values) end before a call into the scanner pays. */
  private plainRunEnd(): number {
    const { bytes } = this;
    const limit = Math.min(this.end, this.at + SHORT_RUN);
    for (let i = this.at; i < limit; i++) {
      const c = bytes[i];
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) return i;
    }
    return limit < this.end ? scanPlainRun(limit, this.end) : this.end;
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from its first byte, at `start`. */
  private number(start: number): void {
    this.at = start;
    if (this.peek() === MINUS) this.at++;
    const first = this.next();
    if (!isDigit(first)) this.fail(first, 'a digit');
    if (first !== ZERO) this.digits();
    if (this.peek() === DOT) {
      this.at++;
      this.oneOrMoreDigits();
    }
    const e = this.peek();
    if (e === SMALL_E || e === CAPITAL_E) {
      this.at++;
      const sign = this.peek();
      if (sign === PLUS || sign === MINUS) this.at++;
      this.oneOrMoreDigits();
    }
  }

  private oneOrMoreDigits(): void {
    const c = this.next();
    if (!isDigit(c)) this.fail(c, 'a digit');
    this.digits();
  }

  private digits(): void {
    while (isDigit(this.peek())) this.at++;
  }

  private skipSpace(): void {
    while (isSpace(this.peek())) this.at++;
  }

  /** Whether bytes [start, stop) are `word`: compared where they are (a view would cost more than the comparison). */
  private holds(start: number, stop: number, word: Uint8Array): boolean {
    if (stop - start !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.bytes[start + i] !== word[i]) return false;
    return true;
  }

  /** The next byte, not consumed; -1 past the end (the memory beyond holds earlier bodies). */
  private peek(): number {
    return this.at < this.end ? this.bytes[this.at] : -1;
  }

  /** The next byte, consumed; -1 past the end. */
  private next(): number {
    return this.at < this.end ? this.bytes[this.at++] : -1;
  }

  private fail(got: number | undefined, expected: string): never {
    const what = got === undefined || got < 0 ? 'the end of the body' : `byte 0x${got.toString(16).padStart(2, '0')}`;
    throw new FramingError(`message body is not JSON: ${what} at offset ${Math.min(this.at, this.end)} where ${expected} must be`);
  }
}
