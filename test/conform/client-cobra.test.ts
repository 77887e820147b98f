/**
 * `conform --client` for cobra: the suite plays a cobra server on two ports, {port} the file
 * port and {port2} the control port, and judges clients it has never seen. An independent
 * client (test/fixtures/cobra_client.py), conforming and broken one rule at a time, and the
 * complete adapter of examples/clients/cobra.py.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, verdictOf } from './run-cli';
import { assertAllPass, conformClient, failures, fixture, numbered, python } from './client-run';

const IDS = numbered('cobra', [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);

/**
 * Each break of test/fixtures/cobra_client.py, the requirement it breaks, and the scenarios
 * run to show it (a client that hangs costs twice its timeout a case: one of them is enough).
 */
const BREAKS: [string, string, string?][] = [
  ['crlf', 'SRS-COBRA-100'], ['wait-status', 'SRS-COBRA-101'], ['null-as-zero', 'SRS-COBRA-102'], ['strip', 'SRS-COBRA-103'],
  ['no-error-status', 'SRS-COBRA-104'], ['one-recv', 'SRS-COBRA-105'], ['lenient', 'SRS-COBRA-106'], ['unbounded', 'SRS-COBRA-107'],
  ['wait-forever', 'SRS-COBRA-108', 'client-failures: a server that closes the control port inside a status*'],
  ['no-timeout', 'SRS-COBRA-109', 'client-failures: a server that never answers a path'],
];

describe('conform --client, cobra', { concurrency: true }, () => {
  describe('in this process, one run at a time', { concurrency: 1 }, () => {
    test('an independent client passes every cobra client requirement', async () => {
      assertAllPass(await conformClient('cobra', fixture('cobra')), IDS);
    });

    test('a client that reads one byte at a time still delivers every message whole', async () => {
      const reading = numbered('cobra', [103, 105]);
      assertAllPass(await conformClient('cobra', fixture('cobra', 'byte-at-a-time'), { req: reading }), reading);
    });

    for (const [broken, id, cases = 'client-*'] of BREAKS) {
      test(`a client that breaks "${broken}" exits 1 with ${id} FAIL`, async () => {
        const report = await conformClient('cobra', fixture('cobra', broken), { req: [id], cases: [cases] });
        assert.equal(report.exitCode, 1, failures(report));
        assert.equal(verdictOf(report, id), 'FAIL');
      });
    }
  });

  // Each a process of its own, beside the in-process runs (all of them wait on clients most of the time).
  describe('through the CLI', { concurrency: true }, () => {
    test('examples/clients/cobra.py passes every cobra client requirement', async () => {
      const run = await runCli(['conform', '--protocol', 'cobra', '--client', python('examples/clients/cobra.py', '{port2}'), '--runs', '3', '--seed', '1']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(run.report!.requirements.map((r) => [r.id, r.verdict]), IDS.map((id) => [id, 'PASS']));
    });

    test('{port2} names the control port; a failing case carries the trace of both connections', async () => {
      const command = fixture('cobra', 'crlf');
      const run = await runCli(['conform', '--protocol', 'cobra', '--client', command, '--req', 'SRS-COBRA-100', '--case', 'client-*']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.report!.target, `client: ${command}`);
      const failed = run.report!.requirements[0].cases.find((c) => c.verdict === 'FAIL' && /control port/.test(c.message ?? ''))!;
      assert.match(failed.message!, /"next\\n" on the control port, it sent "next\\r"/);
      const connections = new Set(failed.trace!.filter((e) => e.dir === 'RX').map((e) => e.conn));
      assert.equal(connections.size, 2, 'what the client sent on the file port and on the control port');
    });
  });
});
