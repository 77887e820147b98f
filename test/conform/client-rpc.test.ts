/**
 * `conform --client` for rpc: the suite plays a Pyro4 name server and daemon and judges
 * clients it has never seen. Debian's Pyro4 Proxy through examples/clients/rpc.py is the
 * witness: configured by the example it passes every requirement; as shipped, its failures
 * are pinned as the README records them. An independent client in Python
 * (test/fixtures/rpc_client.py) must pass, and each of its one-rule breaks must exit 1 with
 * its requirement FAIL. The reference proxy's own run is
 * `npm run ver`'s; its fix (a reply it cannot decode is the contract's protocol error) is
 * pinned here.
 *
 * The fixture's runs go through conformProtocol in this process, one at a time (the session
 * is one per process); the witness's through the CLI beside them (they wait on clients most
 * of the time).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertVerdicts, ROOT, runCli, verdictOf } from './run-cli';
import { assertAllPass, breakTests, conformClient, fixture, numbered, RUNS } from './client-run';
import { failureEvent } from '../../src/conform/client/adapter';
import { ensurePyro4, SYSTEM_PYTHON } from '../../src/impl/rpc/pyro4/launch';
import { PyroProtocolError } from '../../src/impl/rpc/proxy';

const RPC_CLIENT_IDS = numbered('rpc', Array.from({ length: 15 }, (_, i) => 100 + i));
const PYRO4_PROXY = `${SYSTEM_PYTHON} ${path.join(ROOT, 'examples/clients/rpc.py')} {host} {port}`;

describe('conform --client for rpc', { concurrency: true }, () => {
  describe('an independent client, conforming and broken one rule at a time', { concurrency: 1 }, () => {
    test('the conforming client passes every rpc client requirement', async () => {
      assertAllPass(await conformClient('rpc', fixture('rpc')), RPC_CLIENT_IDS);
    });

    /** Each break, the requirement it breaks, and the scenarios run (all of them, or one where each costs a hang). */
    breakTests('rpc', [
      ['no-lookup', 101, 'client-*'],
      ['invoke-early', 102, 'client-*'],
      ['new-connection', 104, 'client-*'],
      ['no-checksum', 106, 'client-*'],
      ['trust-length', 107, 'client-*'],
      ['ignore-seq', 108, 'client-*'],
      ['wait-forever', 112, 'client-failures: a daemon that closes after 30 bytes*'],
    ]);
  });

  describe('Debian\'s Pyro4 Proxy, a witness', { concurrency: true }, () => {
    test('through examples/clients/rpc.py (MAX_MESSAGE_SIZE 4 MiB, COMMTIMEOUT 1 s, a received length\'s sign checked): every requirement passes', async () => {
      ensurePyro4();
      const run = await runCli(['conform', '--protocol', 'rpc', '--client', PYRO4_PROXY, '--runs', String(RUNS)]);
      assertVerdicts(run, Object.fromEntries(RPC_CLIENT_IDS.map((id) => [id, 'PASS'])));
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.report!.target, `client: ${PYRO4_PROXY}`);
    });

    test('as shipped, without MAX_MESSAGE_SIZE, it waits for a claimed body: SRS-RPC-107 FAIL', async () => {
      ensurePyro4();
      const run = await runCli(['conform', '--protocol', 'rpc', '--client', `${PYRO4_PROXY} --max-bytes 0`, '--req', 'SRS-RPC-107', '--case', '*2147483647 bytes*']);
      assert.equal(verdictOf(run.report, 'SRS-RPC-107'), 'FAIL', run.stdout + run.stderr);
      const [failed] = run.report!.requirements[0].cases;
      assert.match(failed.message ?? '', /reported "timeout"/);
    });

    test('as shipped, a negative length reaches recv(): a ValueError, none of Pyro4\'s errors: SRS-RPC-114 FAIL', async () => {
      ensurePyro4();
      const run = await runCli(['conform', '--protocol', 'rpc', '--client', `${PYRO4_PROXY} --as-shipped`, '--req', 'SRS-RPC-114']);
      assert.equal(verdictOf(run.report, 'SRS-RPC-114'), 'FAIL', run.stdout + run.stderr);
      const [failed] = run.report!.requirements[0].cases;
      assert.match(failed.message ?? '', /ValueError/);
    });
  });

  test('the reference proxy\'s PyroProtocolError is the contract\'s protocol-error (SRS-RPC-106 to 108 through --driver)', () => {
    assert.equal(failureEvent(new PyroProtocolError('reply sequence out of sync')), 'protocol-error');
  });
});
