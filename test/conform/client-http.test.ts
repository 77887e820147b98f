/**
 * `conform --client` for http: the suite plays an HTTP/1.1 server by hand and judges clients
 * it has never seen. An independent client on raw sockets (test/fixtures/http_client.py)
 * passes every http client requirement, and broken in one way at a time fails the requirement
 * of that rule (exit 1; each break runs the one scenario that shows it, to keep CI short).
 * The example adapter, examples/clients/http.py, passes too. Python's urllib.request through
 * examples/clients/urllib_http.py and curl through examples/clients/curl_http.py, real
 * clients no one here wrote, are held to the verdicts the
 * README records for them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertVerdicts, runCli, type VerdictTable } from './run-cli';
import { assertAllPass, breakTests, conformClient, fixture, numbered, python } from './client-run';

const IDS = numbered('http', [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);

/** Each break of test/fixtures/http_client.py, the requirement it breaks, and the scenario that shows it. */
const BREAKS: [string, number, string][] = [
  ['lf', 100, 'client-framing: a GET goes out as an exact HTTP/1.1 request head*'],
  ['keep-ws', 101, 'client-framing: header values are delivered without the whitespace around them'],
  ['only-100', 102, 'client-framing: interim responses before the final one are skipped (103 Early Hints)'],
  ['to-close', 103, 'client-framing: a Content-Length body of every byte value*'],
  ['no-chunked', 104, 'client-framing: a chunked body is decoded whatever its chunk sizes'],
  ['head-body', 105, 'client-framing: a HEAD goes out as HEAD*'],
  ['short-ok', 106, 'client-failures: a server that closes inside a Content-Length body*'],
  ['guess-length', 107, 'client-failures: a Content-Length of a list of two values is a protocol error'],
  ['lenient-chunk', 108, 'client-failures: chunk data not followed by CRLF is a protocol error'],
  ['trust-length', 109, 'client-failures: a body one byte over the client?s maximum in a Content-Length is refused*'],
  ['http09', 110, 'client-failures: a first line that is not a status line (HTTP/0.9: bare bytes)*'],
  ['no-timeout', 111, 'client-failures: a server that never answers makes the call time out*'],
];

/** What a real client gets, as the README records it: every requirement passes but these. */
const only = (failed: number[]): VerdictTable => Object.fromEntries(IDS.map((id) => [id, failed.some((n) => id.endsWith(`-${n}`)) ? 'FAIL' : 'PASS']));

describe('conform --client, http', { concurrency: true }, () => {
  describe('in this process, one run at a time', { concurrency: 1 }, () => {
    test('an independent client on raw sockets passes every http client requirement', async () => {
      assertAllPass(await conformClient('http', fixture('http')), IDS);
    });

    test('the example, examples/clients/http.py, passes every http client requirement', async () => {
      assertAllPass(await conformClient('http', python('examples/clients/http.py')), IDS);
    });

    breakTests('http', BREAKS);
  });

  // Real clients, each run a process of its own beside the in-process runs (all of them wait on clients most of the time).
  describe('through the CLI', { concurrency: true }, () => {
    test('urllib.request through examples/clients/urllib_http.py: the verdicts the README records', async () => {
      const run = await runCli(['conform', '--protocol', 'http', '--client', python('examples/clients/urllib_http.py'), '--runs', '3', '--seed', '1']);
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
