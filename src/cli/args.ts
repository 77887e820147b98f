import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../conform/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with every mistake turned into a UsageError (exit 3) and --help everywhere. */
export function parseCommand<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function toNumber(name: string, value: string | undefined, { min = -Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} expects ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}, got "${value}"`);
  }
  return n;
}

/** --seed, or a fresh one: every run prints its seed, so any run can be replayed. */
export function seedOption(value: string | undefined): number {
  return toNumber('seed', value, { integer: true }) ?? (Math.random() * 2 ** 31) | 0;
}

/** Repeated --protocol values, each a known protocol; all of them when none is given. */
export function protocolsOption(values: string[] | undefined, known: readonly string[]): string[] {
  for (const name of values ?? []) if (!known.includes(name)) throw new UsageError(`unknown protocol "${name}" (known: ${known.join(', ')})`);
  return values ?? [...known];
}
