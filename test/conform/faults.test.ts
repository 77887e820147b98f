/**
 * The fault profile (`conform --faults`): the reference servers keep every verdict through
 * the slicer and latency proxies, and their reference clients fail typed under a reset and
 * a stall; a server that takes each read as a packet passes without faults but not through
 * the slicer: the profile finds what the direct run misses.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pythonServer, ROOT, runCli, verdictOf } from './run-cli';
import type { Report } from '../../src/report/types';

const casesOf = (report: Report | undefined, id: string) => report?.requirements.find((r) => r.id === id)?.cases ?? [];

describe('the embedded reference servers pass the fault profile', { concurrency: true }, () => {
  for (const protocol of ['oneline', 'channel', 'http']) {
    test(protocol, async () => {
      const run = await runCli(['conform', '--protocol', protocol, '--faults']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const P = protocol.toUpperCase();
      for (const n of ['090', '091', '092']) assert.equal(verdictOf(run.report, `SRS-${P}-${n}`), 'PASS', `SRS-${P}-${n}`);
      const through = casesOf(run.report, `SRS-${P}-090`).map((c) => c.name);
      assert.ok(through.some((name) => name.endsWith(' [through slicer]')), through.join('\n'));
      assert.ok(through.some((name) => name.endsWith(' [through latency]')), through.join('\n'));
      const disrupted = [...casesOf(run.report, `SRS-${P}-091`), ...casesOf(run.report, `SRS-${P}-092`)].map((c) => c.name);
      assert.equal(disrupted.length, 4, disrupted.join('\n'));
      assert.ok(disrupted.some((name) => /under a stall/.test(name)) && disrupted.some((name) => /under a reset/.test(name)));
    });
  }
});

test('without --faults the fault requirements are not selected, so never UNTRACED; alone they need --faults', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--req', 'SRS-ONELINE-008', '--req', 'SRS-ONELINE-09?']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.report!.requirements.map((r) => r.id), ['SRS-ONELINE-008']);
  const alone = await runCli(['conform', '--protocol', 'oneline', '--req', 'SRS-ONELINE-09?']);
  assert.equal(alone.code, 3);
  assert.match(alone.stderr, /only with --faults/);
});

test('--fault picks faults: only reset leaves the slicer and latency cases out', async () => {
  const run = await runCli(['conform', '--protocol', 'echo', '--fault', 'reset', '--req', 'SRS-ECHO-09?']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.report!.requirements.map((r) => [r.id, r.verdict]), [['SRS-ECHO-091', 'PASS'], ['SRS-ECHO-092', 'PASS']]);
  const unknown = await runCli(['conform', '--protocol', 'echo', '--fault', 'flood']);
  assert.equal(unknown.code, 3);
});

describe('a server that takes each read as one packet', () => {
  const split = pythonServer('oneline_server.py', '--break', 'split');
  // Each of these cases sends its packets in whole writes: a direct run cannot tell.
  const reqs = ['SRS-ONELINE-005', 'SRS-ONELINE-006', 'SRS-ONELINE-009'].flatMap((id) => ['--req', id]);

  test('passes its whole-write cases without faults', async () => {
    const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', split, ...reqs]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  test('fails them through the slicer', async () => {
    const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', split, ...reqs, '--fault', 'slicer']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const failed = run.report!.requirements.flatMap((r) => r.cases).filter((c) => c.verdict === 'FAIL');
    assert.ok(failed.length > 0 && failed.every((c) => c.name.endsWith(' [through slicer]')), JSON.stringify(failed.map((c) => c.name)));
    for (const id of ['SRS-ONELINE-005', 'SRS-ONELINE-006', 'SRS-ONELINE-009']) assert.equal(verdictOf(run.report, id), 'FAIL', id);
  });
});

test('list counts the fault cases of each requirement and names them only with --faults', () => {
  const list = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'wireproof.js'), 'list', '--protocol', 'echo', ...args], { encoding: 'utf8' });
  const counted = list();
  const named = list('--faults');
  const count = Number(/SRS-ECHO-090[^\n]*\n\s+fault case \(--faults\): (\d+) \(named with --faults\)/.exec(counted)?.[1]);
  assert.ok(count > 0, counted);
  const section = named.slice(named.indexOf('SRS-ECHO-090'), named.indexOf('SRS-ECHO-091'));
  assert.equal(section.match(/fault case \(--faults\): .*\[through (slicer|latency)\]/g)?.length, count);
  assert.doesNotMatch(counted, /\[through slicer\]/);
});
