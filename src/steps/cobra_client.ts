/**
 * Steps of features/cobra/client-target/: the suite plays a cobra server on the two
 * connections the client under test opens, the file port ({port}, the generic steps of
 * src/steps/client.ts: "the suite receives/answers ...") and the control port ({port2},
 * here). What only cobra knows is here too: the `load` and `next` actions, and a reported
 * message judged as the JSON the suite sent.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { controlConnection, deliversMessage, expectMessage, line } from '../conform/cobra/client';
import { writeToClient } from '../conform/client/fuzz';
import { exactParse, lineParse, type WireDriver } from '../conform/driver';
import { NonConformance } from '../conform/errors';
import type { OutputEvent, StandbyStatus } from '../impl/cobra/protocol';
import { underTest, type ClientWorld } from './client';

const PROGRAM = '/srv/cobra/hello.py';
const FIRST_STATUS: StandbyStatus = { state: 'STANDBY', file: PROGRAM, line: 1, offset: 0, opcode: 151, arg: 0, opname: 'RESUME', argrepr: '' };

When('the client is told to load {string}', function (this: ClientWorld, path: string) {
  underTest(this).tell({ action: 'load', path: unescapeBytes(path).toString('utf8') });
});

When('the client is told to step', function (this: ClientWorld) {
  underTest(this).tell({ action: 'next' });
});

/** A message the step writes as JSON text. */
const stepMessage = (json: string): unknown => JSON.parse(unescapeBytes(json).toString('utf8'));

Given('the client has loaded a program, stopped before its first instruction', async function (this: ClientWorld) {
  const client = underTest(this);
  client.tell({ action: 'load', path: 'hello.py' });
  await (await client.connection()).read(lineParse, this.timeoutMs, 'the path of the program, on the file port');
  await writeToClient(await client.connection(), line({ ok: true, file: PROGRAM }));
  await writeToClient(await controlConnection(client), line(FIRST_STATUS));
  await expectMessage(client, { ok: true, file: PROGRAM });
  await expectMessage(client, FIRST_STATUS);
  await client.expectEnd(['done'], 'the client to report the program loaded');
});

// ---- the control port ----------------------------------------------------------------------

Then('the suite receives exactly {string} on the control port', async function (this: ClientWorld, text: string) {
  const want = unescapeBytes(text);
  const got = await (await controlConnection(underTest(this))).read(exactParse(want.length), this.timeoutMs, `"${text}" on the control port`);
  if (!got.equals(want)) throw new NonConformance(`expected the client to send "${text}" on the control port, it sent "${escapeBytes(got)}"`);
});

Then('the suite receives the path {string} on the file port, on its connection or a new one', async function (this: ClientWorld, text: string) {
  const want = unescapeBytes(text);
  const got = await nextFileLine(this);
  if (!Buffer.concat([got, Buffer.from('\n')]).equals(want)) throw new NonConformance(`expected the client to send "${text}" on the file port, it sent "${escapeBytes(got)}\\n"`);
});

/**
 * The next line on the file port: on the connection the case has, or on a new one the client
 * opens for it (PROTOCOLS.md §6 allows either; a new one becomes the case's file connection).
 */
async function nextFileLine(world: ClientWorld): Promise<Buffer> {
  const client = underTest(world);
  const what = 'a path on the file port';
  const onCurrent = (await client.connection()).read(lineParse, world.timeoutMs, what).then((path) => path, () => undefined);
  const onNew = client.nextConnection(0).then((conn) => conn, () => undefined);
  const first = await Promise.race([onCurrent.then((path) => ({ path })), onNew.then((conn) => ({ conn }))]);
  if ('path' in first && first.path) return first.path;
  const conn = 'conn' in first ? first.conn : await onNew;
  if (!conn) throw new NonConformance(`expected ${what} within ${world.timeoutMs} ms, on the client's file connection or a new one`);
  return conn.read(lineParse, world.timeoutMs, what);
}

async function toControl(world: ClientWorld, bytes: Buffer, pieceSize?: number, delayMs?: number): Promise<WireDriver> {
  const conn = await controlConnection(underTest(world));
  await writeToClient(conn, bytes, { pieceSize, delayMs });
  return conn;
}

When('the suite answers {string} on the control port', async function (this: ClientWorld, text: string) {
  await toControl(this, unescapeBytes(text));
});

When('the suite answers {string} on the control port in {int}-byte writes with {int} ms between them', async function (this: ClientWorld, text: string, size: number, gap: number) {
  await toControl(this, unescapeBytes(text), size, gap);
});

When('the suite answers {string} on the control port and closes it', async function (this: ClientWorld, text: string) {
  (await toControl(this, unescapeBytes(text))).end();
});

When('the suite answers {string} on the control port and resets it', async function (this: ClientWorld, text: string) {
  (await toControl(this, unescapeBytes(text))).reset();
});

When('the suite closes both connections', async function (this: ClientWorld) {
  (await controlConnection(underTest(this))).end();
  (await underTest(this).connection()).end();
});

/** An output event whose line (without its LF) is `length` bytes. */
function outputOfLength(length: number): OutputEvent {
  const empty = line({ event: 'output', stream: 'stdout', text: '' }).length - 1;
  return { event: 'output', stream: 'stdout', text: 'x'.repeat(length - empty) };
}

When('the suite answers an output event one byte over the client\'s maximum, then a status, on the control port', async function (this: ClientWorld) {
  await toControl(this, Buffer.concat([line(outputOfLength(underTest(this).maxBytes + 1)), line(FIRST_STATUS)]), 64 * 1024);
});

When('the suite answers an output event of exactly the client\'s maximum, then a status, on the control port', async function (this: ClientWorld) {
  await toControl(this, Buffer.concat([line(outputOfLength(underTest(this).maxBytes)), line(FIRST_STATUS)]), 64 * 1024);
});

// ---- the client's reports ------------------------------------------------------------------

Then('the client reports receiving the message {string}', async function (this: ClientWorld, json: string) {
  await expectMessage(underTest(this), stepMessage(json));
});

Then('the client reports receiving the output event of exactly its maximum, then the status', async function (this: ClientWorld) {
  const client = underTest(this);
  await expectMessage(client, outputOfLength(client.maxBytes), 'the client to report the output event of its maximum');
  await expectMessage(client, FIRST_STATUS);
});

Then('the client may report receiving the message {string}', async function (this: ClientWorld, json: string) {
  const client = underTest(this);
  const report = await client.report(`the client's next report`);
  if (!deliversMessage(report, stepMessage(json))) client.unread(report);
});
