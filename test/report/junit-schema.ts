/** xmllint's verdict on a junit.xml against test/fixtures/junit.xsd (the Jenkins/Ant JUnit schema). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const XSD = join(__dirname, '..', 'fixtures', 'junit.xsd');

export function validate(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wireproof-junit-'));
  try {
    const file = join(dir, 'junit.xml');
    writeFileSync(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
    if (run.error) assert.fail(`xmllint is needed to validate junit.xml: apt-get install -y libxml2-utils (${run.error.message})`);
    return { ok: run.status === 0, output: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
