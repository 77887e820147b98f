/**
 * `conform --client` for channel: the example adapter and an independent client in Python
 * pass every channel client requirement; the same client broken in one way at a time fails
 * the requirement of that rule (exit 1). Each break runs the one scenario that shows it, to
 * keep CI short; the conforming runs take every case.
 */
import { describe, test } from 'node:test';
import { assertAllPass, breakTests, conformClient, fixture, numbered, python } from './client-run';

const IDS = numbered('channel', [100, 101, 102, 103, 104, 105, 106]);

/** Each break of test/fixtures/channel_client.py, the requirement it breaks, and the scenario that shows it. */
const BREAKS: [string, number, string][] = [
  ['lf-header', 100, 'client-framing: a body goes out as one frame*'],
  ['strip', 101, 'client-framing: bodies are delivered exactly*'],
  ['text', 101, 'client-framing: a body that is not UTF-8*'],
  ['one-recv', 102, 'client-framing: frames cut into 1-byte writes*'],
  ['resync', 103, 'client-failures: a header that is not one (other letters)*'],
  ['trust-length', 104, 'client-failures: a length one byte over*'],
  ['wait-forever', 105, 'client-failures: a server that closes in the middle of the body'],
  ['no-timeout', 106, 'client-failures: a server that never answers'],
];

describe('conform --client, channel', { concurrency: 1 }, () => {
  test('the example adapter passes every channel client requirement', async () => {
    assertAllPass(await conformClient('channel', python('examples/clients/channel.py')), IDS);
  });

  test('an independent conforming client passes every channel client requirement', async () => {
    assertAllPass(await conformClient('channel', fixture('channel')), IDS);
  });

  test('a client that reads one byte at a time still delivers every body whole', async () => {
    const ids = numbered('channel', [101, 102]);
    assertAllPass(await conformClient('channel', fixture('channel', 'byte-at-a-time'), { req: ids }), ids);
  });

  breakTests('channel', BREAKS);
});
