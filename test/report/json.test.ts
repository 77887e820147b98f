import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReportFormatError, parseReport, readReport, renderJson, reportSchemaErrors } from '../../src/report/json';
import { UsageError } from '../../src/conform/errors';
import { sampleReport } from './sample';

test('report.json round-trips to the same report', () => {
  const report = sampleReport();
  const text = renderJson(report);
  assert.deepEqual(JSON.parse(text), report);
  assert.deepEqual(parseReport(text), report);
  assert.ok(text.endsWith('}\n'));
});

test('report.json has exactly the schema-1 fields', () => {
  const parsed = JSON.parse(renderJson(sampleReport()));
  assert.deepEqual(Object.keys(parsed).sort(), [
    'coverage', 'durationMs', 'exitCode', 'requirements', 'schema', 'seed', 'started', 'suite', 'summary', 'target',
  ]);
  assert.equal(parsed.schema, 1);
  assert.deepEqual(Object.keys(parsed.suite).sort(), ['commit', 'version']);
  assert.deepEqual(Object.keys(parsed.summary).sort(), ['error', 'fail', 'info', 'nonStrict', 'pass', 'unsupported', 'untraced']);
  assert.deepEqual(Object.keys(parsed.requirements[0]).sort(), ['cases', 'id', 'level', 'protocol', 'scope', 'source', 'text', 'verdict']);
  const property = parsed.requirements.find((r: { id: string }) => r.id === 'SRS-LENMSG-002').cases[0];
  assert.deepEqual(Object.keys(property).sort(), ['counterexample', 'durationMs', 'kind', 'message', 'name', 'replay', 'trace', 'verdict']);
  assert.deepEqual(reportSchemaErrors(parsed), []);
});

test('the schema names the path of every deviation', () => {
  const report = structuredClone(sampleReport()) as unknown as Record<string, any>; // its traces are shared constants
  report.requirements[1].cases[1].verdict = 'MAYBE';
  report.requirements[1].cases[1].trace[1].hex = 'xyz';
  delete report.summary.untraced;
  report.extra = true;
  const errors = reportSchemaErrors(report);
  assert.ok(errors.some((e) => e.startsWith('/requirements/1/cases/1/verdict:')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('/requirements/1/cases/1/trace/1/hex:')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('/summary:') && e.includes('untraced')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('/:') && e.includes('(extra)')), errors.join('\n'));
});

test('parseReport rejects text that is not a schema-1 report', () => {
  assert.throws(() => parseReport('{'), ReportFormatError);
  assert.throws(() => parseReport(JSON.stringify({ ...sampleReport(), schema: 2 })), /\/schema: must be equal to constant/);
});

test('readReport reads a report.json file; one it cannot read or that is no report is a usage error', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-read-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'report.json');
  fs.writeFileSync(good, renderJson(sampleReport()));
  assert.deepEqual(readReport(good), sampleReport());
  const notJson = path.join(dir, 'broken.json');
  fs.writeFileSync(notJson, '{');
  assert.throws(() => readReport(notJson), (err: Error) => err instanceof UsageError && err.message.startsWith(`${notJson} is not a wireproof report.json: report.json is not JSON`));
  assert.throws(() => readReport(path.join(dir, 'missing.json')), (err: Error) => err instanceof UsageError && /^cannot read .*missing\.json: ENOENT/.test(err.message));
});
