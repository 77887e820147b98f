/**
 * The serializers wireproof speaks, by Pyro4's ids: serpent (1, Pyro4's default) and json
 * (2). A message's serializer id says how its body is written; a daemon answers each
 * request in the serializer it came in, as Pyro4 does.
 */
import { decodeJson, type DecodeOptions, encodeJson } from './json';
import { SERIALIZER_JSON, SERIALIZER_SERPENT } from './message';
import { decodeSerpent, encodeSerpent } from './serpent';
import { tuple } from './values';

export type SerializerName = 'serpent' | 'json';
export const SERIALIZER_NAMES: readonly SerializerName[] = ['serpent', 'json'];

/** One INVOKE's parts, as Pyro4's dumpsCall writes them and loadsCall reads them. */
export interface CallData {
  object: unknown;
  method: unknown;
  params: unknown;
  kwargs: unknown;
}

export interface Serializer {
  readonly name: SerializerName;
  /** Pyro4's serializer id, in every message header. */
  readonly id: number;
  encode(value: unknown): Buffer;
  /** Throws JsonDecodeError or SerpentDecodeError for a body that is not this serializer's. */
  decode(bytes: Uint8Array, options?: DecodeOptions): unknown;
  /** Pyro4's dumpsCall: the body of an INVOKE (params a tuple for a call, a list for a batch, as Pyro4 passes them). */
  encodeCall(call: CallData): Buffer;
  /** Pyro4's loadsCall: the four parts of a decoded INVOKE body, or undefined when it has another shape. */
  callOf(body: unknown): CallData | undefined;
}

/** A plain object: a dict as the serializers decode one. */
export const isDict = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

export const JSON_SERIALIZER: Serializer = {
  name: 'json',
  id: SERIALIZER_JSON,
  encode: encodeJson,
  decode: decodeJson,
  /** `{"object": ..., "method": ..., "params": [...], "kwargs": {...}}`. */
  encodeCall: ({ object, method, params, kwargs }) => encodeJson({ object, method, params, kwargs }),
  callOf: (body) => (isDict(body) ? { object: body.object, method: body.method, params: body.params, kwargs: body.kwargs } : undefined),
};

export const SERPENT_SERIALIZER: Serializer = {
  name: 'serpent',
  id: SERIALIZER_SERPENT,
  encode: encodeSerpent,
  decode: decodeSerpent,
  /** `(object, method, params, kwargs)`: Pyro4 passes a call's positional arguments as a tuple, a batch's calls as a list of tuples. */
  encodeCall: ({ object, method, params, kwargs }) => encodeSerpent(tuple(object, method, params, kwargs)),
  callOf: (body) => (Array.isArray(body) && body.length === 4 ? { object: body[0], method: body[1], params: body[2], kwargs: body[3] } : undefined),
};

const BY_ID: ReadonlyMap<number, Serializer> = new Map([SERPENT_SERIALIZER, JSON_SERIALIZER].map((s) => [s.id, s]));
const BY_NAME: ReadonlyMap<string, Serializer> = new Map([SERPENT_SERIALIZER, JSON_SERIALIZER].map((s) => [s.name, s]));

/** The serializer of a message's id, or undefined for one wireproof does not speak (marshal, pickle, ...). */
export function serializerById(id: number): Serializer | undefined {
  return BY_ID.get(id);
}

export function serializerByName(name: string): Serializer {
  const serializer = BY_NAME.get(name);
  if (!serializer) throw new TypeError(`unknown serializer ${JSON.stringify(name)} (known: ${SERIALIZER_NAMES.join(', ')})`);
  return serializer;
}
