/**
 * Steps of features/http/client-target/: the suite plays an HTTP/1.1 server by hand, on the
 * raw connection the client under test opened (src/steps/client.ts holds the generic steps:
 * "the suite answers ...", the terminal reports). What only http knows is here: the `get`
 * and `head` actions, the request head, and a response reported as `status`, `headers` and body.
 */
import { When, Then } from '@cucumber/cucumber';
import { unescapeBytes } from '../conform/bytes-text';
import { NonConformance } from '../conform/errors';
import { chunk, headParse, lastChunk, reportedResponse, requestHeadFault, responseFault, responseHead, type Field } from '../conform/http/client-wire';
import { writeToClient } from '../conform/client/fuzz';
import { underTest, type ClientWorld } from './client';
import { everyByteValue } from './wire';

When('the client is told to get {string}', function (this: ClientWorld, path: string) {
  underTest(this).tell({ action: 'get', path });
});

When('the client is told to head {string}', function (this: ClientWorld, path: string) {
  underTest(this).tell({ action: 'head', path });
});

/** The request head the client sent on its connection, within the suite's normal wait. */
async function requestHead(world: ClientWorld): Promise<Buffer> {
  return (await underTest(world).connection()).read(headParse, world.timeoutMs, 'a request head (ended by an empty line)');
}

Then('the suite receives the request line {string} and a valid head', async function (this: ClientWorld, line: string) {
  const head = await requestHead(this);
  const [method, target] = line.split(' ');
  const { host, port } = underTest(this).server.endpoint;
  const fault = requestHeadFault(head, method, target, `${host}:${port}`);
  if (fault) throw new NonConformance(`the client's request head is wrong: ${fault}`);
});

Then('the suite receives a request', async function (this: ClientWorld) {
  await requestHead(this);
});

// ---- what the suite's server sends beyond the generic steps ---------------------------------

async function send(world: ClientWorld, bytes: Buffer): Promise<void> {
  await writeToClient(await underTest(world).connection(), bytes, { pieceSize: 64 * 1024 });
}

When('the suite answers every byte value {int} times with a Content-Length', async function (this: ClientWorld, times: number) {
  const body = everyByteValue(times);
  await send(this, Buffer.concat([responseHead(200, 'OK', [['Content-Length', ` ${body.length}`]]), body]));
});

When('the suite answers {string} repeated to the client\'s maximum with a Content-Length', async function (this: ClientWorld, fill: string) {
  const body = Buffer.alloc(underTest(this).maxBytes, unescapeBytes(fill));
  await send(this, Buffer.concat([responseHead(200, 'OK', [['Content-Length', ` ${body.length}`]]), body]));
});

/** The ways a body one byte over the client's maximum reaches it (SRS-HTTP-109); the suite then sends nothing more. */
const OVERSIZED: Record<string, (body: Buffer) => Buffer[]> = {
  'a Content-Length': (body) => [responseHead(200, 'OK', [['Content-Length', ` ${body.length}`]]), body],
  'a Content-Length of 2^40': (body) => [responseHead(200, 'OK', [['Content-Length', ` ${2 ** 40}`]]), body],
  'chunks of 4096 bytes': (body) => {
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 4096) chunks.push(chunk(body.subarray(at, at + 4096)));
    return [responseHead(200, 'OK', [['Transfer-Encoding', ' chunked']]), ...chunks];
  },
  'one chunk': (body) => [responseHead(200, 'OK', [['Transfer-Encoding', ' chunked']]), Buffer.from(`${body.length.toString(16)}\r\n`), body],
  'bytes to the close': (body) => [responseHead(200, 'OK', []), body],
};

When('the suite answers a body one byte over the client\'s maximum in {string}, then stalls', async function (this: ClientWorld, framing: string) {
  const build = OVERSIZED[framing];
  if (!build) throw new Error(`no framing "${framing}" (known: ${Object.keys(OVERSIZED).join(', ')})`);
  await send(this, Buffer.concat(build(Buffer.alloc(underTest(this).maxBytes + 1, 'z'))));
});

When('the suite answers a chunked body of {string} in chunks of {string}', async function (this: ClientWorld, text: string, sizes: string) {
  const body = unescapeBytes(text);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of sizes.split(',').map(Number)) {
    chunks.push(chunk(body.subarray(at, at + size)));
    at += size;
  }
  if (at !== body.length) throw new Error(`chunk sizes ${sizes} do not add up to ${body.length} bytes`);
  await send(this, Buffer.concat([responseHead(200, 'OK', [['Transfer-Encoding', ' chunked']]), ...chunks, lastChunk()]));
});

// ---- what the client reports --------------------------------------------------------------

/** One `received` report judged as the response with this status and body (and these fields, where reported). */
async function expectResponse(world: ClientWorld, status: number, body: Buffer, fields: Field[] = []): Promise<void> {
  const what = `the client to report the response (status ${status}, a body of ${body.length} bytes)`;
  const fault = responseFault(reportedResponse(await underTest(world).received(what)), status, body, fields);
  if (fault) throw new NonConformance(fault);
}

Then('the client reports status {int} and the body {string}', async function (this: ClientWorld, status: number, body: string) {
  await expectResponse(this, status, unescapeBytes(body));
});

Then('the client reports status {int} and the body {string}, with any {string} field it reports as {string}', async function (this: ClientWorld, status: number, body: string, name: string, value: string) {
  await expectResponse(this, status, unescapeBytes(body), [[name, value]]);
});

Then('the client reports status {int} and every byte value {int} times as the body', async function (this: ClientWorld, status: number, times: number) {
  await expectResponse(this, status, everyByteValue(times));
});

Then('the client reports status {int} and {string} repeated to the client\'s maximum as the body', async function (this: ClientWorld, status: number, fill: string) {
  await expectResponse(this, status, Buffer.alloc(underTest(this).maxBytes, unescapeBytes(fill)));
});

Then('the client reports status {int} and the body {string}, or a protocol error', async function (this: ClientWorld, status: number, body: string) {
  const client = underTest(this);
  const report = await client.report('the client to report the response, or a protocol error');
  client.unread(report);
  if (report.event === 'received') {
    await expectResponse(this, status, unescapeBytes(body));
    await client.expectEnd(['done'], 'the client to report the call done');
  } else {
    await client.expectEnd(['protocol-error'], 'the client to report the response, or a protocol error');
  }
});

Then('the client reports the response incomplete', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['closed', 'protocol-error'], 'the client to report the response incomplete (the connection closed, or a protocol error)');
});

Then('the client reports the response incomplete or an error', async function (this: ClientWorld) {
  await underTest(this).expectEnd(['closed', 'protocol-error', 'error'], 'the client to report the response incomplete (closed, a protocol error, or an error after the reset)');
});
