/**
 * lenmsg steps of the @client-target features (features/lenmsg/client-target/): the client
 * under test is a remote and the suite plays the central. "The remote" is the client under
 * test; "the central" is the suite: its server, which the remote's client connects to, and
 * its connection back to the remote's own server, where it sends data, heartbeats and
 * shutdown. What the remote sends is read by the suite's own strict parser
 * (src/conform/lenmsg/client.ts). Times in heartbeat steps scale with --timeout-scale.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { unescapeBytes } from '../conform/bytes-text';
import {
  connectBack, expectDataMessage, nextSent, QUIET_HEARTBEAT_MS, readHello, reportedBody, startedRemote, tellStart, type StartedRemote,
} from '../conform/lenmsg/client';
import { dataFrame, lengthHeader, preview, rawFrame, sameEcho } from '../conform/lenmsg/remote';
import { encodeMessage } from '../impl/lenmsg/framer';
import { NonConformance, SuiteError } from '../conform/errors';
import { session } from '../conform/session';
import { underTest, type ClientWorld } from './client';

/** Scheduling slack allowed on top of 3 heartbeat intervals before a remote must have stopped (times --timeout-scale). */
const STOP_SLACK_MS = 250;
/** The earliest a remote may stop, in intervals after the last heartbeat sent: 3, less room for a timer that fires early. */
const EARLIEST_AFTER_HEARTBEAT = 2.4;
/** The same after its hello when no heartbeat was sent: the remote may have armed its timer a little before saying hello. */
const EARLIEST_AFTER_HELLO = 2;

interface RemoteWorld extends ClientWorld {
  remote?: StartedRemote;
  /** The heartbeat interval the remote was told (scaled). */
  heartbeatMs?: number;
  heartbeatSeq?: number;
  lastHeartbeatAt?: number;
  shutdownAt?: number;
}

const scaled = (ms: number) => ms * session().timeoutScale;

function remoteOf(world: RemoteWorld): StartedRemote {
  if (!world.remote) throw new SuiteError('suite error: the scenario has not connected back to the remote');
  return world.remote;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new SuiteError(`suite error: the step's JSON does not parse: ${text}`);
  }
};

// ---- the remote's start ----------------------------------------------------------------------

Given('the remote under test has started and said hello', async function (this: RemoteWorld) {
  this.remote = await startedRemote(underTest(this));
});

When('the remote is told to start', function (this: RemoteWorld) {
  tellStart(underTest(this), QUIET_HEARTBEAT_MS);
});

When('the remote is told to start with a heartbeat interval of {int} ms', function (this: RemoteWorld, ms: number) {
  this.heartbeatMs = scaled(ms);
  tellStart(underTest(this), this.heartbeatMs);
});

Then('the remote\'s first message to the central is a hello naming its own server', async function (this: RemoteWorld) {
  const client = underTest(this);
  const said = await readHello(client, true);
  this.remote = { ...said, link: await connectBack(client, said.hello) };
});

Then('the remote says hello and the central connects back', async function (this: RemoteWorld) {
  const client = underTest(this);
  const said = await readHello(client, false);
  await client.expectEnd(['done'], 'the remote to report its start done');
  this.remote = { ...said, link: await connectBack(client, said.hello) };
});

// ---- what the remote sends -------------------------------------------------------------------

When('the client is told to send the data {string}', function (this: RemoteWorld, json: string) {
  underTest(this).tell({ action: 'send', body: parseJson(json) });
});

When('the client is told to send the error {string} with the message {string}', function (this: RemoteWorld, name: string, message: string) {
  underTest(this).tell({ action: 'send-error', name, message });
});

Then('the central receives the data message {string}', async function (this: RemoteWorld, json: string) {
  const what = `a data message holding ${json}`;
  expectDataMessage(await nextSent(remoteOf(this).toCentral, this.timeoutMs, what), parseJson(json), what);
});

Then('the central receives an error message named {string} with the message {string}', async function (this: RemoteWorld, name: string, message: string) {
  const what = `an error named ${name} sent as structured data`;
  const sent = (await nextSent(remoteOf(this).toCentral, this.timeoutMs, what)) as { type?: unknown; body?: { error?: Record<string, unknown> } };
  const error = sent?.type === 'data' ? sent.body?.error : undefined;
  if (typeof error !== 'object' || error === null || !['name', 'message', 'stack'].every((k) => typeof error[k] === 'string')) {
    throw new NonConformance(`expected ${what}, {"type":"data","body":{"error":{"name","message","stack"}}} with three strings; the remote sent ${preview(sent)}`);
  }
  if (error.name !== name || error.message !== message) {
    throw new NonConformance(`expected ${what} with the message ${JSON.stringify(message)}; it is named ${preview(error.name)} with the message ${preview(error.message)}`);
  }
});

Then('the remote closes its connection to the central, having sent nothing more', async function (this: RemoteWorld) {
  const { toCentral } = remoteOf(this);
  await toCentral.expectClosed(this.timeoutMs, 'expected the remote to close its connection to the central');
  if (toCentral.unread.length) throw new NonConformance(`expected nothing more before the remote's close, received ${toCentral.unread.length} more bytes`);
});

// ---- what the central sends ------------------------------------------------------------------

async function send(world: RemoteWorld, bytes: Buffer, options: { pieceSize?: number; delayMs?: number } = {}): Promise<void> {
  await remoteOf(world).link.write(bytes, options);
}

When('the central sends the data {string}', async function (this: RemoteWorld, json: string) {
  await send(this, dataFrame(parseJson(json)));
});

When('the central sends the data messages {string} in one write', async function (this: RemoteWorld, json: string) {
  await send(this, Buffer.concat((parseJson(json) as unknown[]).map(dataFrame)));
});

When('the central sends the data messages {string} in {int}-byte writes with {int} ms between them', async function (this: RemoteWorld, json: string, size: number, gap: number) {
  await send(this, Buffer.concat((parseJson(json) as unknown[]).map(dataFrame)), { pieceSize: size, delayMs: gap });
});

/** A long string, cut so that its data message fits the remote's maximum when that is less: the case is about its size against one segment. */
const longText = (world: RemoteWorld, n: number, fill: string) =>
  fill.repeat(Math.min(n, Math.floor((underTest(world).maxBytes - 64) / Buffer.byteLength(JSON.stringify(fill).slice(1, -1)))));

When('the central sends the data of {int} characters of {string}, within the remote\'s maximum, in {int}-byte writes', async function (this: RemoteWorld, n: number, fill: string, size: number) {
  await send(this, dataFrame(longText(this, n, fill)), { pieceSize: size });
});

When('the central sends a frame holding {string}', async function (this: RemoteWorld, text: string) {
  await send(this, rawFrame(unescapeBytes(text)));
});

function heartbeat(world: RemoteWorld): Buffer {
  world.heartbeatSeq = (world.heartbeatSeq ?? 0) + 1;
  return encodeMessage({ type: 'heartbeat', seq: world.heartbeatSeq });
}

When('the central sends a heartbeat', async function (this: RemoteWorld) {
  await send(this, heartbeat(this));
});

When('the central sends a length header announcing one byte more than the remote\'s maximum', async function (this: RemoteWorld) {
  await send(this, lengthHeader(Math.min(underTest(this).maxBytes + 1, 0xffffffff)));
});

When('the central sends a length header announcing {int} bytes', async function (this: RemoteWorld, length: number) {
  await send(this, lengthHeader(length));
});

When('the central sends a length header announcing the remote\'s maximum, then {string} and closes its connection', async function (this: RemoteWorld, text: string) {
  await send(this, Buffer.concat([lengthHeader(underTest(this).maxBytes), unescapeBytes(text)]));
  remoteOf(this).link.end();
});

When('the central sends the first {int} bytes of the data {string}', async function (this: RemoteWorld, n: number, json: string) {
  await send(this, dataFrame(parseJson(json)).subarray(0, n));
});

When('the central sends the first {int} bytes of the data {string} and closes its connection', async function (this: RemoteWorld, n: number, json: string) {
  await send(this, dataFrame(parseJson(json)).subarray(0, n));
  remoteOf(this).link.end();
});

When('the central sends the first {int} bytes of the data {string} and resets its connection', async function (this: RemoteWorld, n: number, json: string) {
  await send(this, dataFrame(parseJson(json)).subarray(0, n));
  remoteOf(this).link.reset();
});

When('the central sends shutdown', async function (this: RemoteWorld) {
  await send(this, encodeMessage({ type: 'shutdown' }));
  this.shutdownAt = performance.now();
});

When('the central sends a heartbeat every {int} ms for {int} ms', async function (this: RemoteWorld, every: number, ms: number) {
  const { toCentral, link } = remoteOf(this);
  const until = performance.now() + scaled(ms);
  while (performance.now() < until) {
    if (toCentral.isClosed || link.isClosed) {
      throw new NonConformance(`the remote stopped while a heartbeat came every ${Math.round(scaled(every))} ms (its interval: ${Math.round(this.heartbeatMs ?? 0)} ms)`);
    }
    await send(this, heartbeat(this));
    this.lastHeartbeatAt = performance.now();
    await delay(scaled(every));
  }
});

// ---- the remote's reports --------------------------------------------------------------------

Then('the client reports receiving the data {string}', async function (this: RemoteWorld, json: string) {
  await expectData(this, parseJson(json));
});

Then('the client reports receiving the data of {int} characters of {string}, within its maximum', async function (this: RemoteWorld, n: number, fill: string) {
  await expectData(this, longText(this, n, fill));
});

async function expectData(world: RemoteWorld, body: unknown): Promise<void> {
  const what = `the remote to report receiving the data ${preview(body)}`;
  const got = reportedBody((await underTest(world).received(what)).bytes);
  if (!sameEcho(body, got)) throw new NonConformance(`expected ${what}; it reported receiving ${preview(got)}`);
}

Then('the client may report receiving the data {string}', async function (this: RemoteWorld, json: string) {
  const client = underTest(this);
  const report = await client.report('the remote\'s next report');
  if (report.event === 'received' && sameEcho(parseJson(json), reportedBody(report.bytes))) return;
  client.unread(report);
});

Then('the remote closes the central\'s connection', async function (this: RemoteWorld) {
  await remoteOf(this).link.expectClosed(this.timeoutMs, 'expected the remote to close the connection that broke the framing');
});

// ---- stopping --------------------------------------------------------------------------------

When('the client is told to wait for the remote to stop', function (this: RemoteWorld) {
  underTest(this).tell({ action: 'wait-stop' });
});

/** Waits for the remote to close its connection to the central, which must happen between `earliest` and `latest` ms after `since`. */
async function expectStop(world: RemoteWorld, since: number, earliest: number, latest: number, what: string): Promise<void> {
  const { toCentral } = remoteOf(world);
  const closed = await toCentral.closedWithin(Math.max(0, since + latest - performance.now()));
  const after = Math.round(performance.now() - since);
  if (!closed) throw new NonConformance(`expected the remote to stop (close its connection to the central) within ${Math.round(latest)} ms of ${what}; it is still running`);
  if (after < earliest) throw new NonConformance(`the remote stopped ${after} ms after ${what}: before 3 heartbeat intervals of ${Math.round(world.heartbeatMs ?? 0)} ms were missed`);
}

function interval(world: RemoteWorld): number {
  if (world.heartbeatMs === undefined) throw new SuiteError('suite error: the scenario told the remote no heartbeat interval');
  return world.heartbeatMs;
}

Then('the remote stops 3 heartbeat intervals after the last heartbeat', async function (this: RemoteWorld) {
  if (this.lastHeartbeatAt === undefined) throw new SuiteError('suite error: the scenario sent no heartbeat');
  const i = interval(this);
  await expectStop(this, this.lastHeartbeatAt, EARLIEST_AFTER_HEARTBEAT * i, 3 * i + scaled(STOP_SLACK_MS), 'the last heartbeat');
});

Then('the remote stops 3 heartbeat intervals after its hello', async function (this: RemoteWorld) {
  const i = interval(this);
  await expectStop(this, remoteOf(this).helloAt, EARLIEST_AFTER_HELLO * i, 3 * i + scaled(STOP_SLACK_MS), 'its hello, with no heartbeat');
});

Then('the remote stops within {int} ms of the shutdown', async function (this: RemoteWorld, ms: number) {
  if (this.shutdownAt === undefined) throw new SuiteError('suite error: the scenario sent no shutdown');
  await expectStop(this, this.shutdownAt, 0, scaled(ms), 'the shutdown');
});

Then('the client reports the remote stopped', async function (this: RemoteWorld) {
  await underTest(this).expectEnd(['done'], 'the remote to report that it stopped');
});

Then('the remote\'s server is closed', async function (this: RemoteWorld) {
  const { link, hello } = remoteOf(this);
  await link.expectClosed(this.timeoutMs, 'expected the remote to close the central\'s connection to its server when it stopped');
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hello.host, port: hello.port }, () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(true));
  });
  if (!refused) throw new NonConformance(`the remote stopped, but its server at ${hello.host}:${hello.port} still accepts connections`);
});
