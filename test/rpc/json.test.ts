import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { decodeJson, encodeJson, exceptionDict, ExceptionWrapper, JsonDecodeError, MAX_DEPTH, MAX_INT_DIGITS, RemoteError } from '../../src/impl/rpc/json';
import { PyroURI } from '../../src/impl/rpc/uri';
import { wireValue } from './helpers';

const text = (value: unknown) => encodeJson(value).toString('utf8');
const parse = (json: string) => decodeJson(Buffer.from(json, 'utf8'));

describe('rpc json serializer (Pyro4 json conventions)', () => {
  it('round-trips every value it carries', () => {
    fc.assert(fc.property(wireValue, (value) => assert.deepStrictEqual(decodeJson(encodeJson(value)), value)), { numRuns: 400 });
  });

  it('reads what Python json writes: NaN, Infinity, big ints, floats stay floats, surrogate escapes', () => {
    assert.deepStrictEqual(parse('[NaN, Infinity, -Infinity, 1180591620717411303424, 1e+16, -0.0, 2.5, "\\ud83d\\ude00", "\\u00e9"]'),
      [NaN, Infinity, -Infinity, 1180591620717411303424n, 1e16, -0, 2.5, '😀', 'é']);
  });

  it('writes numbers so Python reads the same value back (unsafe integers and -0 as floats)', () => {
    assert.equal(text([1, 1e16, -0, NaN, -Infinity, 2n ** 64n]), '[1, 10000000000000000.0, -0.0, NaN, -Infinity, 18446744073709551616]');
  });

  it('keeps a "__proto__" key as data and pollutes nothing', () => {
    const decoded = parse('{"__proto__": {"polluted": 1}, "a": {"__proto__": []}}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(Object.keys(decoded), ['__proto__', 'a']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, { polluted: 1 });
    assert.equal(text(decoded), '{"__proto__": {"polluted": 1}, "a": {"__proto__": []}}');
  });

  it('encodes and recreates Pyro4.core.URI as a class dict with its state tuple', () => {
    const uri = PyroURI.parse('PYRO:obj@127.0.0.1:4444');
    assert.equal(text(uri), '{"__class__": "Pyro4.core.URI", "state": ["PYRO", "obj", null, "127.0.0.1", 4444]}');
    assert.deepEqual(decodeJson(encodeJson({ u: uri })), { u: uri });
  });

  it('encodes exceptions as Pyro4 does and recreates them as RemoteError', () => {
    const dict = exceptionDict(new RemoteError('builtins.ValueError', ['bad'], { traceback: ['line 1\n', 'line 2\n'] }));
    assert.deepEqual(dict, { __class__: 'builtins.ValueError', __exception__: true, args: ['bad'], attributes: { _pyroTraceback: ['line 1\n', 'line 2\n'] } });
    const error = decodeJson(encodeJson(dict)) as RemoteError;
    assert.ok(error instanceof RemoteError);
    assert.equal(error.pythonClass, 'builtins.ValueError');
    assert.equal(error.pythonName, 'ValueError');
    assert.deepEqual(error.args, ['bad']);
    assert.deepEqual(error.remoteTraceback, ['line 1\n', 'line 2\n']);
    assert.match(error.stack!, /Remote traceback:\n \| line 1\n \| line 2/);
  });

  it('maps JS errors to Python builtins a Pyro4 peer can recreate', () => {
    assert.equal(exceptionDict(new TypeError('x')).__class__, 'builtins.TypeError');
    assert.equal(exceptionDict(new RangeError('x')).__class__, 'builtins.ValueError');
    assert.equal(exceptionDict(new Error('x')).__class__, 'builtins.Exception');
    assert.deepEqual(exceptionDict('thrown string').args, ['thrown string']);
  });

  it('encodes and recreates a batch failure as Pyro4.futures._ExceptionWrapper', () => {
    const wrapped = decodeJson(encodeJson([1, new ExceptionWrapper(new TypeError('t'))])) as unknown[];
    assert.equal(wrapped[0], 1);
    assert.ok(wrapped[1] instanceof ExceptionWrapper);
    assert.equal(((wrapped[1] as ExceptionWrapper).exception as RemoteError).pythonClass, 'builtins.TypeError');
  });

  it('refuses what Pyro4 json cannot carry', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const value of [Buffer.from('x'), () => 1, Symbol('s'), cyclic]) assert.throws(() => encodeJson(value), TypeError);
  });

  it('reads integers up to Python\'s 4300 digits and refuses longer ones', () => {
    assert.deepEqual(parse(`[${'9'.repeat(MAX_INT_DIGITS)}]`), [10n ** BigInt(MAX_INT_DIGITS) - 1n]);
    assert.deepEqual(parse(`-${'9'.repeat(MAX_INT_DIGITS)}`), -(10n ** BigInt(MAX_INT_DIGITS) - 1n));
    assert.throws(() => parse(`[${'9'.repeat(MAX_INT_DIGITS + 1)}]`), /more than 4300 digits/);
    assert.throws(() => parse('1'.repeat(100_000)), JsonDecodeError);
  });

  it('rejects malformed input with JsonDecodeError, never anything else', () => {
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '"\u0001"', '"\\x"', 'nan', '01', '1 2', Buffer.from([0xc3, 0x28])]) {
      assert.throws(() => (typeof bad === 'string' ? parse(bad) : decodeJson(bad)), JsonDecodeError, String(bad));
    }
    assert.throws(() => parse('['.repeat(MAX_DEPTH + 2) + ']'.repeat(MAX_DEPTH + 2)), /nesting/);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (junk) => {
      try {
        parse(junk);
      } catch (error) {
        assert.ok(error instanceof JsonDecodeError, String(error));
      }
    }), { numRuns: 300 });
  });
});
