/**
 * `conform --client`: the suite plays the server and judges clients it has never seen.
 * Independent clients in Python (test/fixtures), conforming and broken one rule at a time,
 * the adapters of examples/clients, and socat, a real program, through its adapter. Each
 * break must exit 1 with its requirement FAIL; the conforming ones must exit 0.
 *
 * Most runs go through conformProtocol in this process (the runs are sequential: the
 * session is one per process), which is what `wireproof conform` runs, without a CLI start
 * each; a few go through the CLI for what only it does (exit codes 2, replay commands).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runCli, verdictOf } from './run-cli';
import { assertAllPass, conformClient, failures, fixture, numbered, python, verdicts } from './client-run';
import { conformProtocol } from '../../src/conform/run';
import { UsageError } from '../../src/conform/errors';
import { loadSrs } from '../../src/conform/srs';

const srs = loadSrs();
const hasSocat = spawnSync('socat', ['-V']).status === 0;
const CLIENT_IDS: Record<string, string[]> = { oneline: numbered('oneline', [100, 101, 102, 103, 104, 105, 106]), echo: numbered('echo', [100, 101, 102, 103, 104]) };

// The CLI runs are processes of their own: they run beside the in-process ones, which wait on clients most of the time.
describe('conform --client', { concurrency: true }, () => {
  describe('through conformProtocol, one run at a time', { concurrency: 1 }, () => {
    test('the example adapters pass their protocol\'s client profile', async () => {
      assertAllPass(await conformClient('oneline', python('examples/clients/oneline.py')), CLIENT_IDS.oneline);
      assertAllPass(await conformClient('echo', python('examples/clients/echo.py')), CLIENT_IDS.echo);
    });

    test('an independent conforming client passes every client requirement', async () => {
      assertAllPass(await conformClient('oneline', fixture('oneline')), CLIENT_IDS.oneline);
      assertAllPass(await conformClient('echo', fixture('echo')), CLIENT_IDS.echo);
    });

    test('a client that reads one byte at a time still delivers every response and echo whole', async () => {
      const reading = { oneline: numbered('oneline', [101, 102]), echo: numbered('echo', [101, 102]) };
      for (const [protocol, ids] of Object.entries(reading)) {
        assertAllPass(await conformClient(protocol, fixture(protocol, 'byte-at-a-time'), { req: ids }), ids);
      }
    });

    /** Each client broken in one way, and the requirement it breaks. */
    const BREAKS: [string, string, string][] = [
      ['oneline', 'crlf', 'SRS-ONELINE-100'],
      ['oneline', 'strip', 'SRS-ONELINE-101'],
      ['oneline', 'one-recv', 'SRS-ONELINE-102'],
      ['oneline', 'lenient', 'SRS-ONELINE-103'],
      ['oneline', 'crash', 'SRS-ONELINE-103'],
      ['oneline', 'unbounded', 'SRS-ONELINE-104'],
      ['oneline', 'wait-forever', 'SRS-ONELINE-105'],
      ['echo', 'no-fin', 'SRS-ECHO-100'],
      ['echo', 'lenient', 'SRS-ECHO-101'],
      ['echo', 'recv-once', 'SRS-ECHO-102'],
      ['echo', 'short-ok', 'SRS-ECHO-103'],
      ['echo', 'wait-forever', 'SRS-ECHO-104'],
    ];

    for (const [protocol, broken, id] of BREAKS) {
      // The scenarios (named after their feature files, client-*) catch every break; shrinking is tested below.
      test(`a ${protocol} client that breaks "${broken}" exits 1 with ${id} FAIL`, async () => {
        const report = await conformClient(protocol, fixture(protocol, broken), { req: [id], cases: ['client-*'] });
        assert.equal(report.exitCode, 1, failures(report));
        assert.equal(verdictOf(report, id), 'FAIL');
      });
    }

    test('a client that hangs fails, and its whole process group is killed', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-pids-'));
      const pids = path.join(dir, 'pids');
      const report = await conformClient('oneline', `${fixture('oneline', 'no-timeout')} --pid-file ${pids}`, { req: ['SRS-ONELINE-106'] });
      assert.equal(report.exitCode, 1);
      const hung = report.requirements[0].cases.find((c) => c.verdict === 'FAIL');
      assert.match(hung?.message ?? '', /reported nothing within \d+ ms .*it hangs/);
      const started = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.ok(started.length >= 2, `${started.length} client processes`);
      // The suite waits for its own child; a process its shell started may take a moment to be reaped by init.
      const gone = (pid: number) => !fs.existsSync(`/proc/${pid}`) || /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      for (let waited = 0; !started.every(gone) && waited < 5000; waited += 100) await delay(100);
      assert.deepEqual(started.filter((pid) => !gone(pid)), [], 'client processes still running');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('server runs never select client-run requirements, and --client selects nothing else', async () => {
      const common = { seed: 1, timeoutScale: 1, replayBase: '', log: () => undefined };
      await assert.rejects(conformProtocol(srs, { ...common, protocol: 'echo', profile: 'full', req: ['SRS-ECHO-1*'] }),
        (err: Error) => err instanceof UsageError && /SRS-ECHO-100, .*SRS-ECHO-104 only with --client/.test(err.message));
      await assert.rejects(conformProtocol(srs, { ...common, protocol: 'echo', client: fixture('echo'), req: ['SRS-ECHO-00*'] }),
        (err: Error) => err instanceof UsageError && /only against a server, not with --client/.test(err.message));
    });

    test('socat through its adapter: every echo client requirement but the short echo, as the README records', { skip: !hasSocat && 'socat is not installed' }, async () => {
      const report = await conformClient('echo', python('examples/clients/socat_echo.py'));
      assert.equal(report.exitCode, 1);
      assert.deepEqual(verdicts(report), {
        'SRS-ECHO-100': 'PASS', 'SRS-ECHO-101': 'PASS', 'SRS-ECHO-102': 'PASS', 'SRS-ECHO-103': 'FAIL', 'SRS-ECHO-104': 'PASS',
      }, failures(report));
    });
  });

  describe('through the CLI, as a user runs it', { concurrency: true }, () => {
    test('a failing client case names the client as the target and carries the wire trace and the client\'s lines', async () => {
      const command = fixture('oneline', 'garbage');
      const run = await runCli(['conform', '--protocol', 'oneline', '--client', command, '--req', 'SRS-ONELINE-101', '--case', 'client-*']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.report!.target, `client: ${command}`);
      const failed = run.report!.requirements[0].cases.find((c) => c.verdict === 'FAIL')!;
      assert.match(failed.message!, /not a report \(not JSON\)/);
      const trace = failed.trace!;
      assert.ok(trace.some((e) => e.dir === 'RX'), 'what the client sent');
      assert.ok(trace.some((e) => e.dir === 'TX'), 'what the suite\'s server sent');
      assert.ok(trace.some((e) => e.note?.startsWith('stdin: {"action":"send"')), 'what the client was told');
      assert.ok(trace.some((e) => e.note?.startsWith('stdout: {"event": "ready"')), 'what the client reported');
    });

    test('a property failure carries its shrunk script, trace and replay command with the same --client, and the replay fails the same way', async () => {
      const args = ['conform', '--protocol', 'echo', '--client', fixture('echo', 'short-ok'), '--case', 'echo client live: an echo cut*', '--seed', '7'];
      const run = await runCli(args);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const failed = run.report!.requirements.flatMap((r) => r.cases).find((c) => c.kind === 'property' && c.verdict === 'FAIL')!;
      assert.ok(failed.counterexample && failed.trace?.some((e) => e.dir === 'RX'), JSON.stringify(failed));
      assert.match(failed.replay!, /--client '.*echo_client\.py \{host\} \{port\} --break short-ok' --case .* --seed 7\b/);
      const again = await runCli(args);
      const replayed = again.report!.requirements.flatMap((r) => r.cases).find((c) => c.kind === 'property' && c.verdict === 'FAIL');
      assert.equal(replayed?.counterexample, failed.counterexample);
    });

    test('a client that never says ready exits 2; --client with --spawn exits 3', async () => {
      const run = await runCli(['conform', '--protocol', 'oneline', '--client', fixture('oneline', 'no-ready'), '--timeout-scale', '0.2']);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /the client under test cannot be run: the client did not start: no "ready" line/);
      const clash = await runCli(['conform', '--protocol', 'echo', '--client', fixture('echo'), '--spawn', 'x {port}']);
      assert.equal(clash.code, 3);
      assert.match(clash.stderr, /--client excludes --spawn/);
    });
  });
});
