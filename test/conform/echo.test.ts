/**
 * The suite against echo servers it has never seen: an independent server in Python,
 * conforming and broken in one way at a time, and socat, a real RFC 862 server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { assertVerdicts, pythonServer, runCli, verdictOf, type VerdictTable } from './run-cli';

const server = (broken?: string) => pythonServer('echo_server.py', ...(broken ? ['--break', broken] : []));

test('an independent conforming echo server passes the core profile', async () => {
  const run = await runCli(['conform', '--protocol', 'echo', '--spawn', server()]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.report!.requirements.map((r) => r.verdict), Array(7).fill('PASS'));
});

/**
 * socat as RFC 862 describes the server. `fork`: it keeps listening, one process per
 * connection (without it the liveness probe would use up the only connection), each with
 * its own bounded buffers, so backpressure and half-close are per client. `EXEC:cat`: the
 * echo is a separate process behind a socketpair: when the client stops reading, socat
 * stops writing, cat blocks, socat stops reading. (`PIPE` echoes through a pipe socat both
 * writes and reads with blocking writes: once the pipe is nearly full, socat blocks writing
 * into a pipe only it empties, for ever; seen here in 14 of 15 backpressure runs.)
 * `-t 5`: after the client's FIN, the rest may take 5 s to drain, not socat's 0.5 s.
 */
const SOCAT = 'socat -t 5 TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork EXEC:cat';

/** socat 1.7 (Debian 12), profile core, as observed (README, "Witnesses"): RFC 862 and wireproof's echo rules alike. */
const SOCAT_VERDICTS: VerdictTable = {
  'SRS-ECHO-001': 'PASS', 'SRS-ECHO-002': 'PASS', 'SRS-ECHO-003': 'PASS', 'SRS-ECHO-004': 'PASS',
  'SRS-ECHO-005': 'PASS', 'SRS-ECHO-006': 'PASS', 'SRS-ECHO-007': 'PASS',
};

test('socat, a real RFC 862 echo server and a witness: every verdict as pinned', async () => {
  assert.equal(spawnSync('socat', ['-V']).status, 0, 'socat is not installed: apt-get install socat (.ci/run does)');
  const run = await runCli(['conform', '--protocol', 'echo', '--spawn', SOCAT]);
  assertVerdicts(run, SOCAT_VERDICTS);
  assert.equal(run.code, 0, run.stdout + run.stderr);
});

/** Each way of breaking the server, the requirement it breaks, and the profile that holds it. */
const BREAKS: [string, string, string][] = [
  ['banner', 'SRS-ECHO-006', 'core'],
  ['crlf', 'SRS-ECHO-001', 'core'],
  ['wait-eof', 'SRS-ECHO-003', 'core'],
  ['no-close', 'SRS-ECHO-004', 'core'],
  ['unbounded', 'SRS-ECHO-005', 'core'],
  ['crash-on-reset', 'SRS-ECHO-007', 'core'],
  ['concurrent', 'SRS-ECHO-008', 'full'],
];

test('an echo server broken in one way exits 1 with that requirement FAIL', { concurrency: 3 }, async (t) => {
  await Promise.all(BREAKS.map(([broken, id, profile]) =>
    t.test(`"${broken}" fails ${id}`, async () => {
      const run = await runCli(['conform', '--protocol', 'echo', '--spawn', server(broken), '--profile', profile, '--req', id]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, id), 'FAIL');
    })));
});
