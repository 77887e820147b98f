/**
 * Steps of the http features: requests through Node's http client or as raw bytes,
 * judgements on the answer, and the reference server and client.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { READ_AHEAD_BYTES, type Endpoint, type Parse } from '../conform/driver';
import { NonConformance } from '../conform/errors';
import { PROJECT_ROOT } from '../conform/srs';
import {
  describeAnswer, httpRequest, isSuccess, mediaType, rawExchange, requestBytes, requestLineBytes, splitHead, type HttpAnswer, type RawAnswer,
} from '../conform/http/exchange';
import {
  CANARY_NAME, FIXTURE_FILES, FIXTURE_ROOT, fixtureBytes, LARGE_FILE, LARGE_FILE_SIZE, largeFileBytes, requireOwnedRoot,
} from '../conform/http/fixture';
import { expectRefused } from '../conform/http/verdicts';
import { get, type HttpResponse } from '../impl/http/client';
import { startHttpServer } from '../impl/http/server';
import { startCommand } from './cli';
import { defineReferenceServerSteps, keepReference, type ReferenceWorld } from './reference';

const MiB = 1024 * 1024;

/** An answer as the steps judge it, whichever way it was asked. */
interface Answer {
  /** What was asked, for messages. */
  asked: string;
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Every byte received, where the request went on the raw wire. */
  raw?: RawAnswer;
}

interface HttpWorld extends ReferenceWorld {
  answer?: Answer;
  headAnswer?: Answer;
  /** A file the scenario's own reference server serves, and its SHA-256. */
  bigFile?: { name: string; size: number; sha256: string };
  download?: Download;
  clientResult?: HttpResponse;
  clientFailure?: Error;
  cli?: { code: number; stdout: Buffer; stderr: string };
  /** Where `wireproof serve http` listens, when the scenario started it. */
  served?: { host: string; port: number };
}

const fromHttp = (asked: string, a: HttpAnswer): Answer => ({ asked, status: a.status, headers: a.headers, body: a.body });

function fromRaw(asked: string, raw: RawAnswer): Answer {
  const split = splitHead(raw.raw);
  return { asked, status: raw.status, headers: split?.headers ?? {}, body: split?.body ?? Buffer.alloc(0), raw };
}

/** The bytes the target must serve for a name of the fixture root (or the generated large file). */
const expectedBytes = (name: string) => (name === LARGE_FILE ? Promise.resolve(largeFileBytes()) : fixtureBytes(name));

const withAuthority = (world: HttpWorld, text: string) => text.replaceAll('{authority}', `${world.endpoint.host}:${world.endpoint.port}`);

function answerOf(world: HttpWorld): Answer {
  if (!world.answer) throw new Error('no http answer in this scenario yet');
  return world.answer;
}

const shown = (a: Answer) => (a.raw ? describeAnswer(a.raw) : `${a.status} with ${a.body.length} bytes`);

async function askWire(world: HttpWorld, bytes: Buffer, asked: string): Promise<void> {
  world.answer = fromRaw(asked, await rawExchange(world.endpoint, world.trace, bytes, world.timeoutMs));
}

// ---- asking the target -----------------------------------------------------------------------

When('an http client GETs {string}', async function (this: HttpWorld, target: string) {
  this.answer = fromHttp(`GET ${target}`, await httpRequest(this.endpoint, this.trace, { path: target }, this.timeoutMs));
});

When('an http client GETs the large generated file', async function (this: HttpWorld) {
  requireOwnedRoot(this.root, `the ${LARGE_FILE} case`);
  this.answer = fromHttp(`GET /${LARGE_FILE}`, await httpRequest(this.endpoint, this.trace, { path: `/${LARGE_FILE}`, maxBody: LARGE_FILE_SIZE + READ_AHEAD_BYTES }, this.timeoutMs * 5));
});

When('an http client GETs the symlink {string}', async function (this: HttpWorld, name: string) {
  requireOwnedRoot(this.root, 'a symlink case');
  await askWire(this, requestBytes(this.endpoint, 'GET', `/${name}`), `GET /${name}`);
});

When('an http client sends a/an {word} request for {string}', async function (this: HttpWorld, method: string, target: string) {
  this.answer = fromHttp(`${method} ${target}`, await httpRequest(this.endpoint, this.trace, { method, path: target }, this.timeoutMs));
});

When('an http client requests {string} on the wire', async function (this: HttpWorld, target: string) {
  const exact = withAuthority(this, target);
  await askWire(this, requestBytes(this.endpoint, 'GET', exact), `GET ${exact}`);
});

When('an http client requests the canary\'s absolute path on the wire', async function (this: HttpWorld) {
  const target = `/${path.join(requireOwnedRoot(this.root, 'the absolute path of the canary'), '..', CANARY_NAME)}`;
  await askWire(this, requestBytes(this.endpoint, 'GET', target), `GET ${target}`);
});

When('an http client requests a path of {int} bytes on the wire', async function (this: HttpWorld, length: number) {
  const target = `/${'a'.repeat(length - 1)}`;
  await askWire(this, requestBytes(this.endpoint, 'GET', target), `GET of a ${length}-byte path`);
});

When('an http client sends the request line {string} on the wire', async function (this: HttpWorld, line: string) {
  await askWire(this, requestLineBytes(this.endpoint, unescapeBytes(line)), `request line "${line}"`);
});

/** For the cases that judge only what comes after: silence or an answer that is no HTTP are the target's business here. */
When('an http client sends the request line {string} on the wire, whatever the answer', async function (this: HttpWorld, line: string) {
  await rawExchange(this.endpoint, this.trace, requestLineBytes(this.endpoint, unescapeBytes(line)), this.timeoutMs).catch((err: unknown) => {
    if (!(err instanceof NonConformance)) throw err;
  });
});

When('an http client sends {string} on the wire', async function (this: HttpWorld, text: string) {
  await askWire(this, unescapeBytes(withAuthority(this, text)), `"${text}"`);
});

When('an http client sends HEAD {string} on the wire, and GETs it', async function (this: HttpWorld, target: string) {
  this.headAnswer = fromRaw(`HEAD ${target}`, await rawExchange(this.endpoint, this.trace, requestBytes(this.endpoint, 'HEAD', target), this.timeoutMs));
  this.answer = fromHttp(`GET ${target}`, await httpRequest(this.endpoint, this.trace, { path: target }, this.timeoutMs));
});

// ---- judging the answer ------------------------------------------------------------------------

Then('the http answer is {int} with the exact bytes of {string} and their Content-Length, if it sends one', async function (this: HttpWorld, status: number, name: string) {
  const answer = answerOf(this);
  const want = await expectedBytes(name);
  assert.equal(answer.status, status, `${answer.asked}: answered ${shown(answer)}`);
  const length = answer.headers['content-length'];
  if (length !== undefined) assert.equal(length, String(want.length), `${answer.asked}: Content-Length ${length} for ${want.length} bytes`);
  if (!answer.body.equals(want)) {
    const at = answer.body.findIndex((b, i) => b !== want[i]);
    throw new NonConformance(`${answer.asked}: ${answer.body.length} bytes that are not those of ${name} (${want.length} bytes; first difference at byte ${at === -1 ? Math.min(answer.body.length, want.length) : at})`);
  }
});

Then('the http answer\'s status is {int}', function (this: HttpWorld, status: number) {
  const answer = answerOf(this);
  assert.equal(answer.status, status, `${answer.asked}: answered ${shown(answer)}`);
});

Then('the http answer\'s status is one of {string}', function (this: HttpWorld, list: string) {
  const answer = answerOf(this);
  const allowed = list.split(/,\s*/).map(Number);
  if (!allowed.includes(answer.status ?? 0)) throw new NonConformance(`${answer.asked}: answered ${shown(answer)}, expected one of ${list}`);
});

Then('the http answer is a 2xx, or its status is one of {string}', function (this: HttpWorld, list: string) {
  const answer = answerOf(this);
  const allowed = list.split(/,\s*/).map(Number);
  if (!isSuccess(answer.status) && !allowed.includes(answer.status ?? 0)) {
    throw new NonConformance(`${answer.asked}: answered ${shown(answer)}, expected a 2xx or one of ${list}`);
  }
});

Then('the http answer carries a Content-Length or a chunked Transfer-Encoding', function (this: HttpWorld) {
  const answer = answerOf(this);
  const chunked = /(^|,)\s*chunked\s*$/i.test(String(answer.headers['transfer-encoding'] ?? ''));
  if (answer.headers['content-length'] === undefined && !chunked) {
    throw new NonConformance(`${answer.asked}: answered ${shown(answer)} with neither Content-Length nor chunked Transfer-Encoding: its end is only the close of the connection`);
  }
});

Then('the http answer is typed {string}', function (this: HttpWorld, type: string) {
  const answer = answerOf(this);
  const got = answer.headers['content-type'] as string | undefined;
  if (mediaType(got) !== type) throw new NonConformance(`${answer.asked}: Content-Type ${JSON.stringify(got)}, expected ${type}`);
});

Then('the http answer\'s Content-Type is exactly {string}', function (this: HttpWorld, value: string) {
  const answer = answerOf(this);
  assert.equal(answer.headers['content-type'], value, `${answer.asked}: Content-Type`);
});

Then('the http answer has the header {string}', function (this: HttpWorld, field: string) {
  const answer = answerOf(this);
  const [name, value] = field.split(/:\s*/, 2);
  assert.equal(answer.headers[name.toLowerCase()], value, `${answer.asked}: header ${name}`);
});

Then('the http answer refuses it, without bytes from outside the root', async function (this: HttpWorld) {
  const answer = answerOf(this);
  const raw = answer.raw ?? { raw: answer.body, status: answer.status, closed: true };
  await expectRefused(this.root, answer.asked, raw);
});

Then('the http answer is not a success and does not hold the bytes of {string}', async function (this: HttpWorld, name: string) {
  const answer = answerOf(this);
  if (isSuccess(answer.status)) throw new NonConformance(`${answer.asked}: answered ${shown(answer)}`);
  if ((answer.raw?.raw ?? answer.body).includes(await fixtureBytes(name))) throw new NonConformance(`${answer.asked}: the answer holds the bytes of ${name}`);
});

Then('the http answer is a 4xx or a closed connection', function (this: HttpWorld) {
  const answer = answerOf(this);
  const { status } = answer;
  const ok = status === undefined ? answer.raw?.closed : status >= 400 && status < 500;
  if (!ok) throw new NonConformance(`${answer.asked}: answered ${shown(answer)}, expected a 4xx or a close`);
});

/** The methods an Allow header lists (method tokens are case-sensitive: RFC 9110 §9.1). */
function allowedMethods(answer: Answer): string[] {
  const allow = answer.headers.allow;
  return (Array.isArray(allow) ? allow.join(',') : allow ?? '').split(',').map((m) => m.trim()).filter(Boolean);
}

/** An Allow header that lists GET and HEAD (and, where given, not the method just refused). */
function expectAllowListsGetAndHead(answer: Answer, refused?: string): void {
  const listed = allowedMethods(answer);
  const allow = JSON.stringify(answer.headers.allow ?? null);
  if (answer.headers.allow === undefined) throw new NonConformance(`${answer.asked}: ${answer.status} without an Allow header`);
  if (!listed.includes('GET') || !listed.includes('HEAD')) throw new NonConformance(`${answer.asked}: ${answer.status} with Allow ${allow}, which does not list GET and HEAD`);
  if (refused && listed.includes(refused)) throw new NonConformance(`${answer.asked}: 405 with Allow ${allow}, which lists the method it refused`);
}

Then('a 405 answer carries an Allow header listing GET and HEAD, and not {word}', function (this: HttpWorld, method: string) {
  const answer = answerOf(this);
  if (answer.status === 405) expectAllowListsGetAndHead(answer, method);
});

Then('a 2xx answer carries an Allow header listing GET and HEAD', function (this: HttpWorld) {
  const answer = answerOf(this);
  if (isSuccess(answer.status)) expectAllowListsGetAndHead(answer);
});

/** Each method a 2xx's Allow lists is asked for the same path again: a 405 or 501 then says the Allow was not true. */
Then('a 2xx answer\'s Allow lists no method that {string} is then refused with 405 or 501', async function (this: HttpWorld, target: string) {
  const answer = answerOf(this);
  if (!isSuccess(answer.status)) return;
  for (const method of allowedMethods(answer).filter((m) => m !== 'OPTIONS')) {
    const asked = method === 'CONNECT'
      ? fromRaw('CONNECT', await rawExchange(this.endpoint, this.trace, requestBytes({ ...this.endpoint, port: 9 }, 'CONNECT', `${this.endpoint.host}:9`), this.timeoutMs))
      : fromHttp(`${method} ${target}`, await httpRequest(this.endpoint, this.trace, { method, path: target }, this.timeoutMs));
    if (asked.status === 405 || asked.status === 501) {
      throw new NonConformance(`${answer.asked}: ${answer.status} with Allow ${JSON.stringify(answer.headers.allow)}, yet ${asked.asked} was answered ${shown(asked)}`);
    }
  }
});

Then('the HEAD answer has the GET answer\'s status, no body, and GET\'s Content-Length if it sends one', function (this: HttpWorld) {
  const head = this.headAnswer!;
  const getAnswer = answerOf(this);
  assert.ok(head.raw && splitHead(head.raw.raw), `${head.asked}: no complete head in ${shown(head)}`);
  assert.equal(head.status, getAnswer.status, `${head.asked}: status`);
  if (head.body.length > 0) throw new NonConformance(`${head.asked}: ${head.body.length} bytes after the head: "${escapeBytes(head.body.subarray(0, 60))}"`);
  const length = head.headers['content-length'];
  if (length !== undefined) assert.equal(length, String(getAnswer.body.length), `${head.asked}: Content-Length for the ${getAnswer.body.length} bytes GET sends`);
});

Then('the HEAD answer has the GET answer\'s Content-Length and Content-Type', function (this: HttpWorld) {
  const head = this.headAnswer!;
  const getAnswer = answerOf(this);
  assert.equal(head.headers['content-length'], getAnswer.headers['content-length'], `${head.asked}: Content-Length`);
  assert.equal(mediaType(head.headers['content-type'] as string), mediaType(getAnswer.headers['content-type'] as string), `${head.asked}: Content-Type`);
});

Then('the next http client gets {string} intact', async function (this: HttpWorld, name: string) {
  const next = await httpRequest(this.endpoint, this.trace, { path: `/${name}` }, this.timeoutMs);
  if (next.status !== 200 || !next.body.equals(await fixtureBytes(name))) {
    throw new NonConformance(`the next client's GET /${name} was answered ${next.status} with ${next.body.length} bytes`);
  }
});

Then('what the http target answered is recorded', async function (this: HttpWorld) {
  const answer = answerOf(this);
  const hello = await fixtureBytes('hello.txt');
  const what = isSuccess(answer.status) && answer.body.equals(hello) ? 'with the bytes of hello.txt inside the root (dot segments clamped at the root)' : '';
  this.observe(`${answer.asked}: answered ${shown(answer)} ${what}`.trim());
});

// ---- several clients at once -----------------------------------------------------------------

Then('{int} http clients GETting the fixture files at once each get their own file\'s exact bytes', async function (this: HttpWorld, count: number) {
  const names = FIXTURE_FILES;
  const picks = Array.from({ length: count }, (_, i) => names[i % names.length]);
  const answers = await Promise.all(picks.map((name) =>
    httpRequest(this.endpoint, this.trace, { path: `/${name.split('/').map(encodeURIComponent).join('/')}` }, this.timeoutMs * 2)));
  for (const [i, answer] of answers.entries()) {
    const want = await fixtureBytes(picks[i]);
    if (answer.status !== 200 || !answer.body.equals(want)) {
      throw new NonConformance(`client ${i + 1} of ${count} (GET /${picks[i]}) was answered ${answer.status} with ${answer.body.length} bytes, not the file's ${want.length}`);
    }
  }
});

When('an http client starts downloading the large generated file and resets its connection after the first bytes', async function (this: HttpWorld) {
  requireOwnedRoot(this.root, `the ${LARGE_FILE} case`);
  const driver = await this.connect('downloader');
  await driver.write(requestBytes(this.endpoint, 'GET', `/${LARGE_FILE}`));
  const some: Parse<number> = (received) => (received.length === 0 ? undefined : { value: received.length, consumed: received.length });
  await driver.read(some, this.timeoutMs, 'the first bytes of the download');
  driver.reset();
});

// ---- the reference server ------------------------------------------------------------------------

defineReferenceServerSteps('http', (options) => startHttpServer({ root: FIXTURE_ROOT, port: 0, ...options }));

/** A copy of the fixture root plus a generated file of `mib` MiB, served by a reference server of the scenario's own. */
Given('a reference http server over a root with a {int} MiB file', async function (this: HttpWorld, mib: number) {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'wireproof-http-big-'));
  this.cleanups.push(() => fs.rm(base, { recursive: true, force: true }));
  const root = path.join(base, 'root');
  await fs.cp(FIXTURE_ROOT, root, { recursive: true });
  const name = 'big.bin';
  const hash = createHash('sha256');
  const piece = Buffer.alloc(MiB);
  const file = await fs.open(path.join(root, name), 'w');
  try {
    for (let i = 0; i < mib; i++) {
      piece.fill(i & 0xff).writeUInt32BE(i, 0); // every MiB different, so a repeated or skipped one shows
      hash.update(piece);
      await file.write(piece);
    }
  } finally {
    await file.close();
  }
  this.bigFile = { name, size: mib * MiB, sha256: hash.digest('hex') };
  keepReference(this, await startHttpServer({ root, port: 0 }));
});

interface Download {
  /** Resolves once the status line and headers arrived (the body not yet read). */
  headers: Promise<void>;
  resume(): void;
  /** The byte count and SHA-256 of the whole body. */
  done: Promise<{ status: number; size: number; sha256: string }>;
}

/** A GET whose body is not read until resume(): the client's socket stops reading, the server's writes back up. */
function pausedDownload(endpoint: Endpoint, target: string): Download {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => { resume = resolve; });
  let headersIn!: () => void;
  const headers = new Promise<void>((resolve) => { headersIn = resolve; });
  const done = new Promise<{ status: number; size: number; sha256: string }>((resolve, reject) => {
    const req = http.get({ host: endpoint.host, port: endpoint.port, path: target, agent: false }, async (res) => {
      headersIn();
      await resumed;
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (chunk: Buffer) => { size += chunk.length; hash.update(chunk); });
      res.on('end', () => resolve({ status: res.statusCode!, size, sha256: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  done.catch(() => undefined); // judged by the step that awaits it
  return { headers, resume, done };
}

Given('an http client is downloading the big file from the reference http server and has stopped reading', async function (this: HttpWorld) {
  this.download = pausedDownload(this.reference!, `/${this.bigFile!.name}`);
  await this.download.headers;
});

Then('the download completes with every byte of the big file', async function (this: HttpWorld) {
  this.download!.resume();
  const { status, size, sha256 } = await this.download!.done;
  assert.equal(status, 200);
  assert.equal(size, this.bigFile!.size, 'bytes received');
  assert.equal(sha256, this.bigFile!.sha256, 'SHA-256 of the bytes received');
});

Then('the memory the reference http server holds stays under {int} MiB while the client does not read', async function (this: HttpWorld, limit: number) {
  const before = process.memoryUsage().arrayBuffers;
  this.download = pausedDownload(this.reference!, `/${this.bigFile!.name}`);
  await this.download.headers;
  // No event says "the server's writes backed up": watch the buffers for a while instead.
  let peak = 0;
  const until = Date.now() + this.quietMs(600);
  while (Date.now() < until) {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (peak >= limit * MiB) {
    throw new NonConformance(`buffers grew by ${(peak / MiB).toFixed(1)} MiB while the client read nothing of a ${this.bigFile!.size / MiB} MiB file (bound ${limit} MiB)`);
  }
});

Given('client {word} has fetched {string} from the reference http server on a kept-alive connection', async function (this: HttpWorld, name: string, target: string) {
  const driver = await this.connect(name, { host: this.reference!.host, port: this.reference!.port });
  await driver.write(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${this.reference!.host}\r\n\r\n`));
  const whole: Parse<Buffer> = (received) => {
    const split = splitHead(received);
    const length = Number(split?.headers['content-length']);
    return split && split.body.length >= length ? { value: received, consumed: received.length } : undefined;
  };
  const answer = await driver.read(whole, this.timeoutMs, `the answer to GET ${target}`);
  assert.match(answer.toString('latin1'), /^HTTP\/1\.1 200 /);
});

Given('`wireproof serve http --port 0` is running over the fixture root', async function (this: HttpWorld) {
  this.served = await startCommand(this, ['serve', 'http', '--port', '0', '--root', FIXTURE_ROOT]);
});

// ---- the reference client ------------------------------------------------------------------------

/** A server of the scenario's own on node:http, scripted to misbehave one way. */
async function scriptedHttpServer(world: HttpWorld, handle: http.RequestListener): Promise<void> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const { port } = server.address() as { port: number };
  keepReference(world, {
    host: '127.0.0.1',
    port,
    closed,
    close() {
      server.closeAllConnections();
      server.close();
      return closed;
    },
  });
}

Given('a scripted http server that never answers', async function (this: HttpWorld) {
  await scriptedHttpServer(this, () => undefined);
});

Given('a scripted http server that stalls after the first bytes of the body', async function (this: HttpWorld) {
  await scriptedHttpServer(this, (_req, res) => {
    res.writeHead(200, { 'Content-Length': 100 });
    res.write(Buffer.alloc(10, 0x61));
  });
});

Given('a scripted http server that streams {int} bytes without a Content-Length', async function (this: HttpWorld, size: number) {
  await scriptedHttpServer(this, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // chunked: the size is known only at the end
    const piece = Buffer.alloc(64 * 1024, 0x62);
    let sent = 0;
    const more = () => {
      while (sent < size) {
        const n = Math.min(piece.length, size - sent);
        sent += n;
        if (!res.write(piece.subarray(0, n))) return void res.once('drain', more);
      }
      res.end();
    };
    more();
    res.on('error', () => undefined);
  });
});

async function clientGet(world: HttpWorld, url: string, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<void> {
  world.clientResult = undefined;
  world.clientFailure = undefined;
  try {
    world.clientResult = await get(url, { timeoutMs: world.timeoutMs, ...options });
  } catch (err) {
    world.clientFailure = err as Error;
  }
}

/** The scenario's own server: a reference or scripted one, or the one `wireproof serve http` started. */
function urlOf(world: HttpWorld, target: string): string {
  const { host, port } = world.served ?? world.reference!;
  return `http://${host}:${port}${target}`;
}

When('the reference http client gets {string} from it', async function (this: HttpWorld, target: string) {
  await clientGet(this, urlOf(this, target));
});

When('the reference http client gets {string} from it with a timeout of {int} ms', async function (this: HttpWorld, target: string, ms: number) {
  await clientGet(this, urlOf(this, target), { timeoutMs: ms });
});

When('the reference http client gets {string} from it with a body limit of {int} bytes', async function (this: HttpWorld, target: string, max: number) {
  await clientGet(this, urlOf(this, target), { maxBytes: max });
});

When('the reference http client gets the URL {string}', async function (this: HttpWorld, url: string) {
  await clientGet(this, url);
});

Then('the http client got status {int} and the exact bytes of {string}', async function (this: HttpWorld, status: number, name: string) {
  assert.equal(this.clientFailure, undefined, `the client failed: ${this.clientFailure?.message}`);
  assert.equal(this.clientResult!.status, status);
  assert.ok(this.clientResult!.body.equals(await fixtureBytes(name)), `the body is not the bytes of ${name}`);
});

Then('the http client got status {int}', function (this: HttpWorld, status: number) {
  assert.equal(this.clientFailure, undefined, `the client failed: ${this.clientFailure?.message}`);
  assert.equal(this.clientResult!.status, status);
});

Then('the http client\'s headers have lower-case names, with {string} among them', function (this: HttpWorld, field: string) {
  const [name, value] = field.split(/:\s*/, 2);
  const names = Object.keys(this.clientResult!.headers);
  assert.deepEqual(names.filter((n) => n !== n.toLowerCase()), [], 'header names not in lower case');
  assert.equal(this.clientResult!.headers[name], value);
});

Then('the http client failed with a {word}', function (this: HttpWorld, type: string) {
  assert.ok(this.clientFailure, `the client did not fail: status ${this.clientResult?.status}`);
  assert.equal(this.clientFailure.name, type, `failed with ${this.clientFailure.name}: ${this.clientFailure.message}`);
});

When('`wireproof client http` gets {string} from the reference http server', async function (this: HttpWorld, target: string) {
  const bin = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');
  this.cli = await new Promise((resolve) => {
    execFile(process.execPath, [bin, 'client', 'http', urlOf(this, target)], { encoding: 'buffer', timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr: stderr.toString('utf8') });
    });
  });
});

Then('it wrote the exact bytes of {string} to standard output, {string} first on standard error, and exited {int}',
  async function (this: HttpWorld, name: string, statusLine: string, code: number) {
    const { stdout, stderr, code: got } = this.cli!;
    assert.ok(stdout.equals(await fixtureBytes(name)), `stdout holds ${stdout.length} bytes that are not those of ${name}; stderr: ${stderr}`);
    assert.equal(stderr.split('\n')[0], statusLine);
    assert.equal(got, code, `exit code; stderr: ${stderr}`);
  });

Then('it exited {int} with {string} first on standard error', function (this: HttpWorld, code: number, statusLine: string) {
  assert.equal(this.cli!.stderr.split('\n')[0], statusLine);
  assert.equal(this.cli!.code, code, `exit code; stderr: ${this.cli!.stderr}`);
});
