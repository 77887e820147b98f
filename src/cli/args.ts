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
