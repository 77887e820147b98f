/**
 * `conform --client` for http: the suite plays an HTTP/1.1 server by hand and judges clients
 * it has never seen. An independent client on raw sockets (test/fixtures/http_client.py),
 * conforming and broken one rule at a time; Python's urllib.request through
 * examples/clients/http.py and curl through examples/clients/curl_http.py, real clients no one
 * here wrote, held to the verdicts the README records for them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertVerdicts, runCli, verdictOf, type VerdictTable } from './run-cli';
import { assertAllPass, conformClient, failures, fixture, numbered, python } from './client-run';

const IDS = numbered('http', [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);

/**
 * Each break of test/fixtures/http_client.py, the requirement it breaks, and the scenarios
 * run to show it (a client that hangs costs twice its timeout a case: one of them is enough).
 */
const BREAKS: [string, string, string?][] = [
  ['lf', 'SRS-HTTP-100'], ['keep-ws', 'SRS-HTTP-101'], ['only-100', 'SRS-HTTP-102'], ['to-close', 'SRS-HTTP-103'],
  ['no-chunked', 'SRS-HTTP-104'], ['head-body', 'SRS-HTTP-105'], ['short-ok', 'SRS-HTTP-106'], ['guess-length', 'SRS-HTTP-107'],
  ['lenient-chunk', 'SRS-HTTP-108'], ['trust-length', 'SRS-HTTP-109'], ['http09', 'SRS-HTTP-110'],
  ['no-timeout', 'SRS-HTTP-111', 'client-failures: a server that never answers*'],
];

/** What a real client gets, as the README records it: every requirement passes but these. */
const only = (failed: number[]): VerdictTable => Object.fromEntries(IDS.map((id) => [id, failed.some((n) => id.endsWith(`-${n}`)) ? 'FAIL' : 'PASS']));

describe('conform --client, http', { concurrency: true }, () => {
  describe('in this process, one run at a time', { concurrency: 1 }, () => {
    test('an independent client on raw sockets passes every http client requirement', async () => {
      assertAllPass(await conformClient('http', fixture('http')), IDS);
    });

    for (const [broken, id, cases = 'client-*'] of BREAKS) {
      test(`a client that breaks "${broken}" exits 1 with ${id} FAIL`, async () => {
        const report = await conformClient('http', fixture('http', broken), { req: [id], cases: [cases] });
        assert.equal(report.exitCode, 1, failures(report));
        assert.equal(verdictOf(report, id), 'FAIL');
      });
    }
  });

  // Real clients, each run a process of its own beside the in-process runs (all of them wait on clients most of the time).
  describe('through the CLI', { concurrency: true }, () => {
    test('urllib.request through examples/clients/http.py: the verdicts the README records', async () => {
      const run = await runCli(['conform', '--protocol', 'http', '--client', python('examples/clients/http.py'), '--runs', '3', '--seed', '1']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assertVerdicts(run, only([101, 102, 106, 107, 108]));
    });

    test('curl through examples/clients/curl_http.py: the verdicts the README records', async () => {
      const run = await runCli(['conform', '--protocol', 'http', '--client', python('examples/clients/curl_http.py'), '--runs', '3', '--seed', '1']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assertVerdicts(run, only([106, 107, 109]));
    });
  });
});
