import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { robustnessFileErrors } from '../../src/report/json';

const BIN = path.join(__dirname, '..', '..', 'bin', 'wireproof.js');
const wireproof = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

test('wireproof robustness --protocol echo writes robustness.json and exits 0', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wireproof-robustness-cli-'));
  try {
    const run = wireproof(['robustness', '--protocol', 'echo', '--seed', '5', '--report-dir', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /robustness PASS: 2 of 2 runs pass/);
    const written = JSON.parse(readFileSync(path.join(dir, 'robustness.json'), 'utf8'));
    assert.deepEqual(robustnessFileErrors(written), []);
    assert.equal(written.seed, 5);
    assert.deepEqual(written.runs.map((r: { load: string; verdict: string }) => `${r.load} ${r.verdict}`), ['slowloris N/A', 'malformed PASS']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wireproof robustness: --help exits 0, an unknown protocol is a usage error (exit 3)', () => {
  const help = wireproof(['robustness', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /1,000 idle connections/);
  const unknown = wireproof(['robustness', '--protocol', 'gopher']);
  assert.equal(unknown.status, 3);
  assert.match(unknown.stderr, /unknown protocol "gopher"/);
  assert.match(wireproof(['--help']).stdout, /wireproof robustness/);
});
