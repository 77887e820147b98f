/**
 * `conform --client` for cobra: the suite plays a cobra server on two ports, {port} the file
 * port and {port2} the control port, and judges clients it has never seen. The example
 * adapter and an independent client pass every cobra client requirement; the same client
 * broken in one way at a time fails the requirement of that rule (exit 1; each break runs the
 * one scenario that shows it, to keep CI short).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli';
import { assertAllPass, breakTests, conformClient, fixture, numbered, python } from './client-run';

const IDS = numbered('cobra', [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);

/** Each break of test/fixtures/cobra_client.py, the requirement it breaks, and the scenario that shows it. */
const BREAKS: [string, number, string][] = [
  ['crlf', 100, 'client-session: next goes out as one line on the control port*'],
  ['wait-status', 101, 'client-session: a refused path is delivered with its text*'],
  ['null-as-zero', 102, 'client-session: a status with null fields*'],
  ['strip', 103, 'client-session: output events are delivered in order*'],
  ['no-error-status', 104, 'client-session: an end status (an error) ends the call*'],
  ['one-recv', 105, 'client-session: answers in 1-byte writes on both ports are delivered whole'],
  ['lenient', 106, 'client-failures: a control line that is not UTF-8 is a protocol error'],
  ['unbounded', 107, 'client-failures: a line one byte over the client?s maximum is a protocol error'],
  ['wait-forever', 108, 'client-failures: a server that closes the control port inside a status*'],
  ['no-timeout', 109, 'client-failures: a server that never answers a path'],
];

describe('conform --client, cobra', { concurrency: true }, () => {
  describe('in this process, one run at a time', { concurrency: 1 }, () => {
    test('an independent client passes every cobra client requirement', async () => {
      assertAllPass(await conformClient('cobra', fixture('cobra')), IDS);
    });

    test('a client that reads one byte at a time still delivers every message whole', async () => {
      const ids = numbered('cobra', [103, 105]);
      assertAllPass(await conformClient('cobra', fixture('cobra', 'byte-at-a-time'), { req: ids }), ids);
    });

    breakTests('cobra', BREAKS);
  });

  // Each a process of its own, beside the in-process runs (all of them wait on clients most of the time).
  describe('through the CLI', { concurrency: true }, () => {
    test('the example adapter passes every cobra client requirement', async () => {
      const run = await runCli(['conform', '--protocol', 'cobra', '--client', python('examples/clients/cobra.py', '{port2}'), '--runs', '3', '--seed', '1']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(run.report!.requirements.map((r) => [r.id, r.verdict]), IDS.map((id) => [id, 'PASS']));
    });

    test('{port2} names the control port; a failing case carries the trace of both connections', async () => {
      const command = fixture('cobra', 'crlf');
      const run = await runCli(['conform', '--protocol', 'cobra', '--client', command, '--req', 'SRS-COBRA-100', '--case', 'client-session: next goes out*']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.report!.target, `client: ${command}`);
      const failed = run.report!.requirements[0].cases.find((c) => c.verdict === 'FAIL')!;
      assert.match(failed.message!, /"next\\n" on the control port, it sent "next\\r"/);
      const connections = new Set(failed.trace!.filter((e) => e.dir === 'RX').map((e) => e.conn));
      assert.equal(connections.size, 2, 'what the client sent on the file port and on the control port');
    });
  });
});
