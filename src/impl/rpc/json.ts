/**
 * Pyro4's `json` serializer (id 2) in JavaScript terms.
 *
 * Python's json module writes NaN/Infinity/-Infinity and integers of any size, so
 * this module has its own small parser: those tokens become numbers, integers past
 * 2^53 become BigInt. Objects carrying `__class__` are recreated as Pyro4 does:
 * `Pyro4.core.URI` → PyroURI, exception dicts → RemoteError,
 * `Pyro4.futures._ExceptionWrapper` → ExceptionWrapper; any other class dict stays a
 * plain object. A `__proto__` key is stored as an own property: it never reaches a
 * prototype.
 */
import { PyroURI, UriProtocol } from './uri';
import { Complex } from './values';

/** Nesting deeper than this is refused both ways (Python's own recursion limit is near 1000). */
export const MAX_DEPTH = 512;

/**
 * The most digits a decoded integer may have: Python's own default limit
 * (sys.int_info.default_max_str_digits). Parsing a longer one costs time quadratic in its
 * length, and no Python peer would read or write it.
 */
export const MAX_INT_DIGITS = 4300;

/** An exception as Pyro4 carries it: Python class name, args, attributes, remote traceback. */
export class RemoteError extends Error {
  override name = 'RemoteError';
  /** Traceback lines from the side that raised it (Pyro4's `_pyroTraceback`). */
  readonly remoteTraceback: string[];
  /** The exception's other attributes (Pyro4's `vars(exc)` without the traceback). */
  readonly attributes: Record<string, unknown>;

  constructor(
    /** Fully qualified Python class, e.g. `builtins.ValueError`, `Pyro4.errors.NamingError`. */
    readonly pythonClass: string,
    readonly args: unknown[] = [],
    options: { traceback?: string[]; attributes?: Record<string, unknown> } = {},
  ) {
    super(`${pythonClass}: ${args.length === 1 ? String(args[0]) : args.map((a) => String(a)).join(', ')}`);
    this.remoteTraceback = options.traceback ?? [];
    this.attributes = options.attributes ?? {};
    if (this.remoteTraceback.length > 0) {
      // Where it was raised matters, not where its reply was parsed (Pyro4's getPyroTraceback layout).
      const lines = this.remoteTraceback.join('').replace(/\n$/, '').split('\n');
      this.stack = [`${this.name}: ${this.message}`, ' +--- This exception occured remotely (Pyro) - Remote traceback:',
        ...lines.map((line) => ` | ${line}`), ' +--- End of remote traceback'].join('\n');
    }
  }

  /** The class name without its module, e.g. `ValueError`. */
  get pythonName(): string {
    return this.pythonClass.slice(this.pythonClass.lastIndexOf('.') + 1);
  }
}

/** One failed call inside a batch result (Pyro4's `futures._ExceptionWrapper`). */
export class ExceptionWrapper {
  /** Decoded: a RemoteError. Encoded: any thrown value, as exceptionDict takes it. */
  constructor(readonly exception: unknown) {}
}

/** JS error names and the builtin Python exception a Pyro4 peer can recreate for them. */
const PYTHON_CLASS_OF_JS_ERROR: Readonly<Record<string, string>> = {
  TypeError: 'builtins.TypeError',
  RangeError: 'builtins.ValueError',
  SyntaxError: 'builtins.SyntaxError',
  ReferenceError: 'builtins.NameError',
};

/** A writer kept for the next encodeJson; taken while in use, so a nested call (from a getter, say) makes its own. */
let spareWriter: JsonWriter | undefined;

/** Serializes to Pyro4 json bytes. Throws TypeError for what Pyro4's json cannot carry (bytes, functions, cycles). */
export function encodeJson(value: unknown): Buffer {
  const writer = spareWriter ?? new JsonWriter();
  spareWriter = undefined;
  try {
    return writer.write(value);
  } finally {
    spareWriter = writer;
  }
}

/** The dict Pyro4 writes for an exception (SerializerBase.class_to_dict); any thrown value is accepted. */
export function exceptionDict(error: unknown): Record<string, unknown> {
  if (error instanceof RemoteError) {
    const traceback = error.remoteTraceback.length > 0 ? error.remoteTraceback : stackLines(error);
    return exceptionDictOf(error.pythonClass, error.args, { ...error.attributes, _pyroTraceback: traceback });
  }
  if (error instanceof Error) {
    const pythonClass = Object.hasOwn(PYTHON_CLASS_OF_JS_ERROR, error.name) ? PYTHON_CLASS_OF_JS_ERROR[error.name] : 'builtins.Exception';
    return exceptionDictOf(pythonClass, [error.message], { _pyroTraceback: stackLines(error) });
  }
  return exceptionDictOf('builtins.Exception', [String(error)], { _pyroTraceback: [] });
}

function exceptionDictOf(pythonClass: string, args: unknown[], attributes: Record<string, unknown>) {
  return { __class__: pythonClass, __exception__: true, args, attributes };
}

function stackLines(error: Error): string[] {
  return (error.stack ?? `${error.name}: ${error.message}`).split('\n').map((line) => `${line}\n`);
}

const [QUOTE, BACKSLASH, COMMA, SPACE, COLON, OPEN_LIST, CLOSE_LIST, OPEN_DICT, CLOSE_DICT] = Array.from('"\\, :[]{}', (c) => c.charCodeAt(0));
/** Strings up to this long are checked and copied byte by byte; longer ones are escaped by JSON.stringify (faster for them). */
const SHORT_STRING = 64;
/** The size of a writer's buffer, which holds many small values one after another (as Buffer's own pool does). */
const SLAB_BYTES = 8 * 1024;

/**
 * Writes Pyro4 json (Python's separators ", " and ": ") straight into bytes: short
 * ASCII strings and numbers are stored byte by byte, with no intermediate strings to
 * join and encode again. Each value is handed out as a view of the writer's buffer
 * (no copy); the values after it are written past it.
 */
class JsonWriter {
  private bytes = Buffer.allocUnsafe(SLAB_BYTES);
  /** Where the value being written starts in `bytes`, and where it ends so far. */
  private start = 0;
  private end = 0;
  /** The objects being written around the current value, outermost first (a short stack: depth is capped). */
  private readonly ancestors: object[] = [];

  write(value: unknown): Buffer {
    try {
      this.value(value);
    } catch (error) {
      this.end = this.start;
      this.ancestors.length = 0;
      throw error;
    }
    const out = this.bytes.subarray(this.start, this.end);
    this.start = this.end;
    // A buffer grown for one big value stays that value's alone.
    if (this.bytes.length > SLAB_BYTES) this.fresh(0);
    return out;
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return this.ascii(numberText(value));
      case 'bigint':
        return this.ascii(value.toString());
      case 'boolean':
        return this.ascii(value ? 'true' : 'false');
      case 'undefined':
        return this.ascii('null');
      case 'object':
        break;
      default:
        throw new TypeError(`cannot serialize a ${typeof value} with Pyro4 json`);
    }
    if (value === null) return this.ascii('null');
    const { ancestors } = this;
    if (ancestors.includes(value)) throw new TypeError('cannot serialize a circular structure');
    if (ancestors.length >= MAX_DEPTH) throw new TypeError(`cannot serialize nesting deeper than ${MAX_DEPTH}`);
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) throw new TypeError('Pyro4 json cannot carry bytes');
    if (value instanceof Complex) throw new TypeError('Pyro4 json cannot carry a complex');
    if (value instanceof Date) return this.string(value.toISOString());
    const replaced = classDict(value);
    ancestors.push(value);
    if (Array.isArray(replaced)) {
      this.byte(OPEN_LIST);
      for (let i = 0; i < replaced.length; i++) {
        if (i > 0) this.separator(COMMA);
        this.value(replaced[i]);
      }
      this.byte(CLOSE_LIST);
    } else if (replaced instanceof Set) {
      this.byte(OPEN_LIST);
      let first = true;
      for (const item of replaced) {
        if (!first) this.separator(COMMA);
        first = false;
        this.value(item);
      }
      this.byte(CLOSE_LIST);
    } else if (replaced instanceof Map) {
      this.byte(OPEN_DICT);
      let first = true;
      for (const [key, item] of replaced) {
        if (!first) this.separator(COMMA);
        first = false;
        this.entry(String(key), item);
      }
      this.byte(CLOSE_DICT);
    } else {
      const dict = replaced as Record<string, unknown>;
      this.byte(OPEN_DICT);
      let first = true;
      for (const key of Object.keys(dict)) {
        if (!first) this.separator(COMMA);
        first = false;
        this.entry(key, dict[key]);
      }
      this.byte(CLOSE_DICT);
    }
    ancestors.pop();
  }

  private entry(key: string, value: unknown) {
    this.string(key);
    this.separator(COLON);
    this.value(value);
  }

  /** The string as JSON.stringify writes it; a short one of printable ASCII with no quote or backslash is copied as is. */
  private string(text: string) {
    if (text.length <= SHORT_STRING) {
      this.room(text.length + 2);
      const { bytes } = this;
      let at = this.end;
      bytes[at++] = QUOTE;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return this.utf8(JSON.stringify(text));
        bytes[at++] = c;
      }
      bytes[at++] = QUOTE;
      this.end = at;
      return;
    }
    this.utf8(JSON.stringify(text));
  }

  /** Python's ", " or ": ". */
  private separator(c: number) {
    this.room(2);
    this.bytes[this.end++] = c;
    this.bytes[this.end++] = SPACE;
  }

  private byte(c: number) {
    this.room(1);
    this.bytes[this.end++] = c;
  }

  /** Text known to be ASCII (numbers, literals). */
  private ascii(text: string) {
    this.room(text.length);
    const { bytes } = this;
    for (let i = 0; i < text.length; i++) bytes[this.end++] = text.charCodeAt(i);
  }

  private utf8(text: string) {
    this.room(text.length * 3); // the most UTF-8 bytes a UTF-16 string can need
    this.end += this.bytes.write(text, this.end, 'utf8');
  }

  private room(bytes: number) {
    if (this.end + bytes > this.bytes.length) this.fresh(2 * (this.end - this.start + bytes));
  }

  /** Moves the value written so far to the start of a new buffer of at least `capacity` bytes. */
  private fresh(capacity: number) {
    const written = this.end - this.start;
    const bytes = Buffer.allocUnsafe(Math.max(SLAB_BYTES, capacity));
    this.bytes.copy(bytes, 0, this.start, this.end);
    this.bytes = bytes;
    this.start = 0;
    this.end = written;
  }
}

/**
 * A JS number as Python reads it back to the same value: a safe integer as an int,
 * everything else as a float (so 1e16 stays a float, -0 stays -0.0), NaN and the
 * infinities as Python's json spells them.
 */
function numberText(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value); // the common case, an int
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const text = JSON.stringify(value);
  return Number.isInteger(value) && !Number.isSafeInteger(value) && !/[.e]/.test(text) ? `${text}.0` : text;
}

/** Replaces the objects Pyro4 writes as class dicts; everything else passes through. */
function classDict(value: object): object {
  if (value instanceof PyroURI) {
    return { __class__: 'Pyro4.core.URI', state: [value.protocol, value.object, null, value.host ?? null, value.port ?? null] };
  }
  if (value instanceof ExceptionWrapper) {
    return { __class__: 'Pyro4.futures._ExceptionWrapper', exception: exceptionDict(value.exception) };
  }
  if (value instanceof Error) return exceptionDict(value);
  return value;
}

/** A body that is not valid Pyro4 json. */
export class JsonDecodeError extends Error {
  override name = 'JsonDecodeError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface DecodeOptions {
  /** Recreate Pyro4's classes from their dicts (default true); false gives the dicts as they are on the wire. */
  classes?: boolean;
}

/** Parses Pyro4 json bytes (strict UTF-8) and recreates Pyro4's classes. */
export function decodeJson(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonDecodeError('body is not valid UTF-8');
  }
  return new Parser(text, options.classes === false ? (dict) => dict : recreate).document();
}

const [MINUS, PLUS, DOT, ZERO, NINE, LOWER_E, UPPER_E] = Array.from('-+.09eE', (c) => c.charCodeAt(0));

/** False for NaN, which charCodeAt returns past the end. */
function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The index of the first non-digit at or after `at`. */
function skipDigits(text: string, at: number): number {
  while (isDigit(text.charCodeAt(at))) at++;
  return at;
}

const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Recursive descent over Python json's grammar (RFC 8259 plus NaN, Infinity, -Infinity). */
class Parser {
  private at = 0;

  constructor(private readonly text: string, private readonly dictValue: (dict: Record<string, unknown>) => unknown) {}

  document(): unknown {
    const value = this.value(0);
    this.skipSpace();
    if (this.at !== this.text.length) this.fail('extra data after the document');
    return value;
  }

  private fail(what: string): never {
    throw new JsonDecodeError(`invalid json at offset ${this.at}: ${what}`);
  }

  private skipSpace() {
    const { text } = this;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    // The first character picks the one thing this can be (a "-" is -Infinity or a number).
    switch (this.text[this.at]) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return this.string();
      case 'n': if (this.literal('null')) return null; break;
      case 't': if (this.literal('true')) return true; break;
      case 'f': if (this.literal('false')) return false; break;
      case 'N': if (this.literal('NaN')) return NaN; break;
      case 'I': if (this.literal('Infinity')) return Infinity; break;
      case '-': if (this.literal('-Infinity')) return -Infinity; break;
    }
    return this.number();
  }

  /** RFC 8259's number, scanned by hand (no regex match per number); an integer past 2^53 becomes a BigInt. */
  private number(): number | bigint {
    const { text } = this;
    const start = this.at;
    let at = text.charCodeAt(start) === MINUS ? start + 1 : start;
    const first = text.charCodeAt(at);
    if (first === ZERO) at++;
    else if (isDigit(first)) at = skipDigits(text, at + 1);
    else this.fail('expected a value');
    let integral = true;
    if (text.charCodeAt(at) === DOT && isDigit(text.charCodeAt(at + 1))) {
      at = skipDigits(text, at + 2);
      integral = false;
    }
    const e = text.charCodeAt(at);
    if (e === LOWER_E || e === UPPER_E) {
      const sign = text.charCodeAt(at + 1);
      const digits = sign === PLUS || sign === MINUS ? at + 2 : at + 1;
      if (isDigit(text.charCodeAt(digits))) {
        at = skipDigits(text, digits + 1);
        integral = false;
      }
    }
    this.at = at;
    const token = text.slice(start, at);
    const number = Number(token);
    if (!integral || Number.isSafeInteger(number)) return number;
    if (at - start - (token[0] === '-' ? 1 : 0) > MAX_INT_DIGITS) {
      this.at = start;
      this.fail(`an integer of more than ${MAX_INT_DIGITS} digits (Python's limit)`);
    }
    return BigInt(token);
  }

  private string(): string {
    const { text } = this;
    const start = ++this.at; // past the opening quote
    // Most strings have no escape: one slice, no regex.
    for (let at = start; at < text.length; at++) {
      const c = text.charCodeAt(at);
      if (c === QUOTE) {
        this.at = at + 1;
        return text.slice(start, at);
      }
      if (c === BACKSLASH || c < 0x20) break; // an escape or a control character: the general loop below
    }
    let out = '';
    for (;;) {
      PLAIN_RUN.lastIndex = this.at;
      const run = PLAIN_RUN.exec(text)![0];
      out += run;
      this.at += run.length;
      const c = text[this.at];
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c !== '\\') this.fail(c === undefined ? 'unterminated string' : 'control character in string');
      const escape = text[this.at + 1];
      if (escape === 'u') {
        const hex = text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (escape !== undefined && Object.hasOwn(ESCAPES, escape)) {
        out += ESCAPES[escape];
        this.at += 2;
      } else {
        this.fail('bad escape');
      }
    }
  }

  private array(depth: number): unknown[] {
    this.at++;
    const items: unknown[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === ']') return items;
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  private object(depth: number): unknown {
    this.at++;
    const dict: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return this.dictValue(dict);
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at++] !== ':') this.fail('expected :');
      const value = this.value(depth + 1);
      // defineProperty, not assignment, for "__proto__": it stays data, never a prototype.
      if (key === '__proto__') Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
      else dict[key] = value;
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === '}') return this.dictValue(dict);
      if (c !== ',') this.fail('expected , or }');
    }
  }
}

/**
 * Pyro4's SerializerBase.dict_to_class for the classes a JS peer can represent (shared
 * by the serpent decoder); any other class dict stays a plain dict.
 */
export function recreate(dict: Record<string, unknown>): unknown {
  if (!Object.hasOwn(dict, '__class__')) return dict;
  const pythonClass = dict.__class__;
  if (pythonClass === 'Pyro4.core.URI') return uriFromState(dict.state);
  if (pythonClass === 'Pyro4.futures._ExceptionWrapper' && dict.exception instanceof RemoteError) {
    return new ExceptionWrapper(dict.exception);
  }
  if (typeof pythonClass === 'string' && dict.__exception__ === true) {
    const args = Array.isArray(dict.args) ? [...dict.args] : []; // a list, also where serpent carries a tuple
    const attributes = isPlainDict(dict.attributes) ? { ...dict.attributes } : {};
    const traceback = attributes._pyroTraceback;
    delete attributes._pyroTraceback;
    return new RemoteError(pythonClass, args, {
      traceback: Array.isArray(traceback) ? traceback.map((line) => String(line)) : [],
      attributes,
    });
  }
  return dict;
}

function isPlainDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function uriFromState(state: unknown): PyroURI {
  if (!Array.isArray(state) || state.length !== 5) throw new JsonDecodeError('Pyro4.core.URI without a 5-item state');
  const [protocol, object, , host, port] = state;
  if ((protocol !== 'PYRO' && protocol !== 'PYRONAME') || typeof object !== 'string') {
    throw new JsonDecodeError(`unsupported Pyro4.core.URI state ${JSON.stringify(state)}`);
  }
  return new PyroURI(
    protocol as UriProtocol,
    object,
    typeof host === 'string' ? host : undefined,
    typeof port === 'number' ? port : undefined,
  );
}
