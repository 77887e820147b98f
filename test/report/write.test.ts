import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReport } from '../../src/report/json';
import { FORMATS, UnknownFormatError, parseFormats, writeReports } from '../../src/report/write';
import { sampleReport } from './sample';

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wireproof-reports-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('writes every format into a directory it creates', () =>
  inTempDir(async (root) => {
    const dir = join(root, 'nested', 'reports');
    const paths = await writeReports(sampleReport(), dir, FORMATS);
    assert.deepEqual(paths, ['report.json', 'report.html', 'report.md', 'junit.xml'].map((file) => join(dir, file)));
    assert.deepEqual(parseReport(await readFile(paths[0], 'utf8')), sampleReport());
    assert.match(await readFile(paths[1], 'utf8'), /^<!doctype html>/);
    assert.match(await readFile(paths[2], 'utf8'), /^## wireproof verification report/);
    assert.match(await readFile(paths[3], 'utf8'), /<property name="strict" value="false"\/>/);
  }));

test('writes only the chosen formats, once each, and passes strict to junit', () =>
  inTempDir(async (dir) => {
    const paths = await writeReports(sampleReport(), dir, ['junit', 'md', 'junit'], { strict: true });
    assert.deepEqual(paths, [join(dir, 'junit.xml'), join(dir, 'report.md')]);
    assert.deepEqual((await readdir(dir)).sort(), ['junit.xml', 'report.md']);
    assert.match(await readFile(paths[0], 'utf8'), /type="NON-STRICT"/);
  }));

test('parseFormats reads a --format list', () => {
  assert.deepEqual(parseFormats('json, md,json'), ['json', 'md']);
  assert.deepEqual(parseFormats('all'), FORMATS);
  assert.throws(() => parseFormats('json,pdf'), (err) => err instanceof UnknownFormatError && /"pdf"/.test(err.message));
  assert.throws(() => parseFormats(' , '), UnknownFormatError);
});
