/**
 * Pyro4's `serpent` serializer (id 1, Pyro4's default), as Debian's python3-serpent 1.41
 * writes it with Pyro4's settings (`module_in_classname=True`, no indent): the header
 * line `# serpent utf-8 python3.2`, then one Python literal.
 *
 * Writing follows serpent byte for byte: Python's repr() of str, int and float, `1e30000`
 * and `-1e30000` for the infinities, `{'__class__':'float','value':'nan'}` for NaN, dicts
 * and sets in their iteration order (serpent sorts only when indenting), an empty set as
 * `()`, bytes as the base-64 dict. Pyro4's classes (URI, exceptions, batch failures) as
 * the json serializer writes them, with serpent's tuples where Pyro4 has tuples.
 *
 * Reading is a small recursive-descent grammar of the literals serpent writes (and
 * Python's literal_eval reads): nothing is looked up, called or evaluated. A name other
 * than True/False/None, a call, an attribute, an operator other than a complex number's
 * sign, nesting past MAX_DEPTH, an integer past MAX_INT_DIGITS: each is a
 * SerpentDecodeError at its byte offset.
 *
 * JS mapping: int → number when safe, else BigInt; float → number; str → string (an
 * escaped surrogate pair joins into one character, as JS strings do); tuple → a frozen
 * array (values.ts); list → array; set → Set; dict → a plain object when every key is a
 * str (a `__proto__` key stays data), else a Map; complex → Complex; the bytes dict stays
 * a dict, as in Python (serpentBytes() turns it into a Buffer); class dicts as json.ts.
 */
import { exceptionDict, ExceptionWrapper, MAX_DEPTH, MAX_INT_DIGITS, recreate } from './json';
import { PyroURI } from './uri';
import { Complex, isTuple, tuple } from './values';

export const SERPENT_HEADER = '# serpent utf-8 python3.2\n';

/** serpent's NaN: Python has no literal for it. */
const NAN_DICT = "{'__class__':'float','value':'nan'}";

/** Serializes to serpent bytes. Throws TypeError for what serpent cannot carry (functions, cycles, unhashable keys). */
export function encodeSerpent(value: unknown): Buffer {
  return Buffer.from(SERPENT_HEADER + serpentLiteral(value), 'utf8');
}

/** The Python literal serpent writes for a value, without the header line. */
export function serpentLiteral(value: unknown): string {
  return new Writer().literal(value);
}

/** Python's repr() of a str: the quote it picks, its escapes, printable characters as they are. */
export function pythonString(text: string): string {
  if (PLAIN_ASCII.test(text)) return `'${text}'`;
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  return quote + text.replace(ESCAPED[quote], escapeCharacter) + quote;
}

/** Printable ASCII but the quote and the backslash: repr() is the text in single quotes. */
const PLAIN_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;
/**
 * What CPython's repr() escapes in a str quoted with ' or ": the quote, the backslash, and
 * what Py_UNICODE_ISPRINTABLE calls unprintable, the categories C (Cc, Cf, Cs, Co, Cn), Zl,
 * Zp and Zs but the space, by Node's Unicode tables. A peer Python with older tables escapes
 * the characters assigned since (Cn to it) as well: the value read back is the same.
 * Zs but the space is spelled out (the tests check it against Node's \p{Zs}): one
 * character class scans faster than an alternative with a lookahead.
 */
const ESCAPED: Readonly<Record<string, RegExp>> = {
  "'": /['\\\p{C}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu,
  '"': /["\\\p{C}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu,
};

function escapeCharacter(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c === 0x5c || c === 0x27 || c === 0x22) return `\\${ch}`;
  if (c === 0x09) return '\\t';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c <= 0xff) return `\\x${hex(c, 2)}`;
  if (c <= 0xffff) return `\\u${hex(c, 4)}`;
  return `\\U${hex(c, 8)}`;
}

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** A JS number as Python reads the same value: a safe integer as an int, anything else as a float. */
function numberLiteral(value: number): string {
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : floatLiteral(value);
}

/** serpent's float: repr(), with literals that overflow for the infinities and the class dict for NaN. */
function floatLiteral(value: number): string {
  if (Number.isNaN(value)) return NAN_DICT;
  if (value === Infinity) return '1e30000';
  if (value === -Infinity) return '-1e30000';
  return floatRepr(value);
}

/**
 * Python's repr(float): the shortest digits that read back the same (JS's String() finds
 * the same ones), fixed notation for exponents -4 to 15 (with ".0" when integral), else
 * `d.ddde+XX` with at least two exponent digits.
 */
export function floatRepr(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const text = String(Math.abs(value)); // "123.45", "0.000123", "1.5e-7", "1e+21", "15000000000000000"
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const point = mantissa.indexOf('.');
  const whole = point < 0 ? mantissa : mantissa.slice(0, point);
  const allDigits = whole + (point < 0 ? '' : mantissa.slice(point + 1));
  const leadingZeros = allDigits.length - allDigits.replace(/^0+/, '').length;
  const digits = allDigits.slice(leadingZeros).replace(/0+$/, '');
  const exponent = (e < 0 ? 0 : Number(text.slice(e + 1))) + whole.length - 1 - leadingZeros;
  if (exponent < -4 || exponent >= 16) {
    const significand = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${significand}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integral = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${integral}.${digits.slice(exponent + 1) || '0'}`;
}

/**
 * serpent's complex `(re+imj)`. Two texts serpent writes cannot be read back by Python, so
 * they are written otherwise or refused: an imaginary -0.0 (serpent's `+-0.0j`) is written
 * `-0.0j` (read back as 0.0, as Python does), and a NaN part (serpent puts the NaN dict
 * inside the literal) is refused.
 */
function complexLiteral(value: Complex): string {
  const { real, imag } = value;
  if (Number.isNaN(real) || Number.isNaN(imag)) throw new TypeError('serpent cannot carry a complex with a NaN part');
  const sign = imag > 0 || Object.is(imag, 0) ? '+' : '';
  return `(${floatLiteral(real)}${sign}${floatLiteral(imag)}j)`;
}

/** Python's repr() of serpent's bytes dict (spaces and all: serpent writes it with repr, not its own dict writer). */
function bytesDict(bytes: Uint8Array | ArrayBuffer): string {
  const data = Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('base64');
  return `{'data': '${data}', 'encoding': 'base64'}`;
}

/** Replaces Pyro4's classes by the dicts Pyro4 writes for them (with tuples where Pyro4 has tuples). */
function classDict(value: object): object {
  if (value instanceof PyroURI) {
    return { __class__: 'Pyro4.core.URI', state: tuple<unknown>(value.protocol, value.object, null, value.host ?? null, value.port ?? null) };
  }
  if (value instanceof ExceptionWrapper) {
    return { __class__: 'Pyro4.futures._ExceptionWrapper', exception: withArgsTuple(exceptionDict(value.exception)) };
  }
  if (value instanceof Error) return withArgsTuple(exceptionDict(value));
  return value;
}

/** Python exceptions carry their args as a tuple. */
function withArgsTuple(dict: ReturnType<typeof exceptionDict>) {
  return { ...dict, args: tuple(...(dict.args as unknown[])) };
}

/** Keys of a dict and items of a set must be hashable in Python; serpent refuses the rest as it writes them. */
function checkHashable(value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return;
  if (value instanceof Complex) return;
  if (isTuple(value)) {
    value.forEach(checkHashable);
    return;
  }
  const what = value === null || value === undefined ? 'None' : Array.isArray(value) ? 'a list' : value instanceof Uint8Array ? 'bytes' : 'an object';
  throw new TypeError(`serpent cannot carry ${what} as a dict key or set item (only str, numbers, bool and tuples of them)`);
}

class Writer {
  /** The objects being written around the current value (cycles and depth). */
  private readonly ancestors: object[] = [];

  literal(value: unknown): string {
    switch (typeof value) {
      case 'string': return pythonString(value);
      case 'number': return numberLiteral(value);
      case 'bigint': return value.toString();
      case 'boolean': return value ? 'True' : 'False';
      case 'undefined': return 'None';
      case 'object': break;
      default: throw new TypeError(`cannot serialize a ${typeof value} with serpent`);
    }
    if (value === null) return 'None';
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) return bytesDict(value);
    if (value instanceof Complex) return complexLiteral(value);
    if (value instanceof Date) return pythonString(value.toISOString());
    const { ancestors } = this;
    if (ancestors.includes(value)) throw new TypeError('cannot serialize a circular structure');
    if (ancestors.length >= MAX_DEPTH) throw new TypeError(`cannot serialize nesting deeper than ${MAX_DEPTH}`);
    ancestors.push(value);
    const replaced = classDict(value);
    const text = Array.isArray(replaced) ? this.sequence(replaced)
      : replaced instanceof Set ? this.set(replaced)
      : replaced instanceof Map ? this.dict(replaced)
      : this.dict(Object.entries(replaced));
    ancestors.pop();
    return text;
  }

  /** A list `[a,b]`, or a tuple `()`, `(a,)`, `(a,b)`. */
  private sequence(items: readonly unknown[]): string {
    const inside = items.map((item) => this.literal(item)).join(',');
    if (!isTuple(items)) return `[${inside}]`;
    return items.length === 1 ? `(${inside},)` : `(${inside})`;
  }

  /** `{a,b}`; an empty set is `()`, as serpent writes it (Python has no empty set literal). */
  private set(items: Set<unknown>): string {
    if (items.size === 0) return '()';
    const parts: string[] = [];
    for (const item of items) {
      checkHashable(item);
      parts.push(this.literal(item));
    }
    return `{${parts.join(',')}}`;
  }

  private dict(entries: Iterable<[unknown, unknown]>): string {
    const parts: string[] = [];
    for (const [key, item] of entries) {
      checkHashable(key);
      parts.push(`${this.literal(key)}:${this.literal(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
}

// ---- reading ------------------------------------------------------------------------------------

/** A body that is not serpent's Python literal text; `offset` is the byte offset in the body. */
export class SerpentDecodeError extends Error {
  override name = 'SerpentDecodeError';

  constructor(readonly offset: number, what: string) {
    super(`invalid serpent at byte ${offset}: ${what}`);
  }
}

export interface DecodeOptions {
  /** Recreate Pyro4's classes from their dicts (default true); false gives the dicts as they are on the wire. */
  classes?: boolean;
}

/** A byte-order mark stays in the text (and is refused where a value should start), so offsets count every byte. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses serpent bytes (strict UTF-8): one Python literal, after any comments (the header is one). */
export function decodeSerpent(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new SerpentDecodeError(firstInvalidUtf8(bytes), 'not valid UTF-8');
  }
  return new Parser(text, options.classes !== false).document();
}

/** The offset of the first byte that breaks UTF-8 (for the error message): where a lenient decode, encoded again, differs. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const again = Buffer.from(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), 'utf8');
  let at = 0;
  while (at < bytes.length && bytes[at] === again[at]) at++;
  return at;
}

/** A Python bytes value as serpent carries it (`{'data': base64, 'encoding': 'base64'}`), as a Buffer (serpent.tobytes). */
export function serpentBytes(value: unknown): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value);
  const dict = value as { data?: unknown; encoding?: unknown } | null;
  if (typeof dict === 'object' && dict !== null && dict.encoding === 'base64' && typeof dict.data === 'string') {
    return Buffer.from(dict.data, 'base64');
  }
  throw new TypeError('not bytes, nor a serpent base-64 bytes dict');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
/** Python's number token: digits with single underscores, a fraction, an exponent, an imaginary j. */
const NUMBER = /(?:(\d(?:_?\d)*)(\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)([eE][+-]?\d(?:_?\d)*)?([jJ])?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NAME_CHAR = /[A-Za-z0-9_]/;
const LITERAL_NAMES: Readonly<Record<string, unknown>> = { True: true, False: false, None: null };

/** A number token: an int, a float, or an imaginary number (its value is then the imaginary part). */
interface NumberToken {
  kind: 'int' | 'float' | 'imaginary';
  value: number | bigint;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string, private readonly classes: boolean) {}

  document(): unknown {
    const value = this.value(0);
    this.skipSpace();
    if (this.at < this.text.length) this.unexpectedAfterValue('the end of the body');
    return value;
  }

  private fail(what: string, at = this.at): never {
    throw new SerpentDecodeError(Buffer.byteLength(this.text.slice(0, at), 'utf8'), what);
  }

  /** White space, line breaks and comments (the header is one) between tokens. */
  private skipSpace(): void {
    const { text } = this;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) this.at++;
      else if (c === 0x5c && (text[this.at + 1] === '\n' || text[this.at + 1] === '\r')) this.at += 2; // explicit line joining
      else if (c === 0x23) { // '#' to the end of the line
        const end = text.indexOf('\n', this.at);
        this.at = end < 0 ? text.length : end + 1;
      } else return;
    }
  }

  /** After a whole value something else than `expected` came: say what it is, in Python's terms. */
  private unexpectedAfterValue(expected: string): never {
    const c = this.text[this.at];
    if (c === '(') this.fail('a call is not a literal: nothing is called');
    if (c === '.') this.fail('attribute access is not a literal: nothing is looked up');
    if (c === '[') this.fail('subscripting is not a literal');
    this.fail(`expected ${expected}, found ${describe(c)}`);
  }

  private value(depth: number): unknown {
    this.skipSpace();
    const { text } = this;
    const c = text[this.at];
    switch (c) {
      case '[': return this.list(depth);
      case '(': return this.parenthesized(depth);
      case '{': return this.braces(depth);
      case "'":
      case '"': return this.string();
      case undefined: this.fail('the body ends where a value should start');
    }
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return this.number();
    NAME.lastIndex = this.at;
    const name = NAME.exec(text)?.[0];
    if (name === undefined) this.fail(`${describe(c)} cannot start a value`);
    if ((name === 'u' || name === 'U') && (text[this.at + 1] === "'" || text[this.at + 1] === '"')) {
      this.at++; // u'...' is a str, as in Python 3
      return this.string();
    }
    if (!Object.hasOwn(LITERAL_NAMES, name)) {
      this.fail(name === 'lambda' ? 'a lambda is not a literal' : `the name ${name} is not a literal: names are never looked up`);
    }
    this.at += name.length;
    return LITERAL_NAMES[name];
  }

  private nested(depth: number): number {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.at++; // past the opening bracket
    return depth + 1;
  }

  /** Items up to `close`, separated by commas, a trailing comma allowed; `items` holds those already read (at least one). */
  private rest(depth: number, close: string, items: unknown[]): unknown[] {
    for (;;) {
      this.skipSpace();
      const c = this.text[this.at];
      if (c === close) {
        this.at++;
        return items;
      }
      if (c !== ',') this.unexpectedAfterValue(`, or ${close}`);
      this.at++;
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(this.value(depth));
    }
  }

  private list(depth: number): unknown[] {
    const inner = this.nested(depth);
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return [];
    }
    return this.rest(inner, ']', [this.value(inner)]);
  }

  /** `()` and `(a,)`, `(a, b)` are tuples; `(a)` is a itself (serpent writes complex numbers so). */
  private parenthesized(depth: number): unknown {
    const inner = this.nested(depth);
    this.skipSpace();
    if (this.text[this.at] === ')') {
      this.at++;
      return tuple();
    }
    const first = this.value(inner);
    this.skipSpace();
    if (this.text[this.at] === ')') {
      this.at++;
      return first;
    }
    if (this.text[this.at] !== ',') this.unexpectedAfterValue(', or )');
    return Object.freeze(this.rest(inner, ')', [first]));
  }

  /** `{}` is an empty dict, `{k: v, ...}` a dict, `{a, b}` a set. */
  private braces(depth: number): unknown {
    const inner = this.nested(depth);
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return this.dict([]);
    }
    const keyAt = this.at;
    const first = this.value(inner);
    this.skipSpace();
    if (this.text[this.at] !== ':') {
      const items = this.rest(inner, '}', [first]);
      items.forEach((item) => this.checkHashable(item, keyAt));
      return new Set(items);
    }
    const entries: [unknown, unknown][] = [];
    let key = first;
    let at = keyAt;
    for (;;) {
      this.checkHashable(key, at);
      this.at++; // past ':'
      entries.push([key, this.value(inner)]);
      this.skipSpace();
      const c = this.text[this.at];
      if (c === '}') break;
      if (c !== ',') this.unexpectedAfterValue(', or }');
      this.at++;
      this.skipSpace();
      if (this.text[this.at] === '}') break;
      at = this.at;
      key = this.value(inner);
      this.skipSpace();
      if (this.text[this.at] !== ':') this.unexpectedAfterValue(':');
    }
    this.at++;
    return this.dict(entries, keyAt);
  }

  /** Python refuses unhashable dict keys and set items (lists, dicts, sets, tuples holding them). */
  private checkHashable(value: unknown, at: number): void {
    if (value === null || typeof value !== 'object' || value instanceof Complex) return;
    if (isTuple(value)) {
      for (const item of value) this.checkHashable(item, at);
      return;
    }
    this.fail(`unhashable ${Array.isArray(value) ? 'list' : value instanceof Set ? 'set' : 'dict'} as a dict key or set item`, at);
  }

  /** A dict of str keys is a plain object (class dicts recreated), any other a Map. */
  private dict(entries: [unknown, unknown][], at = this.at): unknown {
    if (!entries.every(([key]) => typeof key === 'string')) return new Map(entries);
    const dict: Record<string, unknown> = {};
    for (const [key, value] of entries as [string, unknown][]) {
      // defineProperty, not assignment, for "__proto__": it stays data, never a prototype.
      if (key === '__proto__') Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
      else dict[key] = value;
    }
    if (!this.classes || !Object.hasOwn(dict, '__class__')) return dict;
    if (dict.__class__ === 'float') return this.pythonFloat(dict.value, at);
    try {
      return recreate(dict);
    } catch (error) {
      this.fail((error as Error).message, at);
    }
  }

  /** Pyro4's SerpentSerializer: `{'__class__': 'float', 'value': ...}` is float(value) (serpent writes NaN so). */
  private pythonFloat(value: unknown, at: number): number {
    const text = typeof value === 'string' ? value.trim() : '';
    const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
    if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
    if (/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/.test(text)) return Number(text.replace(/_/g, ''));
    this.fail(`a float class dict whose value ${JSON.stringify(value)} is not a float`, at);
  }

  /**
   * A number as literal_eval reads it: one optional sign, then a number token; a real
   * part may be followed by + or - and an imaginary token (a complex literal).
   */
  private number(): number | bigint | Complex {
    const { text } = this;
    let sign = 1;
    if (text[this.at] === '-' || text[this.at] === '+') {
      sign = text[this.at] === '-' ? -1 : 1;
      this.at++;
      this.skipSpace();
      if (text[this.at] === '-' || text[this.at] === '+') this.fail('only one sign may precede a number');
    }
    const first = this.numberToken();
    if (first.kind === 'imaginary') return new Complex(sign * 0, sign * Number(first.value)); // -(0+xj) negates both parts
    // An int has no -0: -0 is 0.
    const real = sign === 1 || (first.kind === 'int' && first.value === 0) ? first.value : -first.value;
    const before = this.at;
    this.skipSpace();
    const op = text[this.at];
    if (op !== '+' && op !== '-') {
      this.at = before;
      return real;
    }
    this.at++;
    this.skipSpace();
    if (!/[0-9.]/.test(text[this.at] ?? '')) this.fail(`only a complex number's imaginary part may follow ${op}`);
    const second = this.numberToken();
    if (second.kind !== 'imaginary') this.fail(`only an imaginary number may follow ${op} (a complex literal)`);
    // Python adds a real to a complex as complex(real, 0) + (0 + xj): real + 0, 0 ± x.
    const left = Number(real);
    const imag = Number(second.value);
    return op === '+' ? new Complex(left + 0, 0 + imag) : new Complex(left - 0, 0 - imag);
  }

  private numberToken(): NumberToken {
    const { text } = this;
    const start = this.at;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    if (!match || match[0].length === 0 || match[0] === '.') this.fail(`${describe(text[start])} cannot start a number`);
    const [token, whole, fraction, exponent, imaginary] = match;
    this.at = start + token.length;
    if (whole === '0' && /[xXoObB]/.test(text[this.at] ?? '')) this.fail('hexadecimal, octal and binary integers are not supported', start);
    if (NAME_CHAR.test(text[this.at] ?? '') || text[this.at] === '.') this.fail('an invalid number', start);
    const digits = token.replace(/[_jJ]/g, '');
    if (imaginary !== undefined) return { kind: 'imaginary', value: Number(digits) };
    if (fraction !== undefined || exponent !== undefined || whole === undefined) return { kind: 'float', value: Number(digits) };
    if (/^0+[1-9]/.test(digits)) this.fail('leading zeros in a decimal integer', start);
    if (digits.length > MAX_INT_DIGITS) this.fail(`an integer of more than ${MAX_INT_DIGITS} digits (Python's limit)`, start);
    const value = Number(digits);
    return { kind: 'int', value: Number.isSafeInteger(value) ? value : BigInt(digits) };
  }

  /** A '...' or "..." str with Python's escapes; a raw line break ends it too early. */
  private string(): string {
    const { text } = this;
    const quote = text[this.at];
    const start = this.at;
    let at = start + 1;
    let out = '';
    let run = at;
    for (;;) {
      const c = text[at];
      if (c === quote) {
        this.at = at + 1;
        return out + text.slice(run, at);
      }
      if (c === undefined || c === '\n' || c === '\r') this.fail('a str that does not end', start);
      if (c === '\0') this.fail('a NUL character in a str', at);
      if (c !== '\\') {
        at++;
        continue;
      }
      out += text.slice(run, at);
      const [decoded, length] = this.escape(at);
      out += decoded;
      at += length;
      run = at;
    }
  }

  /** The escape at `at` (a backslash): what it stands for and how many characters it takes. */
  private escape(at: number): [string, number] {
    const { text } = this;
    const e = text[at + 1];
    if (e === undefined) this.fail('a str cut in its escape', at);
    if (Object.hasOwn(ESCAPES, e)) return [ESCAPES[e], 2];
    if (e === '\n') return ['', 2]; // a line continued inside the str
    if (e === '\r') return ['', text[at + 2] === '\n' ? 3 : 2];
    if (e >= '0' && e <= '7') {
      const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4))![0];
      return [String.fromCharCode(parseInt(octal, 8)), 1 + octal.length];
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width > 0) {
      const digits = text.slice(at + 2, at + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits)) this.fail(`a str cut in its \\${e} escape (${width} hex digits)`, at);
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) this.fail(`\\U${digits} is past the last Unicode character`, at);
      return [String.fromCodePoint(code), 2 + width];
    }
    if (e === 'N') this.fail('\\N{...} escapes (Unicode names) are not supported', at);
    return ['\\', 1]; // Python keeps an unknown escape's backslash; the character after it is read as usual
  }
}

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the body';
  const code = c.codePointAt(0)!;
  return code >= 0x21 && code < 0x7f ? `"${c}"` : `U+${hex(code, 4).toUpperCase()}`;
}
