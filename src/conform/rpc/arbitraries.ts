/** Generators of the rpc properties: json values, calls of wireproof.echo, hostile names. */
import fc from 'fast-check';
import type { SerializerName } from '../../impl/rpc/serializers';
import { Complex } from '../../impl/rpc/values';
import { CORRUPTIONS } from './hostile';
import { anyText } from '../arbitraries';

/** Keys every JS object inherits or treats specially: data like any other in a Pyro4 json body. */
export const TRICKY_KEYS = ['__proto__', 'constructor', 'toString', 'prototype', '__class__x', 'hasOwnProperty'];

/** Values Pyro4 json carries both ways without loss in JS terms (no `__class__` key: Pyro4 would recreate a class). */
export const wireValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double().filter((d) => !Number.isInteger(d) || !Number.isSafeInteger(d) || Object.is(d, -0)),
    fc.bigInt().filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER)),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ unit: 'grapheme' }).filter((k) => k !== '__class__'), fc.constantFrom(...TRICKY_KEYS)),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
  ),
})).value;

export const corruptionName = fc.constantFrom(...Object.keys(CORRUPTIONS));

/**
 * Names that must never reach a method: hidden(), private and dunder names, what every
 * JS object inherits, and near misses of exposed names.
 */
export const FORBIDDEN_NAMES = [
  'hidden', '_last', '_recorded', 'recorded', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__defineSetter__', '__lookupGetter__',
  '__class__', '__init__', '__dict__', '__getattribute__', '__reduce__', '__del__', 'echo.__class__', 'Echo', 'ECHO',
  'echo ', '', 'then', 'prototype', '__getstate__', '__module__',
];

export const forbiddenName = fc.oneof(
  fc.constantFrom(...FORBIDDEN_NAMES),
  fc.stringMatching(/^_[a-zA-Z_]{0,10}$/),
);

const hashableKey = fc.oneof(fc.maxSafeInteger(), fc.array(fc.string(), { maxLength: 2 }).map((items) => Object.freeze(items)));

/** Strings that exercise Python's repr(): quotes, backslashes, controls, lone surrogates, any plane. */
const pythonText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  anyText(),
  fc.array(fc.constantFrom("'", '"', '\\', '\n', '\r', '\t', '\0', '\x7f', '\x85', '\xa0', '\u2028', '\ud800', '\udfff', '\ufeff', 'a', '\u20ac'), { maxLength: 8 })
    .map((parts) => parts.join('')),
);

/**
 * Values serpent carries (wireValue, plus what json cannot: any float, tuples, sets,
 * bytes, complex numbers, dicts with int and tuple keys). Set items and non-str keys
 * are kept to kinds that compare alike in Python and JS (str, int, tuples of str).
 */
export const serpentValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double(),
    fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }),
    pythonText,
    fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
    fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([real, imag]) => new Complex(real, imag)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => Object.freeze(items)),
    fc.oneof(fc.uniqueArray(fc.string(), { maxLength: 4 }), fc.uniqueArray(fc.maxSafeInteger(), { maxLength: 4 })).map((items) => new Set<unknown>(items)),
    fc.dictionary(
      fc.oneof(pythonText.filter((k) => k !== '__class__'), fc.constantFrom(...TRICKY_KEYS)),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
    fc.uniqueArray(fc.tuple(hashableKey, tie('value')), { maxLength: 3, selector: ([key]) => JSON.stringify(key) })
      .map((entries) => new Map<unknown, unknown>(entries)),
  ),
})).value;

/** One call of wireproof.echo, in a serializer, whose answer the model knows (see properties.ts expectedReply). */
export type EchoCall = { serializer: SerializerName } & (
  | { method: 'echo'; params: [unknown] }
  | { method: 'add'; params: [number, number] | [string, string] }
  | { method: 'fail'; params: [string] }
  | { method: 'kwargs'; kwargs: Record<string, unknown> }
);

/** Calls in one serializer, echo() and kwargs() carrying the values it carries. */
function callsIn(serializer: SerializerName, value: fc.Arbitrary<unknown>): fc.Arbitrary<EchoCall> {
  return fc.oneof(
    value.map((v) => ({ serializer, method: 'echo' as const, params: [v] as [unknown] })),
    fc.tuple(fc.integer(), fc.integer()).map((p) => ({ serializer, method: 'add' as const, params: p as [number, number] })),
    fc.tuple(fc.string(), fc.string()).map((p) => ({ serializer, method: 'add' as const, params: p as [string, string] })),
    fc.string().map((m) => ({ serializer, method: 'fail' as const, params: [m] as [string] })),
    fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.constantFrom('__proto__', 'constructor')), value, { maxKeys: 3, noNullPrototype: true })
      .map((kwargs) => ({ serializer, method: 'kwargs' as const, kwargs })),
  );
}

export const echoCall: fc.Arbitrary<EchoCall> = fc.oneof(callsIn('json', wireValue), callsIn('serpent', serpentValue));

/** A serializer wireproof speaks, for properties that try both. */
export const serializerName = fc.constantFrom<SerializerName>('json', 'serpent');

/**
 * What serpent carries of a JS value, as its reader gives it back: bytes become serpent's
 * base-64 dict, an empty set the empty tuple, a Map without entries an empty dict, and a
 * complex number's parts what Python reads from the text the writer makes of them.
 */
export function serpentView(value: unknown): unknown {
  if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value); // an int that fits a number reads back as one
  if (value instanceof Uint8Array) return { data: Buffer.from(value).toString('base64'), encoding: 'base64' };
  if (value instanceof Complex) {
    const plus = value.imag > 0 || Object.is(value.imag, 0);
    return new Complex(plus ? value.real + 0 : value.real - 0, Object.is(value.imag, -0) ? 0 : value.imag);
  }
  if (Array.isArray(value)) {
    const items = value.map(serpentView);
    return Object.isFrozen(value) ? Object.freeze(items) : items;
  }
  if (value instanceof Set) return value.size === 0 ? Object.freeze([]) : new Set([...value].map(serpentView));
  if (value instanceof Map) {
    if (value.size === 0) return {};
    return new Map([...value].map(([k, v]) => [serpentView(k), serpentView(v)]));
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: serpentView(v), writable: true, enumerable: true, configurable: true });
    return out;
  }
  return value;
}
