/**
 * The load profile (`conform --load`) against servers the suite has never seen: the
 * independent conforming servers of test/fixtures pass it; each one-rule break that only
 * load shows fails the right requirement; real peers (Debian's Pyro4, socat) under it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { inProcess, pythonServer, ROOT, runCli, verdictOf } from './run-cli';
import type { Report } from '../../src/report/types';

const loadCase = (report: Report | undefined, id: string) => report?.requirements.find((r) => r.id === id)?.cases.find((c) => c.name.startsWith('load: '));
const runOf = (report: Report | undefined, load: string) => report?.robustness?.runs.find((r) => r.load === load);
const loadIds = (protocol: string) => ['--req', `SRS-${protocol.toUpperCase()}-09?`];

/** HOST:PORT once `wireproof serve` printed it. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
}

describe('the independent conforming servers pass the load profile (a twentieth of the counts)', { concurrency: 2 }, () => {
  const servers: [string, string][] = [
    ['oneline', pythonServer('oneline_server.py')],
    ['channel', pythonServer('channel_server.py')],
    ['echo', pythonServer('echo_server.py')],
    ['lenmsg', pythonServer('lenmsg_server.py')],
  ];
  for (const [protocol, spawn] of servers) {
    test(protocol, async () => {
      const run = await runCli(['conform', '--protocol', protocol, '--spawn', spawn, '--load', '--load-scale', '0.05', ...loadIds(protocol), '--seed', '12']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const ids = run.report!.requirements.map((r) => r.id);
      assert.ok(ids.includes(`SRS-${protocol.toUpperCase()}-093`) && ids.includes(`SRS-${protocol.toUpperCase()}-099`), ids.join(' '));
      for (const r of run.report!.requirements) assert.equal(r.verdict, 'PASS', `${r.id}: ${r.cases.map((c) => c.message).join('; ')}`);
      const volume = runOf(run.report, 'volume')!;
      assert.deepEqual([volume.messages?.sent, volume.messages?.answered, volume.messages?.lost], [500, 500, 0]);
      assert.ok(volume.latency && volume.latency.p50Ms > 0 && volume.latency.maxMs >= volume.latency.p99Ms, JSON.stringify(volume.latency));
      assert.ok(volume.growthMiB !== undefined, 'the spawned process tree\'s memory is read');
      assert.equal(runOf(run.report, 'many-clients')!.clients?.served, 50);
    });
  }
});

describe('one-rule breaks that only load shows', { concurrency: 2 }, () => {
  test('an oneline server that never answers a connection\'s 5,000th line fails SRS-ONELINE-093, and says which', async () => {
    const run = await runCli(['conform', '--protocol', 'oneline', '--spawn', pythonServer('oneline_server.py', '--break', 'lose-5000'), '--load-only', 'volume', ...loadIds('oneline'), '--seed', '3']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(verdictOf(run.report, 'SRS-ONELINE-093'), 'FAIL');
    assert.equal(verdictOf(run.report, 'SRS-ONELINE-098'), 'PASS');
    const volume = runOf(run.report, 'volume')!;
    assert.deepEqual([volume.messages?.sent, volume.messages?.lost, volume.messages?.duplicated, volume.messages?.corrupted, volume.messages?.reordered], [10_000, 1, 0, 0, 0]);
    const failed = loadCase(run.report, 'SRS-ONELINE-093')!;
    assert.match(failed.message ?? '', /message 5000 of the connection .* never answered/);
    assert.match(failed.replay ?? '', /--load-only volume --seed 3/);
  });

  test('a channel server that closes clients past 200 at once fails SRS-CHANNEL-094', async () => {
    const run = await runCli(['conform', '--protocol', 'channel', '--spawn', pythonServer('channel_server.py', '--break', 'max-clients'), '--load-only', 'many-clients', '--load-scale', '0.3', ...loadIds('channel'), '--seed', '3']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(verdictOf(run.report, 'SRS-CHANNEL-094'), 'FAIL');
    const many = runOf(run.report, 'many-clients')!;
    assert.equal(many.clients?.total, 300);
    assert.ok(many.clients!.failed >= 90 && many.clients!.served <= 200, JSON.stringify(many.clients));
  });

  test('a channel server that keeps 8 KiB per message fails SRS-CHANNEL-099 (memory), and nothing else', async () => {
    const run = await runCli(['conform', '--protocol', 'channel', '--spawn', pythonServer('channel_server.py', '--break', 'leak'), '--load-only', 'volume', ...loadIds('channel'), '--seed', '3']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.deepEqual(run.report!.requirements.map((r) => `${r.id} ${r.verdict}`), ['SRS-CHANNEL-093 PASS', 'SRS-CHANNEL-098 PASS', 'SRS-CHANNEL-099 FAIL']);
    assert.ok((runOf(run.report, 'volume')!.growthMiB ?? 0) >= 64);
  });
});

describe('real peers under the load profile', { concurrency: 2 }, () => {
  const hasSocat = spawnSync('socat', ['-V']).status === 0;
  test('socat (fork, a listen backlog of 1024) is found to serve several clients at once, and serves 300 at once', { skip: !hasSocat && 'socat is not installed' }, async () => {
    const socat = 'socat -t 5 TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,backlog=1024 EXEC:cat';
    const run = await runCli(['conform', '--protocol', 'echo', '--spawn', socat, '--load-only', 'volume', '--load-only', 'many-clients', '--load-scale', '0.3', ...loadIds('echo'), '--seed', '5']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(runOf(run.report, 'many-clients')!.note, /300 at once/);
  });

  test('Debian\'s Pyro4 (a 4 MiB message limit) answers 10,000 calls on one connection', async () => {
    const pyro4 = `/usr/bin/python3 ${path.join(ROOT, 'src', 'impl', 'rpc', 'pyro4', 'echo_server.py')} --ns-port {port}`;
    const run = await runCli(['conform', '--protocol', 'rpc', '--spawn', pyro4, '--load-only', 'volume', ...loadIds('rpc'), '--seed', '5']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(runOf(run.report, 'volume')!.messages?.answered, 10_000);
  });
});

test('against a --target the memory cases are INFO "not measured" unless --pid names its process', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'wireproof.js'), 'serve', 'channel', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await listening(child);
    const args = ['conform', '--protocol', 'channel', '--target', port, '--load-only', 'length-claims', ...loadIds('channel')];
    const [blind, measured] = await Promise.all([runCli(args), runCli([...args, '--pid', String(child.pid)])]);
    assert.equal(blind.code, 0, blind.stdout + blind.stderr);
    assert.equal(verdictOf(blind.report, 'SRS-CHANNEL-099'), 'INFO');
    assert.match(loadCase(blind.report, 'SRS-CHANNEL-099')!.message ?? '', /not measured: .*--pid/);
    assert.equal(measured.code, 0, measured.stdout + measured.stderr);
    assert.equal(verdictOf(measured.report, 'SRS-CHANNEL-099'), 'PASS');
    assert.match(loadCase(measured.report, 'SRS-CHANNEL-099')!.message ?? '', /resident memory .* MiB, growth/);
  } finally {
    child.kill();
  }
});

test('load options are checked: usage errors exit 3', async () => {
  for (const [args, error] of [
    [['--spawn', 'true {port}', '--load', '--pid', '1'], /--pid is for a --target/],
    [['--load', '--shard', '5/4'], /--shard/],
    [['--load', '--load-scale', '2'], /--load-scale/],
    [['--load-only', 'flood'], /unknown load "flood"/],
    [['--req', 'SRS-ONELINE-093'], /only with --load/],
  ] as [string[], RegExp][]) {
    const run = await inProcess(['conform', '--protocol', 'oneline', ...args]);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.err}`);
    assert.match(run.err, error);
  }
});

test('4 shards as 4 processes against one target, merged, count what one unsharded run counts', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'wireproof.js'), 'serve', 'channel', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-shards-'));
  try {
    const target = await listening(child);
    const args = ['conform', '--protocol', 'channel', '--target', target, '--pid', String(child.pid), '--load-scale', '0.05', '--seed', '21', ...loadIds('channel'),
      ...['volume', 'many-clients', 'slowloris', 'malformed'].flatMap((load) => ['--load-only', load])];
    const [whole, ...shards] = await Promise.all([runCli(args), ...[1, 2, 3, 4].map((i) => runCli([...args, '--shard', `${i}/4`]))]);
    for (const run of [whole, ...shards]) assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(shards.map((s) => s.report!.shard), ['1/4', '2/4', '3/4', '4/4']);
    assert.deepEqual(shards[1].report!.requirements.map((r) => r.id), ['SRS-CHANNEL-094', 'SRS-CHANNEL-096', 'SRS-CHANNEL-097', 'SRS-CHANNEL-098', 'SRS-CHANNEL-099'], 'shard 2 runs its share of the divisible loads only');
    const files = shards.map((s, i) => {
      const file = path.join(dir, `shard-${i + 1}.json`);
      fs.writeFileSync(file, JSON.stringify(s.report));
      return file;
    });
    const merged = await runCli(['merge', ...files]);
    assert.equal(merged.code, 0, merged.stdout + merged.stderr);
    const figures = (report: Report) => report.robustness!.runs.map((r) => ({ load: r.load, verdict: r.verdict, messages: r.messages && { ...r.messages }, clients: r.clients && { total: r.clients.total, served: r.clients.served, failed: r.clients.failed }, handled: r.handled }));
    assert.deepEqual(figures(merged.report!), figures(whole.report!));
    assert.equal(merged.report!.robustness!.runs.find((r) => r.load === 'many-clients')!.latency!.count, 5000, 'every answer of every shard in the merged histogram');
    assert.deepEqual(merged.report!.requirements.map((r) => `${r.id} ${r.verdict}`), whole.report!.requirements.map((r) => `${r.id} ${r.verdict}`));
    const missing = await inProcess(['merge', ...files.slice(1)]);
    assert.equal(missing.code, 3);
    assert.match(missing.err, /shard 1\/4 missing/);
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
