/**
 * The suite against servers it has never seen: an independent oneline server in Python,
 * conforming, and broken in one way at a time. Each broken one must exit 1 with the
 * broken requirement FAIL; the conforming one must pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { pythonServer, ROOT, runCli, verdictOf } from './run-cli';

const server = (broken?: string) => pythonServer('oneline_server.py', ...(broken ? ['--break', broken] : []));

test('an independent conforming oneline server passes the core profile', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', server()]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const { report } = run;
  assert.ok(report && report.requirements.length > 15);
  for (const r of report.requirements) assert.ok(['PASS', 'INFO'].includes(r.verdict), `${r.id} ${r.verdict}`);
  assert.ok(report.requirements.every((r) => r.cases.length > 0), 'every selected requirement has cases');
});

test('an independent conforming oneline server passes the full profile too (it runs the reference application)', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', server(), '--profile', 'full']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.report!.summary.fail + run.report!.summary.error + run.report!.summary.untraced, 0);
});

const BREAKS: [string, string][] = [
  ['case', 'SRS-ONELINE-008'],
  ['split', 'SRS-ONELINE-004'],
  ['utf8', 'SRS-ONELINE-007'],
  ['cr', 'SRS-ONELINE-002'],
  ['shutdown-ignored', 'SRS-ONELINE-010'],
  ['unbounded', 'SRS-ONELINE-019'],
  ['concurrent', 'SRS-ONELINE-005'],
  ['banner', 'SRS-ONELINE-018'],
  ['disconnect-no-close', 'SRS-ONELINE-009'],
  ['spin', 'SRS-ONELINE-022'],
];

for (const [broken, id] of BREAKS) {
  test(`a server that breaks "${broken}" exits 1 with ${id} FAIL`, async () => {
    const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', server(broken), '--req', id]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(verdictOf(run.report, id), 'FAIL');
  });
}

test('a spinning server fails SRS-ONELINE-022 in a whole core run too', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', server('spin'), '--timeout-scale', '0.5']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(verdictOf(run.report, 'SRS-ONELINE-022'), 'FAIL');
});

test('a property failure carries its counterexample, trace and replay command, and the replay fails the same way', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', server('utf8'), '--case', 'oneline live: ping and invalid*', '--seed', '42']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const failed = run.report!.requirements.flatMap((r) => r.cases).find((c) => c.kind === 'property' && c.verdict === 'FAIL');
  assert.ok(failed?.counterexample && failed.replay && failed.trace?.some((e) => e.dir === 'TX'), JSON.stringify(failed));
  assert.match(failed.replay, /--seed 42\b/);
  const again = await runCli(['conform', '--protocol', 'oneline', '--spawn', server('utf8'), '--case', 'oneline live: ping and invalid*', '--seed', '42']);
  const replayed = again.report!.requirements.flatMap((r) => r.cases).find((c) => c.kind === 'property' && c.verdict === 'FAIL');
  assert.equal(replayed?.counterexample, failed.counterexample);
});

test('a closed port exits 2', async () => {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  const run = await runCli(['conform', '--protocol', 'oneline', '--target', `127.0.0.1:${port}`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /unreachable/);
  assert.equal(run.report?.error?.kind, 'unreachable', 'the reports say why');
  assert.match(run.files['junit.xml'], /<error message="target unreachable: cannot connect to [^"]*ECONNREFUSED[^"]*" type="unreachable">/);
});

test('an empty selection exits 3', async () => {
  const run = await runCli(['conform', '--protocol', 'oneline', '--req', 'SRS-NOTHING-*']);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /empty selection/);
  assert.deepEqual([run.report?.error?.kind, run.report?.requirements.length], ['usage', 0]);
  assert.match(run.report?.error?.message ?? '', /^empty selection/);
  assert.match(run.files['junit.xml'], /<testcase name="run" classname="wireproof" time="0.000"><error message="empty selection: [^"]*" type="usage">/);
});

test('an unknown protocol, option or format exits 3', async () => {
  const written: string[][] = [];
  for (const args of [['--protocol', 'nope'], ['--protocol', 'oneline', '--bogus'], ['--protocol', 'oneline', '--format', 'pdf']]) {
    const run = await runCli(['conform', ...args]);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.stderr}`);
    written.push(Object.keys(run.files).sort());
  }
  // Reports once a protocol is named; with a bad --format, the two every exit writes.
  assert.deepEqual(written, [[], ['junit.xml', 'report.html', 'report.json', 'report.md'], ['junit.xml', 'report.json']]);
});

test('an invalid srs.json exits 3 with the schema error path', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-srs-'));
  const srs = JSON.parse(fs.readFileSync(path.join(ROOT, 'srs.json'), 'utf8'));
  srs.requirements[0].level = 'sometimes';
  fs.writeFileSync(path.join(dir, 'srs.json'), JSON.stringify(srs));
  const run = await runCli(['conform', '--protocol', 'oneline', '--srs', path.join(dir, 'srs.json')]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /\/requirements\/0\/level/);
  assert.equal(run.report?.error?.kind, 'invalid-srs');
  fs.rmSync(dir, { recursive: true });
});

test('a tag that names no requirement exits 3', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-srs-'));
  const srs = JSON.parse(fs.readFileSync(path.join(ROOT, 'srs.json'), 'utf8'));
  srs.requirements = srs.requirements.filter((r: { id: string }) => r.id !== 'SRS-ONELINE-008');
  fs.writeFileSync(path.join(dir, 'srs.json'), JSON.stringify(srs));
  const run = await runCli(['conform', '--protocol', 'oneline', '--srs', path.join(dir, 'srs.json')]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /SRS-ONELINE-008/);
  assert.match(run.report?.error?.message ?? '', /names unknown requirement\(s\) SRS-ONELINE-008/);
  fs.rmSync(dir, { recursive: true });
});
