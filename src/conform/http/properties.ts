import fc from 'fast-check';
import path from 'node:path';
import { parseRequestTarget } from '../../impl/http/paths';
import { escapeBytes } from '../bytes-text';
import { expectConform } from '../properties';
import type { LiveContext, PropertyCase } from '../protocol';
import {
  absoluteTarget, ambiguousRequestLine, badEscapeTarget, badRequestLine, encodedName, longTarget, traversal, type EncodedName, type NamedRequestLine, type Traversal,
} from './arbitraries';
import { describeAnswer, httpRequest, isSuccess, rawExchange, requestBytes, requestLineBytes, type RawAnswer } from './exchange';
import { CANARY_NAME, fixtureBytes } from './fixture';
import { expectRefused, REFUSALS } from './verdicts';

const HELLO = fixtureBytes('hello.txt');

async function askRaw(ctx: LiveContext, target: string): Promise<RawAnswer> {
  return rawExchange(ctx.endpoint, ctx.trace(), requestBytes(ctx.endpoint, 'GET', target), ctx.timeoutMs);
}

// ---- pure: the reference server's path rules, on the suite's own generators ----------------

const pureTraversal: PropertyCase = {
  name: 'http paths: every generated traversal is refused by the reference path rules',
  ids: ['SRS-HTTP-006'],
  kind: 'pure',
  build: () =>
    fc.property(traversal, ({ path: target }) => {
      const verdict = parseRequestTarget(target);
      expectConform(!verdict.ok, () => `accepted as segments ${JSON.stringify(verdict.ok && verdict.segments)}`);
    }),
  describe: ([t]) => `target ${(t as Traversal).path}`,
};

const pureEncodedName: PropertyCase = {
  name: 'http paths: every percent-encoding of a fixture name decodes to that name, or is refused',
  ids: ['SRS-HTTP-014'],
  kind: 'pure',
  build: () =>
    fc.property(encodedName, ({ name, path: target }) => {
      const verdict = parseRequestTarget(target);
      const decoded = verdict.ok ? verdict.segments.join(path.posix.sep) : undefined;
      expectConform(decoded === undefined || decoded === name, () => `decoded to ${JSON.stringify(decoded)}`);
      // Only an encoded separator may be refused: the name itself holds nothing else to refuse.
      expectConform(verdict.ok || /%2f/i.test(target), () => `refused: ${!verdict.ok && verdict.reason}`);
    }),
  describe: ([e]) => `${(e as EncodedName).name} as ${(e as EncodedName).path}`,
};

// ---- live: hostile targets against the target, each run on a fresh connection ---------------

const liveTraversal: PropertyCase = {
  name: 'http live: dot segments in any spelling never leave the root',
  ids: ['SRS-HTTP-006'],
  kind: 'live',
  runs: 60,
  build: (ctx) => fc.asyncProperty(traversal, async ({ path: target }) => expectRefused(ctx.root, target, await askRaw(ctx, target))),
  describe: ([t]) => `GET ${(t as Traversal).path} (aimed at ${(t as Traversal).aim === 'canary' ? `../${CANARY_NAME}` : '/etc/passwd'})`,
};

const liveAbsolute: PropertyCase = {
  name: 'http live: absolute paths and absolute-form targets never leave the root',
  ids: ['SRS-HTTP-007'],
  kind: 'live',
  runs: 40,
  build: (ctx) => {
    const canaryPath = ctx.root === undefined ? undefined : path.join(ctx.root, '..', CANARY_NAME);
    return fc.asyncProperty(absoluteTarget(`${ctx.endpoint.host}:${ctx.endpoint.port}`, canaryPath), async (target) =>
      expectRefused(ctx.root, target, await askRaw(ctx, target)));
  },
  describe: ([target]) => `GET ${target as string}`,
};

const liveEncodedName: PropertyCase = {
  name: 'http live: any percent-encoding of a file\'s path gets that file or a refusal, never another file',
  ids: ['SRS-HTTP-014'],
  kind: 'live',
  runs: 60,
  build: (ctx) =>
    fc.asyncProperty(encodedName, async ({ name, path: target }) => {
      const answer = await httpRequest(ctx.endpoint, ctx.trace(), { path: target }, ctx.timeoutMs);
      if (REFUSALS.includes(answer.status)) return;
      const want = await fixtureBytes(name);
      expectConform(answer.status === 200, () => `GET ${target} (${name}) answered ${answer.status}, expected 200, or 400, 403 or 404`);
      expectConform(answer.body.equals(want), () => `GET ${target} answered 200 with ${answer.body.length} bytes that are not ${name} (${want.length} bytes)`);
    }),
  describe: ([e]) => `GET ${(e as EncodedName).path} (${(e as EncodedName).name})`,
};

const liveBadEscape: PropertyCase = {
  name: 'http live: a broken percent-escape never serves the file',
  ids: ['SRS-HTTP-013'],
  kind: 'live',
  runs: 40,
  build: (ctx) =>
    fc.asyncProperty(badEscapeTarget, async ({ name, path: target }) => {
      const answer = await askRaw(ctx, target);
      expectConform(!isSuccess(answer.status), () => `GET ${target} was answered ${describeAnswer(answer)}`);
      expectConform(!answer.raw.includes(await fixtureBytes(name)), () => `GET ${target} was answered with the bytes of ${name}`);
    }),
  describe: ([e]) => `GET ${(e as EncodedName).path}`,
};

const liveLongTarget: PropertyCase = {
  name: 'http live: a path of 4 to 64 KB gets a 4xx or a close, and the next client is served',
  ids: ['SRS-HTTP-015', 'SRS-HTTP-017'],
  kind: 'live',
  runs: 12,
  build: (ctx) =>
    fc.asyncProperty(longTarget, async (target) => {
      const answer = await askRaw(ctx, target);
      const status = answer.status;
      expectConform(status === undefined ? answer.closed : status >= 400 && status < 500,
        () => `a ${target.length}-byte path was answered ${describeAnswer(answer)}, expected a 4xx or a close`);
      await expectNextClientServed(ctx);
    }),
  describe: ([target]) => `GET of a ${(target as string).length}-byte path starting ${(target as string).slice(0, 12)}`,
};

const shownLine = (line: string) => `request line "${escapeBytes(Buffer.from(line, 'latin1'))}"`;

/** The answer to a bad request line: no success, and none of the bytes of the file it names. */
async function expectLineNotServed(ctx: LiveContext, line: string, file: string): Promise<void> {
  const answer = await rawExchange(ctx.endpoint, ctx.trace(), requestLineBytes(ctx.endpoint, line), ctx.timeoutMs);
  expectConform(!isSuccess(answer.status), () => `${shownLine(line)} was answered ${describeAnswer(answer)}`);
  expectConform(!answer.raw.includes(await fixtureBytes(file)), () => `${shownLine(line)} was answered with the bytes of ${file}`);
}

const liveAmbiguousRequestLine: PropertyCase = {
  name: 'http live: a request line of more than three words serves no file, and the next client is served',
  ids: ['SRS-HTTP-011'],
  kind: 'live',
  runs: 30,
  build: (ctx) =>
    fc.asyncProperty(ambiguousRequestLine, async ({ line, file }) => {
      await expectLineNotServed(ctx, line, file);
      await expectNextClientServed(ctx);
    }),
  describe: ([named]) => shownLine((named as NamedRequestLine).line),
};

const liveBadRequestLine: PropertyCase = {
  name: 'http live: an invalid request line is not autocorrected',
  ids: ['SRS-HTTP-037'],
  kind: 'live',
  runs: 40,
  build: (ctx) =>
    fc.asyncProperty(badRequestLine, (line) => expectLineNotServed(ctx, line, 'hello.txt')),
  describe: ([line]) => shownLine(line as string),
};

/** The next client gets hello.txt: one bad request harmed nothing. */
async function expectNextClientServed(ctx: LiveContext): Promise<void> {
  const next = await httpRequest(ctx.endpoint, ctx.trace(), { path: '/hello.txt' }, ctx.timeoutMs);
  expectConform(next.status === 200 && next.body.equals(await HELLO), () => `the next client's GET /hello.txt was answered ${next.status} with ${next.body.length} bytes`);
}

export const httpProperties: PropertyCase[] = [
  pureTraversal, pureEncodedName,
  liveTraversal, liveAbsolute, liveEncodedName, liveBadEscape, liveLongTarget, liveAmbiguousRequestLine, liveBadRequestLine,
];
