/**
 * The serpent codec beside Debian's python3-serpent (as Pyro4 uses it), in one long-lived
 * subprocess: identical bytes wherever serpent's own output is deterministic, the same
 * values read back both ways everywhere; and the reader as a grammar that refuses, at a
 * byte offset, everything that is not a literal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';

import { ExceptionWrapper, RemoteError } from '../../src/impl/rpc/json';
import { type SerpentPeer, startSerpentPeer } from '../../src/impl/rpc/pyro4/serpent_peer';
import { decodeSerpent, encodeSerpent, floatRepr, pythonString, SerpentDecodeError, serpentBytes } from '../../src/impl/rpc/serpent';
import { PyroURI } from '../../src/impl/rpc/uri';
import { Complex, tuple } from '../../src/impl/rpc/values';
import { ensurePyro4, samePythonValue, serpentValue, serpentView } from './helpers';

const text = (value: unknown) => encodeSerpent(value).toString('utf8');
const parse = (literal: string) => decodeSerpent(Buffer.from(literal, 'utf8'));

/** Values whose serpent text is worth pinning: serpent's own tricky cases. */
const CORPUS: [string, unknown][] = [
  ['ints', [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2n ** 53n, -(2n ** 70n), 10n ** 4299n]],
  ['floats', [0.5, -0.0, 1e16, 1e-7, 1e22, 1e-5, 0.0001, 123.456, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, -1.5e-300]],
  ['infinities and NaN', [Infinity, -Infinity, NaN]],
  ['complex', [new Complex(1, 2), new Complex(-1.5, -2), new Complex(0, Infinity), new Complex(-Infinity, 1), new Complex(-0, 1)]],
  ['strings', ['', "'", '"', `'"`, '\\', 'a\nb\rc\td', '\0\x01\x1f\x7f', '\x80\x85\xa0\xad\xff', '€ é 😀', '\u2028\u2029\u200b\ufeff\u3000', '\ud800', '\udfff', 'x\ud83d', '\ue000\u{f0000}']],
  ['containers', [[], tuple(), tuple(1), tuple(1, 2), [[]], { a: [] }, {}, new Set([3]), new Set(), [tuple(tuple())]]],
  // (not True beside 1: Python's dict takes them for one key)
  ['dict keys', new Map<unknown, unknown>([[1, 'int'], [tuple('a', 'b'), 'tuple'], [1.5, 'float'], [false, 'bool'], [10n ** 30n, 'big']])],
  ['nested empties', { a: {}, b: [], c: tuple(), d: [{}, [[]], tuple([])] }],
  ['bytes', [Buffer.from([0, 1, 2, 255]), Buffer.alloc(0), Buffer.from('serpent')]],
  ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}')],
  ['a Pyro4 URI', PyroURI.parse('PYRO:obj@127.0.0.1:4444')],
  ['a Pyro4 exception', new RemoteError('builtins.ValueError', ['boom', 2], { traceback: ['Traceback\n', 'ValueError: boom\n'] })],
  ['None and booleans', [null, true, false]],
];

describe('rpc serpent codec beside python3-serpent', () => {
  let peer: SerpentPeer;
  /** Code points past ASCII that Node's Unicode tables call printable and this Python's (older) do not. */
  let disagree: Set<number>;

  before(async () => {
    ensurePyro4();
    peer = startSerpentPeer();
    const theirs = new Set<number>();
    for (const [first, last] of await peer.nonPrintable()) for (let c = first; c <= last; c++) theirs.add(c);
    disagree = new Set();
    for (let c = 0x80; c <= 0x10ffff; c++) {
      const ours = pythonString(String.fromCodePoint(c)).includes('\\');
      if (ours !== theirs.has(c)) disagree.add(c);
    }
  });
  after(() => peer?.stop());

  it('escapes the same characters as Python, but those assigned in newer Unicode tables than Python\'s', () => {
    // Node's tables are newer: each disagreement is a character Python still calls unassigned (escaped), Node printable.
    for (const c of disagree) assert.ok(!pythonString(String.fromCodePoint(c)).includes('\\'), `U+${c.toString(16)}: Node escapes it, Python does not`);
    assert.ok(disagree.size < 20_000, `${disagree.size} code points differ`);
  });

  /** The value has no set of two items or more (Python orders them by hash) and no character whose printability differs. */
  const deterministic = (value: unknown): boolean => {
    if (typeof value === 'string') return ![...value].some((ch) => disagree.has(ch.codePointAt(0)!));
    if (value instanceof Set) return value.size < 2 && [...value].every(deterministic);
    if (value instanceof Complex) return !Object.is(value.imag, -0); // serpent writes "+-0.0j", which it cannot read back
    if (Array.isArray(value)) return value.every(deterministic);
    if (value instanceof Map) return [...value].every(([k, v]) => deterministic(k) && deterministic(v));
    if (value instanceof RemoteError) return deterministic([value.args, value.remoteTraceback]);
    if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof PyroURI)) {
      return Object.entries(value).every(([k, v]) => deterministic(k) && deterministic(v));
    }
    return true;
  };

  /** Both ways: each side reads the other's bytes as the value; identical bytes where serpent is deterministic. */
  async function agree(value: unknown, what: string): Promise<void> {
    const ours = encodeSerpent(value);
    const want = serpentView(value);
    const readByPython = await peer.loads(ours);
    assert.ok(samePythonValue(readByPython, want), `${what}: Python reads ${ours.toString()} as ${inspect(readByPython)}`);
    if (!deterministic(value)) return;
    const theirs = await peer.dumps(value);
    assert.equal(ours.toString('utf8'), theirs.toString('utf8'), `${what}: the bytes differ`);
    const readByUs = decodeSerpent(theirs);
    assert.ok(samePythonValue(readByUs, want), `${what}: we read ${theirs.toString()} differently`);
  }

  for (const [what, value] of CORPUS) {
    it(`agrees on ${what}`, async () => agree(value, what));
  }

  it('agrees on generated values, both ways', async () => {
    await fc.assert(fc.asyncProperty(serpentValue, (value) => agree(value, 'the value')), { numRuns: 300 });
  });

  it('reads what python3-serpent writes for what JS cannot make: sets in any order, integral floats, a float class dict', async () => {
    const read = decodeSerpent(await peer.dumps(new Set(['b', 'a', 'c']))) as Set<string>;
    assert.deepEqual([...read].sort(), ['a', 'b', 'c']);
    assert.deepEqual(parse("# serpent utf-8 python3.2\n[1.0,{'__class__':'float','value':'-inf'},{'__class__':'float','value':'nan'}]"), [1, -Infinity, NaN]);
  });

  it('writes the bytes dict as serpent does and serpentBytes reads it back', async () => {
    const dict = decodeSerpent(await peer.dumps(Buffer.from('\0bytes')));
    assert.deepEqual(dict, { data: 'AGJ5dGVz', encoding: 'base64' });
    assert.deepEqual(serpentBytes(dict), Buffer.from('\0bytes'));
  });
});

describe('rpc serpent codec on its own', () => {
  it('writes the header and Pyro4\'s classes as Pyro4 does', () => {
    assert.equal(text({ handshake: 'hello', object: 'x' }), "# serpent utf-8 python3.2\n{'handshake':'hello','object':'x'}");
    assert.equal(text(new ExceptionWrapper(new RemoteError('builtins.TypeError', ['t'], { traceback: ['tb\n'] }))),
      "# serpent utf-8 python3.2\n{'__class__':'Pyro4.futures._ExceptionWrapper','exception':{'__class__':'builtins.TypeError','__exception__':True,'args':('t',),'attributes':{'_pyroTraceback':['tb\\n']}}}");
  });

  it('escapes every space separator but the space (the Zs spelled out in the escaping regex)', () => {
    let separators = 0;
    for (let c = 0x80; c <= 0x10ffff; c++) {
      const ch = String.fromCodePoint(c);
      if (!/\p{Zs}/u.test(ch)) continue;
      separators++;
      assert.equal(pythonString(ch), c <= 0xff ? `'\\x${c.toString(16)}'` : `'\\u${c.toString(16).padStart(4, '0')}'`);
    }
    assert.ok(separators >= 16, `${separators} space separators`);
    assert.equal(pythonString(' '), "' '");
  });

  it('prints floats as Python\'s repr()', () => {
    const cases: [number, string][] = [[1.5, '1.5'], [1e16, '1e+16'], [1.5e16, '1.5e+16'], [9999999999999998, '9999999999999998.0'],
      [1e-4, '0.0001'], [1e-5, '1e-05'], [1.23e-100, '1.23e-100'], [-2.5e300, '-2.5e+300'], [0.1, '0.1']];
    for (const [value, repr] of cases) assert.equal(floatRepr(value), repr, String(value));
  });

  it('round-trips every generated value as serpent carries it', () => {
    fc.assert(fc.property(serpentValue, (value) => samePythonValue(decodeSerpent(encodeSerpent(value)), serpentView(value))), { numRuns: 500 });
  });

  it('keeps tuples as tuples (frozen arrays) and a __proto__ key as data', () => {
    const value = parse("((1,2),[3],{'__proto__':{'polluted':1}})") as unknown[];
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value[0]) && !Object.isFrozen(value[1]));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(text(value), "# serpent utf-8 python3.2\n((1,2),[3],{'__proto__':{'polluted':1}})");
  });

  it('reads Python literal forms serpent does not write but Python accepts', () => {
    assert.deepEqual(parse(" # a comment\n[1, 2,] # another\n"), [1, 2]);
    assert.deepEqual(parse("{'a': 1,}"), { a: 1 });
    assert.deepEqual(parse("(1)"), 1);
    assert.deepEqual(parse("[1_000, .5, 1., 1e3, +2, u'x', \"it's\"]"), [1000, 0.5, 1, 1000, 2, 'x', "it's"]);
    assert.deepEqual(parse("'\\x41\\u00e9\\U0001F600\\101\\q\\\n'"), 'Aé😀A\\q');
    assert.deepEqual(parse('-2j'), new Complex(-0, -2));
  });

  /** What must be refused, and the byte offset the error names. */
  const HOSTILE: [string, string | Buffer, number, RegExp][] = [
    ['a call of a builtin', "__import__('os').system('id')", 0, /name __import__/],
    ['a lambda', 'lambda: 1', 0, /lambda/],
    ['a name', '[1, os]', 4, /name os/],
    ['an attribute', "'x'.join", 3, /attribute/],
    ['a call of a literal', '[1](2)', 3, /call/],
    ['a subscript', '[1][0]', 3, /subscript/],
    ['an operator', '1 * 2', 2, /expected the end/],
    ['two signs', '--1', 1, /one sign/],
    ['a set call', 'set()', 0, /name set/],
    ['a string cut in its escape', "'abc\\x4", 4, /\\x escape/],
    ['a string cut at a backslash', "'abc\\", 4, /cut in its escape/],
    ['a string that does not end', "['abc", 1, /does not end/],
    ['a raw line break in a string', "'a\nb'", 0, /does not end/],
    ['a NUL in a string', "'a\0'", 2, /NUL/],
    ['a 100,000-digit integer', `[${'9'.repeat(100_000)}]`, 1, /4300 digits/],
    ['10,000 nested brackets', '['.repeat(10_000), 512, /nesting deeper than 512/],
    ['10,000 nested parentheses', '('.repeat(10_000), 512, /nesting/],
    ['invalid UTF-8', Buffer.from([0x27, 0x61, 0xc3, 0x28, 0x27]), 2, /UTF-8/],
    ['invalid UTF-8 after a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf, 0x31, 0xff]), 4, /UTF-8/],
    ['a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf, 0x31]), 0, /U\+FEFF/],
    ['an unhashable key', '{[1]: 2}', 1, /unhashable list/],
    ['a hexadecimal integer', '0x10', 0, /hexadecimal/],
    ['leading zeros', '007', 0, /leading zeros/],
    ['a bytes literal', "b'x'", 0, /name b/],
    ['a \\N escape', "'\\N{BULLET}'", 1, /\\N/],
    ['nothing after the header', '# serpent utf-8 python3.2\n', 26, /ends where a value should start/],
    ['an offset past a multi-byte character', "['é', x]", 7, /name x/],
  ];
  for (const [what, body, offset, message] of HOSTILE) {
    it(`refuses ${what} at byte ${offset}`, () => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      assert.throws(() => decodeSerpent(bytes), (error: unknown) => {
        assert.ok(error instanceof SerpentDecodeError, String(error));
        assert.equal(error.offset, offset, error.message);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('throws nothing but SerpentDecodeError for any input', () => {
    const literalish = fc.array(fc.constantFrom('(', ')', '[', ']', '{', '}', ',', ':', "'", '"', '\\', '1', '.', 'e', 'j', '-', '+', ' ', '#', '\n', 'None', 'x', 'u'), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), literalish), (junk) => {
      try {
        parse(junk);
      } catch (error) {
        assert.ok(error instanceof SerpentDecodeError, `${JSON.stringify(junk)}: ${String(error)}`);
      }
    }), { numRuns: 2000 });
  });

  it('refuses to write what serpent cannot carry', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const value of [() => 1, Symbol('s'), cyclic, new Set([null]), new Map([[[1], 2]]), new Set([Buffer.from('x')]), new Complex(NaN, 1)]) {
      assert.throws(() => encodeSerpent(value), TypeError);
    }
  });
});
