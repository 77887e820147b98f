/**
 * Debian's python3-serpent as Pyro4 uses it, in one long-lived subprocess
 * (serpent_peer.py): the witness the serpent codec is compared with, by the tests and the bench.
 * Values cross as tagged JSON, so that every Python type survives: int vs float, -0.0, NaN,
 * tuples, sets, bytes, complex, lone surrogates.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

import { RemoteError } from '../json';
import { PyroURI } from '../uri';
import { Complex, isTuple } from '../values';
import { SYSTEM_PYTHON } from './launch';

export const SERPENT_PEER = path.join(__dirname, 'serpent_peer.py');

/** A value as serpent_peer.py reads and writes it (see there). */
export type Tagged = [string, ...unknown[]];

const doubleHex = (value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value);
  return bytes.toString('hex');
};

/** The Python value a JS value stands for, as the serpent writer maps it (a safe integer is an int, other numbers floats). */
export function toTagged(value: unknown): Tagged {
  if (value === null || value === undefined) return ['none'];
  switch (typeof value) {
    case 'boolean': return ['bool', value];
    case 'bigint': return ['int', value.toString()];
    case 'number': return Number.isSafeInteger(value) && !Object.is(value, -0) ? ['int', String(value)] : ['float', doubleHex(value)];
    case 'string': return ['str', value];
  }
  if (value instanceof Uint8Array) return ['bytes', Buffer.from(value).toString('base64')];
  if (value instanceof Complex) return ['complex', doubleHex(value.real), doubleHex(value.imag)];
  if (value instanceof PyroURI) return ['uri', value.toString()];
  if (value instanceof RemoteError) {
    const attributes = Object.entries({ ...value.attributes, _pyroTraceback: value.remoteTraceback });
    return ['exception', value.pythonClass, value.args.map(toTagged), attributes.map(([k, v]) => [k, toTagged(v)])];
  }
  if (Array.isArray(value)) return [isTuple(value) ? 'tuple' : 'list', value.map(toTagged)];
  if (value instanceof Set) return ['set', [...value].map(toTagged)];
  const entries = value instanceof Map ? [...value] : Object.entries(value as object);
  return ['dict', entries.map(([k, v]) => [toTagged(k), toTagged(v)])];
}

/** The JS value the serpent reader gives for a Python value (ints and floats both numbers, a tuple frozen, a dict of str keys an object). */
export function fromTagged(tagged: Tagged): unknown {
  const [kind, a, b, c] = tagged as [string, unknown, unknown, unknown];
  switch (kind) {
    case 'none': return null;
    case 'bool': return a;
    case 'int': {
      const big = BigInt(a as string);
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case 'float': return Buffer.from(a as string, 'hex').readDoubleBE();
    case 'str': return a;
    case 'bytes': return Buffer.from(a as string, 'base64');
    case 'list': return (a as Tagged[]).map(fromTagged);
    case 'tuple': return Object.freeze((a as Tagged[]).map(fromTagged));
    case 'set': return new Set((a as Tagged[]).map(fromTagged));
    case 'complex': return new Complex(Buffer.from(a as string, 'hex').readDoubleBE(), Buffer.from(b as string, 'hex').readDoubleBE());
    case 'uri': return PyroURI.parse(a as string);
    case 'exception': {
      const attributes = Object.fromEntries((c as [string, Tagged][]).map(([k, v]) => [k, fromTagged(v)]));
      const traceback = attributes._pyroTraceback as string[] | undefined;
      delete attributes._pyroTraceback;
      return new RemoteError(String(a), (b as Tagged[]).map(fromTagged), { traceback, attributes });
    }
    case 'dict': {
      const entries = (a as [Tagged, Tagged][]).map(([k, v]) => [fromTagged(k), fromTagged(v)] as [unknown, unknown]);
      if (!entries.every(([k]) => typeof k === 'string')) return new Map(entries);
      const dict: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(dict, k as string, { value: v, writable: true, enumerable: true, configurable: true });
      return dict;
    }
  }
  throw new Error(`unknown tag ${kind}`);
}

export interface SerpentPeer {
  /** Pyro4's serpent bytes for the value (rejects with Python's error text). */
  dumps(value: unknown): Promise<Buffer>;
  /** What Pyro4's serpent loads reads from the bytes. */
  loads(bytes: Uint8Array): Promise<unknown>;
  /** Ranges of code points past ASCII that Python's repr() escapes (its Unicode tables, not Node's). */
  nonPrintable(): Promise<[number, number][]>;
  /** Python's time for `count` dumps and `count` loads of the value. */
  time(value: unknown, count: number): Promise<{ dumps_ns: number; loads_ns: number; bytes: number }>;
  stop(): Promise<void>;
}

/** Starts serpent_peer.py; requests are answered in order, one at a time. */
export function startSerpentPeer(): SerpentPeer {
  const child: ChildProcessWithoutNullStreams = spawn(SYSTEM_PYTHON, [SERPENT_PEER]);
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(request: object): Promise<T> => {
    const asked = queue.then(async () => {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error(`serpent_peer.py exited: ${errors}`);
      const reply = JSON.parse(value as string) as { ok?: T; error?: string };
      if (reply.error !== undefined) throw new Error(`python3-serpent: ${reply.error}`);
      return reply.ok as T;
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
  return {
    dumps: async (value) => Buffer.from(await ask<string>({ op: 'dumps', value: toTagged(value) }), 'base64'),
    loads: async (bytes) => fromTagged(await ask<Tagged>({ op: 'loads', data: Buffer.from(bytes).toString('base64') })),
    nonPrintable: () => ask({ op: 'nonprintable' }),
    time: (value, count) => ask({ op: 'time', value: toTagged(value), n: count }),
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
