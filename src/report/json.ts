/**
 * report.json, schema 1: the machine-readable report scripts and CI pipelines read.
 * REPORT_SCHEMA is the contract of CONFORMANCE.md in JSON Schema form: a field added
 * to the report is added here too, and a changed field bumps `schema`. The optional
 * `robustness` and `security` sections (issue 7), the run's `error` and the `baseline`
 * marks (issue 13), and the load profile's fields of the robustness runs, section and
 * report (issue 12) are additive: still schema 1.
 */
import fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import type { Report } from './types';
import { UsageError } from '../conform/errors';

const VERDICTS = ['PASS', 'FAIL', 'NON-STRICT', 'INFO', 'UNSUPPORTED', 'ERROR'];
const count = { type: 'integer', minimum: 0 };
const milliseconds = { type: 'number', minimum: 0 };
const percent = { type: 'number', minimum: 0, maximum: 100 };

/** Builds a closed object schema: every listed property, `required` ones mandatory, nothing else. */
export function closedObject(properties: Record<string, object>, required: string[]) {
  return { type: 'object', properties, required, additionalProperties: false };
}

const traceEvent = closedObject(
  {
    t: milliseconds,
    conn: count,
    dir: { enum: ['TX', 'RX', 'EV'] },
    hex: { type: 'string', pattern: '^([0-9a-fA-F]{2})*$' },
    note: { type: 'string' },
  },
  ['t', 'conn', 'dir'],
);

const caseResult = closedObject(
  {
    name: { type: 'string', minLength: 1 },
    kind: { enum: ['scenario', 'property'] },
    verdict: { enum: VERDICTS },
    durationMs: milliseconds,
    message: { type: 'string' },
    trace: { type: 'array', items: traceEvent },
    counterexample: { type: 'string' },
    replay: { type: 'string' },
  },
  ['name', 'kind', 'verdict', 'durationMs'],
);

const requirementResult = closedObject(
  {
    id: { type: 'string', pattern: '^SRS-[A-Z0-9]+-[0-9]{3,}$' },
    protocol: { type: 'string', minLength: 1 },
    level: { enum: ['must', 'should', 'may'] },
    scope: { enum: ['core', 'app', 'client'] },
    text: { type: 'string' },
    source: { type: 'string' },
    verdict: { enum: [...VERDICTS, 'UNTRACED'] },
    cases: { type: 'array', items: caseResult },
    baseline: closedObject({ status: { enum: ['new', 'known', 'fixed'] }, reason: { type: 'string' } }, ['status']),
  },
  ['id', 'protocol', 'level', 'scope', 'text', 'source', 'verdict', 'cases'],
);

const passFail = { enum: ['PASS', 'FAIL'] };
/** "2/4", or "1-4/4" once merged. */
const shardLabel = { type: 'string', pattern: '^\\d+(-\\d+)?/\\d+$' };
const messageKeys = ['sent', 'answered', 'lost', 'duplicated', 'corrupted', 'reordered', 'unsent'];
const securityVerdict = { enum: ['PASS', 'FAIL', 'NOT RUN'] };
const strings = { type: 'array', items: { type: 'string' } };

const robustnessRun = closedObject(
  {
    protocol: { type: 'string', minLength: 1 },
    load: { type: 'string', minLength: 1 },
    count,
    unit: { type: 'string' },
    durationMs: milliseconds,
    rssBeforeMiB: { type: 'number', minimum: 0 },
    rssAfterMiB: { type: 'number', minimum: 0 },
    growthMiB: { type: 'number' },
    aliveBefore: { type: 'boolean' },
    aliveAfter: { type: 'boolean' },
    lostAccepted: count,
    verdict: { enum: ['PASS', 'FAIL', 'N/A', 'ERROR'] },
    note: { type: 'string' },
    startedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    shard: shardLabel,
    problems: strings,
    notRun: { type: 'string' },
    died: { type: 'string' },
    keeper: closedObject({ expected: count, lost: count, problem: { type: 'string' } }, ['expected', 'lost']),
    memory: { type: 'string' },
    messages: closedObject(
      { ...Object.fromEntries(messageKeys.map((key) => [key, count])), byPosition: { type: 'boolean' } },
      messageKeys,
    ),
    clients: closedObject({ total: count, served: count, failed: count, atOnce: count }, ['total', 'served', 'failed', 'atOnce']),
    throughput: closedObject({ messagesPerSecond: { type: 'number', minimum: 0 }, mibPerSecond: { type: 'number', minimum: 0 } }, ['messagesPerSecond', 'mibPerSecond']),
    latency: closedObject(
      {
        count,
        p50Ms: milliseconds,
        p99Ms: milliseconds,
        maxMs: milliseconds,
        histogram: { type: 'array', items: { type: 'array', items: count, minItems: 2, maxItems: 2 } },
      },
      ['count', 'p50Ms', 'p99Ms', 'maxMs', 'histogram'],
    ),
    repetitions: count,
    handled: count,
  },
  ['protocol', 'load', 'count', 'unit', 'durationMs', 'verdict', 'note'],
);

/** The robustness section (report.json `robustness`, and reports/robustness.json around it). */
export const ROBUSTNESS_SECTION = closedObject(
  {
    seed: { type: 'integer' },
    growthLimitMiB: { type: 'number', minimum: 0 },
    durationMs: milliseconds,
    verdict: passFail,
    runs: { type: 'array', items: robustnessRun },
    target: { type: 'string' },
    memory: { type: 'string' },
    shard: shardLabel,
  },
  ['seed', 'growthLimitMiB', 'durationMs', 'verdict', 'runs'],
);

/** reports/robustness.json, its own schema 1: the section, and when it was written. */
export const ROBUSTNESS_FILE_SCHEMA = closedObject(
  { schema: { const: 1 }, written: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' }, ...ROBUSTNESS_SECTION.properties },
  ['schema', 'written', ...ROBUSTNESS_SECTION.required],
);

const SECURITY_SECTION = closedObject(
  {
    verdict: passFail,
    bindAddresses: {
      type: 'array',
      items: closedObject(
        { protocol: { type: 'string' }, defaultHost: { type: 'string' }, listening: strings, verdict: securityVerdict, note: { type: 'string' } },
        ['protocol', 'defaultHost', 'listening', 'verdict'],
      ),
    },
    attempts: {
      type: 'array',
      items: closedObject(
        {
          name: { type: 'string' },
          requirements: strings,
          variants: count,
          refused: count,
          minimumVariants: count,
          byRequirement: { type: 'array', items: closedObject({ id: { type: 'string' }, variants: count, refused: count }, ['id', 'variants', 'refused']) },
          variantNames: strings,
          notRefused: strings,
          properties: { type: 'array', items: closedObject({ name: { type: 'string' }, verdict: { enum: VERDICTS } }, ['name', 'verdict']) },
          verdict: securityVerdict,
        },
        ['name', 'requirements', 'variants', 'refused', 'minimumVariants', 'byRequirement', 'variantNames', 'notRefused', 'properties', 'verdict'],
      ),
    },
    evaluation: closedObject(
      {
        files: count,
        patterns: strings,
        findings: {
          type: 'array',
          items: closedObject(
            { file: { type: 'string' }, line: { type: 'integer', minimum: 1 }, pattern: { type: 'string' }, text: { type: 'string' }, explained: { type: 'string' } },
            ['file', 'line', 'pattern', 'text'],
          ),
        },
        verdict: securityVerdict,
      },
      ['files', 'patterns', 'findings', 'verdict'],
    ),
  },
  ['verdict', 'bindAddresses', 'attempts', 'evaluation'],
);

const summaryKeys = ['pass', 'fail', 'nonStrict', 'info', 'unsupported', 'error', 'untraced'];
const coverageKeys = ['lines', 'statements', 'functions', 'branches'];

export const REPORT_SCHEMA = closedObject(
  {
    schema: { const: 1 },
    suite: closedObject({ version: { type: 'string' }, commit: { type: 'string' } }, ['version', 'commit']),
    target: { type: 'string' },
    seed: { type: 'integer' },
    started: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' },
    durationMs: milliseconds,
    requirements: { type: 'array', items: requirementResult },
    summary: closedObject(Object.fromEntries(summaryKeys.map((key) => [key, count])), summaryKeys),
    coverage: closedObject(Object.fromEntries(coverageKeys.map((key) => [key, percent])), coverageKeys),
    robustness: ROBUSTNESS_SECTION,
    security: SECURITY_SECTION,
    error: closedObject(
      {
        exit: { enum: [2, 3] },
        kind: { enum: ['usage', 'invalid-srs', 'invalid-baseline', 'unreachable', 'target-died', 'case-errors', 'suite'] },
        message: { type: 'string' },
      },
      ['exit', 'kind', 'message'],
    ),
    baseline: closedObject(
      { source: { type: 'string' }, strict: { type: 'boolean' }, new: count, known: count, fixed: count },
      ['source', 'strict', 'new', 'known', 'fixed'],
    ),
    shard: shardLabel,
    exitCode: { type: 'integer', minimum: 0, maximum: 3 },
  },
  ['schema', 'suite', 'target', 'seed', 'started', 'durationMs', 'requirements', 'summary', 'exitCode'],
);

/** A report.json that does not match REPORT_SCHEMA; the message lists each failing path. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

const validators = new Map<object, ValidateFunction>();

/** Errors of `value` against `schema` as `path: message` lines; empty when it is valid. */
export function schemaErrors(schema: object, value: unknown): string[] {
  let validator = validators.get(schema);
  if (!validator) validators.set(schema, (validator = new Ajv({ allErrors: true }).compile(schema)));
  if (validator(value)) return [];
  return (validator.errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
  });
}

/** Schema errors as `path: message` lines, empty when the value is a valid schema-1 report. */
export function reportSchemaErrors(value: unknown): string[] {
  return schemaErrors(REPORT_SCHEMA, value);
}

/** The same for reports/robustness.json. */
export function robustnessFileErrors(value: unknown): string[] {
  return schemaErrors(ROBUSTNESS_FILE_SCHEMA, value);
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** A parsed report.json checked against schema 1; throws ReportFormatError. */
export function asReport(value: unknown): Report {
  const errors = reportSchemaErrors(value);
  if (errors.length > 0) throw new ReportFormatError(`report.json does not match schema 1:\n${errors.join('\n')}`);
  return value as Report;
}

/** Reads a report.json back from its text; throws ReportFormatError. */
export function parseReport(text: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportFormatError(`report.json is not JSON: ${(err as Error).message}`);
  }
  return asReport(value);
}

/** Reads the report.json a command was given (compare, merge): a file it cannot read or that is no report is a usage error (exit 3). */
export function readReport(file: string): Report {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseReport(text);
  } catch (err) {
    if (err instanceof ReportFormatError) throw new UsageError(`${file} is not a wireproof report.json: ${err.message}`);
    throw err;
  }
}
