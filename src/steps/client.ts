/**
 * Steps of the @client-target features (features/<p>/client-target/): the suite plays the
 * server for a client under test (`conform --client`). "The client is told" writes an
 * action to the client's standard input; "the suite receives/answers" is the suite's server
 * on the connection the client opened; "the client reports" reads the client's standard
 * output, judged as it comes (src/conform/client/case.ts). The same steps serve every protocol.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { NonConformance, SuiteError } from '../conform/errors';
import { clientTarget } from '../conform/session';
import { bytesField } from '../conform/client/contract';
import type { ClientCase } from '../conform/client/case';
import { writeToClient } from '../conform/client/fuzz';
import { exactParse, type WriteOptions } from '../conform/driver';
import { everyByteValue } from './wire';
import type { WireWorld } from './world';

/** A scenario's world in a client run: the case's client process and scripted server. */
export interface ClientWorld extends WireWorld {
  clientCase?: ClientCase;
}

/** The scenario's client case (a protocol's own client steps use it too). */
export function underTest(world: ClientWorld): ClientCase {
  if (!world.clientCase) throw new SuiteError('suite error: the scenario did not start the client under test');
  return world.clientCase;
}

Given('the client under test is started', async function (this: ClientWorld) {
  const started = await clientTarget().start(this.trace);
  this.clientCase = started;
  this.finishers.push((passed) => started.finish(passed));
  this.cleanups.push(() => started.stop());
});

// ---- actions -------------------------------------------------------------------------------

When('the client is told to send {string}', function (this: ClientWorld, text: string) {
  underTest(this).tell({ action: 'send', ...bytesField(unescapeBytes(text)) });
});

When('the client is told to send every byte value {int} times', function (this: ClientWorld, times: number) {
  underTest(this).tell({ action: 'send', ...bytesField(everyByteValue(times)) });
});

When('the client is told to send {string} expecting {int} response(s)', function (this: ClientWorld, text: string, expect: number) {
  underTest(this).tell({ action: 'send', ...bytesField(unescapeBytes(text)), expect });
});

When('the client is told to receive {int} message(s)', function (this: ClientWorld, expect: number) {
  underTest(this).tell({ action: 'receive', expect });
});

When('the client is told to close', function (this: ClientWorld) {
  underTest(this).tell({ action: 'close' });
});

// ---- the suite's server: what the client sent ------------------------------------------------

/** Reads exactly `want` from the client's connection, within the suite's normal wait. */
async function expectFromClient(world: ClientWorld, want: Buffer, what: string): Promise<void> {
  const driver = await underTest(world).connection();
  const got = await driver.read(exactParse(want.length), world.timeoutMs, what);
  if (!got.equals(want)) throw new NonConformance(`expected the client to send ${what}, it sent "${escapeBytes(got.subarray(0, 120))}"`);
}

Then('the suite receives exactly {string}', async function (this: ClientWorld, text: string) {
  await expectFromClient(this, unescapeBytes(text), `"${text}"`);
});

Then('the suite receives every byte value {int} times', async function (this: ClientWorld, times: number) {
  await expectFromClient(this, everyByteValue(times), `every byte value ${times} times`);
});

Then('the suite receives nothing within {int} ms', async function (this: ClientWorld, ms: number) {
  const wait = this.quietMs(ms);
  const started = performance.now();
  const driver = await underTest(this).connectionWithin(wait);
  if (!driver) return; // not even a connection: nothing sent
  await driver.expectQuiet(Math.max(0, wait - (performance.now() - started)), `expected the client to send nothing within ${ms} ms`);
});

Then('the client closes its sending side, having sent nothing more', async function (this: ClientWorld) {
  const driver = await underTest(this).connection();
  const how = await driver.expectClosed(this.timeoutMs, 'expected the client to close its sending side');
  if (how !== 'FIN') throw new NonConformance('expected the client to close its sending side (FIN), it reset the connection');
  if (driver.unread.length) throw new NonConformance(`expected nothing more before the client's FIN, received "${escapeBytes(driver.unread.subarray(0, 120))}"`);
});

Then('the client closes the connection', async function (this: ClientWorld) {
  await (await underTest(this).connection()).expectClosed(this.timeoutMs, 'expected the client to close the connection');
});

// ---- the suite's server: what it sends -----------------------------------------------------

async function answer(world: ClientWorld, bytes: Buffer, options: WriteOptions = {}): Promise<void> {
  await writeToClient(await underTest(world).connection(), bytes, options);
}

When('the suite answers {string}', async function (this: ClientWorld, text: string) {
  await answer(this, unescapeBytes(text));
});

When('the suite answers {string} in {int}-byte writes with {int} ms between them', async function (this: ClientWorld, text: string, size: number, gap: number) {
  await answer(this, unescapeBytes(text), { pieceSize: size, delayMs: gap });
});

When('the suite answers {string} and closes the connection', async function (this: ClientWorld, text: string) {
  await answer(this, unescapeBytes(text));
  (await underTest(this).connection()).end();
});

When('the suite answers {string} and resets the connection', async function (this: ClientWorld, text: string) {
  await answer(this, unescapeBytes(text));
  (await underTest(this).connection()).reset();
});

When('the suite answers {string} repeated to one byte over the client\'s maximum, then {string}', async function (this: ClientWorld, fill: string, tail: string) {
  await answer(this, Buffer.concat([Buffer.alloc(underTest(this).maxBytes + 1, unescapeBytes(fill)), unescapeBytes(tail)]), { pieceSize: 64 * 1024 });
});

When('the suite answers {string} repeated to the client\'s maximum, then {string}', async function (this: ClientWorld, fill: string, tail: string) {
  await answer(this, Buffer.concat([Buffer.alloc(underTest(this).maxBytes, unescapeBytes(fill)), unescapeBytes(tail)]), { pieceSize: 64 * 1024 });
});

When('the suite answers every byte value {int} times in {int}-byte writes and closes the connection', async function (this: ClientWorld, times: number, size: number) {
  await answer(this, everyByteValue(times), { pieceSize: size });
  (await underTest(this).connection()).end();
});

// ---- the client's reports ------------------------------------------------------------------

Then('the client reports receiving {string}', async function (this: ClientWorld, text: string) {
  await underTest(this).expectReceived(unescapeBytes(text));
});

Then('the client reports receiving {string} repeated to the client\'s maximum', async function (this: ClientWorld, fill: string) {
  await underTest(this).expectReceived(Buffer.alloc(underTest(this).maxBytes, unescapeBytes(fill)));
});

Then('the client reports receiving the bytes {string}', async function (this: ClientWorld, text: string) {
  await underTest(this).expectReceivedStream(unescapeBytes(text));
});

Then('the client reports receiving every byte value {int} times', async function (this: ClientWorld, times: number) {
  await underTest(this).expectReceivedStream(everyByteValue(times));
});

Then('the client may report receiving {string}', async function (this: ClientWorld, text: string) {
  await underTest(this).mayReceivePrefix(unescapeBytes(text));
});

Then('the client reports the call done', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['done'], 'the client to report the call done');
});

Then('the client reports a protocol error', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['protocol-error'], 'the client to report a protocol error');
});

Then('the client reports a timeout within its timeout', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['timeout'], 'the client to report a timeout');
});

Then('the client reports the connection closed', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['closed'], 'the client to report the connection closed');
});

Then('the client reports the connection closed or an error', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['closed', 'error'], 'the client to report the connection closed or an error');
});
