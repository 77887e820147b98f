import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { RequirementResult } from '../report/types';
import { InvalidSrsError } from './errors';

/** One requirement of srs.json: what a report's RequirementResult says of it, and a note. */
export interface Requirement extends Pick<RequirementResult, 'id' | 'protocol' | 'level' | 'scope' | 'text' | 'source'> {
  note?: string;
  /** `client`: verified only by `conform --client` against a client under test; absent: by server runs. */
  target?: 'server' | 'client';
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const SRS_PATH = path.join(PROJECT_ROOT, 'srs.json');

const SCHEMA_PATH = path.join(PROJECT_ROOT, 'srs.schema.json');
/** srs.schema.json compiled to JavaScript by the build (build.js): ajv's standalone code, no ajv at run time. */
const PRECOMPILED_SCHEMA = path.join(__dirname, 'srs-schema.js');

function compileSchema(source: boolean) {
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: true, code: { source } });
  return { ajv, validate: ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'))) };
}

/** The module the build writes to dist/conform/srs-schema.js: the check of srs.schema.json as plain JavaScript. */
export function precompiledSchemaSource(): string {
  const { ajv, validate } = compileSchema(true);
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  return standaloneCode(ajv, validate);
}

let schemaCheck: ValidateFunction | undefined;

/** The build's precompiled check where there is one (compiling the schema costs a start-up ajv's load and codegen), else ajv's. */
function validator(): ValidateFunction {
  schemaCheck ??= fs.existsSync(PRECOMPILED_SCHEMA) ? (require(PRECOMPILED_SCHEMA) as ValidateFunction) : compileSchema(false).validate;
  return schemaCheck;
}

/** Loads srs.json and validates it against srs.schema.json with ajv; every run does this first. */
export function loadSrs(file = SRS_PATH): Requirement[] {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidSrsError(`${file}: ${(err as Error).message}`);
  }
  const validate = validator();
  if (!validate(data)) {
    const errors = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new InvalidSrsError(`${file} is invalid: ${errors}`);
  }
  const requirements = (data as { requirements: Requirement[] }).requirements;
  const seen = new Set<string>();
  for (const req of requirements) {
    if (seen.has(req.id)) throw new InvalidSrsError(`${file}: ${req.id} appears twice`);
    if (!req.id.startsWith(`SRS-${req.protocol.toUpperCase()}-`)) {
      throw new InvalidSrsError(`${file}: ${req.id} does not match its protocol "${req.protocol}"`);
    }
    seen.add(req.id);
  }
  return requirements;
}
