import { Exposure } from './exposed';
import { RemoteError } from './json';
import { Complex, isTuple, tuple } from './values';

/** Object id (and name server name) of the conformance test object. */
export const ECHO_OBJECT_ID = 'wireproof.echo';

function typeError(message: string): RemoteError {
  return new RemoteError('builtins.TypeError', [message]);
}

function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Complex) return 'complex';
  if (value instanceof Set) return 'set';
  if (isTuple(value)) return 'tuple';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** Python's `a + b` for what json and serpent carry: numbers (int, float, complex), str, list, tuple. */
export function pythonAdd(a: unknown, b: unknown): unknown {
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
  if ((a instanceof Complex || numeric(a)) && (b instanceof Complex || numeric(b)) && (a instanceof Complex || b instanceof Complex)) {
    const [x, y] = [a, b].map((v) => (v instanceof Complex ? v : new Complex(Number(v), 0)));
    return new Complex(x.real + y.real, x.imag + y.imag);
  }
  if (numeric(a) && numeric(b)) {
    // A JS number past 2^53 is a float to Python (json.ts writes it so).
    const bothInt = [a, b].every((v) => typeof v !== 'number' || Number.isSafeInteger(v));
    if (!bothInt) return Number(a) + Number(b);
    const sum = BigInt(a as number) + BigInt(b as number);
    return sum >= BigInt(Number.MIN_SAFE_INTEGER) && sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum;
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) return isTuple(a) ? tuple(...a, ...b) : [...a, ...b];
  throw typeError(`unsupported operand type(s) for +: '${pythonType(a)}' and '${pythonType(b)}'`);
}

/** The conformance test object `wireproof.echo` (PROTOCOLS.md §5); the same object as pyro4/echo_server.py. */
export class EchoObject {
  private recorded: unknown = null;

  echo(value: unknown): unknown {
    return value;
  }

  add(a: unknown, b: unknown): unknown {
    return pythonAdd(a, b);
  }

  fail(message: unknown): never {
    throw new RemoteError('builtins.ValueError', [message]);
  }

  record(value: unknown): void {
    this.recorded = value;
  }

  last(): unknown {
    return this.recorded;
  }

  kwargs(keywords: Record<string, unknown>): Record<string, unknown> {
    return keywords;
  }

  /** Not exposed: calling it remotely must fail and change nothing. */
  hidden(): string {
    this.recorded = 'hidden() was called';
    return 'hidden';
  }
}

export const ECHO_EXPOSURE: Exposure = {
  methods: { echo: ['value'], add: ['a', 'b'], fail: ['message'], record: ['value'], last: [], kwargs: ['**kw'] },
  oneway: ['record'],
};
