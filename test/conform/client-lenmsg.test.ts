/**
 * `conform --client` for lenmsg, whose client under test is a remote (its own server and a
 * client to the central; the suite plays the central): the example adapter and an
 * independent remote in Python pass every lenmsg client requirement; the same remote broken
 * in one way at a time fails the requirement of that rule (exit 1). Each break runs the one
 * scenario that shows it, to keep CI short; the conforming runs take every case.
 */
import { describe, test } from 'node:test';
import { assertAllPass, breakTests, conformClient, fixture, numbered, python } from './client-run';

const IDS = numbered('lenmsg', [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);

/** Each break of test/fixtures/lenmsg_client.py, the requirement it breaks, and the scenario that shows it. */
const BREAKS: [string, number, string][] = [
  ['char-length', 100, 'client-data: the length counts the bytes*'],
  ['data-first', 101, 'client-remote: hello is the first message*'],
  ['strip', 102, 'client-data: data is delivered exactly*'],
  ['one-recv', 103, 'client-data: data in 1-byte writes*'],
  ['lenient', 104, 'client-failures: a body that is not UTF-8 JSON (lone continuation byte)*'],
  ['python-json', 104, 'client-failures: a body that is not UTF-8 JSON (NaN)*'],
  ['trust-length', 105, 'client-failures: a length one byte over*'],
  ['wait-forever', 106, 'client-failures: a central that closes in the middle of the body'],
  ['no-timeout', 107, 'client-failures: a central that never sends'],
  ['immortal', 108, 'client-remote: heartbeats keep*'],
  ['ignore-shutdown', 109, 'client-remote: shutdown stops*'],
  ['error-as-code', 110, 'client-remote: an error goes out as structured data: its name*'],
];

describe('conform --client, lenmsg', { concurrency: 1 }, () => {
  test('the example adapter passes every lenmsg client requirement', async () => {
    assertAllPass(await conformClient('lenmsg', python('examples/clients/lenmsg.py')), IDS);
  });

  test('an independent conforming remote passes every lenmsg client requirement', async () => {
    assertAllPass(await conformClient('lenmsg', fixture('lenmsg')), IDS);
  });

  breakTests('lenmsg', BREAKS);
});
