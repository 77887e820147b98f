import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { RequirementResult } from '../report/types';

/** One requirement of srs.json: what a report's RequirementResult says of it, and a note. */
export interface Requirement extends Pick<RequirementResult, 'id' | 'protocol' | 'level' | 'scope' | 'text' | 'source'> {
  note?: string;
  /** `client`: verified only by `conform --client` against a client under test; absent: by server runs. */
  target?: 'server' | 'client';
}

/** srs.json failed its schema, or names an id twice: the run stops with exit 3. */
export class InvalidSrsError extends Error {
  override name = 'InvalidSrsError';
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const SRS_PATH = path.join(PROJECT_ROOT, 'srs.json');

/** Loads srs.json and validates it against srs.schema.json with ajv; every run does this first. */
export function loadSrs(file = SRS_PATH): Requirement[] {
  const schema = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'srs.schema.json'), 'utf8'));
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidSrsError(`${file}: ${(err as Error).message}`);
  }
  const validate = new Ajv({ allErrors: true }).compile(schema);
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
