import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { robustnessFileErrors } from '../../src/report/json';
import { inProcess } from '../conform/run-cli';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'wireproof.js');
const wireproof = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

function robustness(args: string[]): { status: number | null; stdout: string; stderr: string; written: any } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wireproof-robustness-cli-'));
  try {
    const run = wireproof(['robustness', ...args, '--report-dir', dir]);
    const file = path.join(dir, 'robustness.json');
    let written;
    try {
      written = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      written = undefined;
    }
    return { ...run, written };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('wireproof robustness --protocol echo runs the load profile against the reference server into robustness.json (schema 1)', () => {
  const run = robustness(['--protocol', 'echo', '--seed', '5', '--load-scale', '0.05']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /robustness PASS: 3 of 3 runs pass/);
  assert.deepEqual(robustnessFileErrors(run.written), []);
  assert.equal(run.written.schema, 1);
  assert.equal(run.written.seed, 5);
  assert.deepEqual(run.written.runs.map((r: { load: string; verdict: string }) => `${r.load} ${r.verdict}`), ['volume PASS', 'many-clients PASS', 'slowloris N/A', 'malformed PASS']);
  const volume = run.written.runs[0];
  assert.deepEqual([volume.messages.sent, volume.messages.answered], [500, 500]);
  assert.ok(volume.growthMiB !== undefined && volume.latency.p99Ms > 0 && volume.throughput.messagesPerSecond > 0, JSON.stringify(volume));
});

test('wireproof robustness --spawn loads the user\'s server and reads the memory of the process tree it started', () => {
  const spawn = `python3 ${path.join(ROOT, 'test', 'fixtures', 'echo_server.py')} --port {port}`;
  const run = robustness(['--protocol', 'echo', '--spawn', spawn, '--seed', '6', '--load-scale', '0.05', '--load-only', 'volume']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.written.target, `spawn: ${spawn}`);
  assert.match(run.written.memory, /process tree the --spawn command started/);
  assert.ok(run.written.runs[0].rssBeforeMiB > 0);
});

test('wireproof robustness: --help names every target and option; usage errors exit 3', async () => {
  const help = await inProcess(['robustness', '--help']);
  assert.equal(help.code, 0);
  for (const option of ['--target', '--spawn', '--shard', '--pid', '--duration', '--load-scale', '--load-only', '1,000 idle connections']) assert.ok(help.out.includes(option), option);
  for (const [args, error] of [
    [['--protocol', 'gopher'], /unknown protocol "gopher"/],
    [['--protocol', 'echo', '--protocol', 'oneline', '--target', '127.0.0.1:1'], /exactly one --protocol/],
    [['--protocol', 'echo', '--duration', 'soon'], /--duration/],
  ] as [string[], RegExp][]) {
    const run = await inProcess(['robustness', ...args]);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.err}`);
    assert.match(run.err, error);
  }
  const usage = (await inProcess(['--help'])).out;
  assert.match(usage, /wireproof robustness .*--target/);
  assert.match(usage, /wireproof merge/);
});

test('--duration soaks: the volume load repeats for that long, every repetition counted', () => {
  const run = robustness(['--protocol', 'channel', '--load-only', 'volume', '--load-scale', '0.02', '--duration', '2s', '--seed', '7']);
  assert.equal(run.status, 0, run.stderr);
  const volume = run.written.runs[0];
  assert.ok(volume.repetitions >= 2, `${volume.repetitions} repetitions`);
  assert.equal(volume.messages.sent, 200 * volume.repetitions);
  assert.equal(volume.messages.answered, volume.messages.sent);
  assert.ok(volume.durationMs >= 2000, `${volume.durationMs} ms`);
});
