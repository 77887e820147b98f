import { UsageError } from '../conform/errors';
import { fieldProblem, TOXIC_FIELDS, validateToxic, type Direction, type ToxicSpec, type ToxicType } from './toxics';

/** The short keys of a --toxic spec and the fields they set. */
const KEYS: Record<string, string> = {
  ms: 'ms',
  jitter: 'jitter',
  rate: 'bytesPerSecond',
  size: 'averageSize',
  variation: 'sizeVariation',
  delay: 'delayMs',
  after: 'afterBytes',
};

const DIRECTIONS: Record<string, Direction> = { up: 'upstream', down: 'downstream' };

export const TOXIC_SYNTAX = `  SPEC is [up:|down:]NAME[:KEY=VALUE,...]; up: client->server only, down: server->client only, both without a prefix.
    latency:ms=50,jitter=10            every chunk arrives ms +/- jitter later
    bandwidth:rate=65536               at most rate bytes per second
    slicer:size=8,variation=4,delay=1  chunks cut into size +/- variation bytes, delay ms apart
    reset:after=1000                   RST both peers once N bytes have passed
    stall:after=0                      nothing passes after N bytes, the connection stays open
    close:after=500                    FIN both peers once N bytes have passed (limit_data)`;

/** Parses one --toxic spec such as `down:latency:ms=50,jitter=10`; a UsageError (exit 3) says what is wrong. */
export function parseToxic(text: string): ToxicSpec {
  const fail = (why: string): never => {
    throw new UsageError(`bad --toxic "${text}": ${why}`);
  };
  const parts = text.trim().split(':');
  const direction = Object.hasOwn(DIRECTIONS, parts[0]) ? DIRECTIONS[parts.shift()!] : undefined;
  if (parts.length > 2) fail('expected [up:|down:]NAME[:KEY=VALUE,...]');
  const [type, params = ''] = parts;
  if (!Object.hasOwn(TOXIC_FIELDS, type)) fail(`unknown toxic "${type}" (known: ${Object.keys(TOXIC_FIELDS).join(', ')})`);
  const fields = TOXIC_FIELDS[type as ToxicType];
  const known = Object.keys(KEYS).filter((key) => Object.hasOwn(fields, KEYS[key]));
  const spec: Record<string, unknown> = { type, ...(direction && { direction }) };
  for (const pair of params.split(',').filter((p) => p !== '')) {
    const m = /^([a-z]+)=(.*)$/.exec(pair);
    if (!m) fail(`"${pair}" is not KEY=VALUE`);
    const [, key, value] = m!;
    if (!known.includes(key)) fail(`${type} takes ${known.join(', ')}, not "${key}"`);
    if (spec[KEYS[key]] !== undefined) fail(`${key} given twice`);
    const problem = /^\d+(\.\d+)?$/.test(value) ? fieldProblem(fields[KEYS[key]], Number(value)) : 'must be a number';
    if (problem) fail(`${key} ${problem}, got "${value}"`);
    spec[KEYS[key]] = Number(value);
  }
  for (const key of known) {
    if (fields[KEYS[key]].required && spec[KEYS[key]] === undefined) fail(`${type} needs ${key}=`);
  }
  return validateToxic(spec as ToxicSpec);
}
