/**
 * The hostile loads, each a fixed amount of one kind of abuse. A load reports what it
 * saw (its own lost answers and problems); the runner around it measures liveness,
 * memory and the keeper. `served()` is the real client's turn: slowloris calls it while
 * its idle connections are held; for the other loads the runner calls it afterwards.
 */
import type fc from 'fast-check';
import type net from 'node:net';
import type { Endpoint } from '../conform/driver';
import { decodeAll } from '../impl/common/framer';
import { LineTextFramer } from '../impl/oneline/framer';
import { expectedSession, referenceApp as referenceAppModel } from '../impl/oneline/model';
import type { LatencySummary } from './latency';
import { draw } from './malformed';
import { shareOf, type Shard } from './shard';
import { closed, connect, endAndWait, exchange, LineCollector, openFileShortfall, pool, stream } from './sockets';
import type { MessageCounts } from './tally';

export interface LoadContext {
  endpoint: Endpoint;
  seed: number;
  timeoutMs: number;
  /** This run's share of the load's clients and inputs (--shard). */
  shard: Shard;
  /** The soak (--duration): the volume and many-clients loads repeat until it has passed. */
  durationMs?: number;
  /** The real client's turn (keeper and liveness probe); problems it found are the runner's to report. */
  served(): Promise<void>;
}

export interface LoadOutcome {
  /** Answers the load itself expected and did not get (oneline, echo: every answer is checked). */
  lost: number;
  problems: string[];
  note: string;
  /** Why the load could not run at all (the suite's own limits): its cases are ERROR, not FAIL. */
  notRun?: string;
  /** Volume and many-clients: what became of every message, how long the answers took, bytes sent. */
  messages?: MessageCounts & { byPosition?: boolean };
  latency?: LatencySummary;
  bytes?: number;
  clients?: { total: number; served: number; failed: number; atOnce: number };
  /** The soak: how many times the load ran in its duration. */
  repetitions?: number;
  /** How much of the load this run did (inputs sent, connections held, bytes streamed): a shard's share. */
  handled?: number;
}

export interface Load {
  name: string;
  count: number;
  unit: string;
  /**
   * split: each shard takes its share (clients, connections, inputs); first: not divisible
   * (one connection, one stream), so shard 1 runs it whole and the others not at all.
   */
  sharding: 'split' | 'first';
  run(ctx: LoadContext): Promise<LoadOutcome>;
}

/** At most this many problems are listed; a load stops early past it. */
const MAX_PROBLEMS = 20;

/** Inputs cut into consecutive batches, one per connection, as evenly as `connections` allows. */
function batchesOf<T>(all: readonly T[], connections: number): T[][] {
  const perConnection = Math.ceil(all.length / connections);
  const batches: T[][] = [];
  for (let at = 0; at < all.length; at += perConnection) batches.push(all.slice(at, at + perConnection));
  return batches;
}

const mib = (bytes: number) => bytes / (1 << 20);
const LF = Buffer.from('\n');

/** oneline: `total` bytes without a LF on one connection, between an accepted request and a ping. */
export function oversizedLine(total: number): Load {
  return {
    name: 'oversized-line',
    count: total,
    unit: 'bytes without LF',
    sharding: 'first',
    async run({ endpoint, seed, timeoutMs }) {
      const socket = await connect(endpoint, timeoutMs);
      const answers = new LineCollector(socket);
      socket.on('error', () => undefined); // the collector sees the end
      const token = `accepted-before-${seed}`;
      const expected = [token, 'invalid', 'pong'];
      const problems: string[] = [];
      const started = performance.now();
      try {
        socket.write(`echo ${token}\n`);
        await stream(socket, Buffer.alloc(1 << 20, 'x'), total);
        socket.write('\nping\n');
      } catch (err) {
        problems.push((err as Error).message);
      }
      const seconds = (performance.now() - started) / 1000;
      await answers.waitFor((lines) => lines.length >= expected.length, timeoutMs);
      socket.destroy();
      const got = answers.lines.slice(0, expected.length).map((line) => line.toString('utf8'));
      // Lost: the answer to the request accepted before the stream, or to the ping after it.
      const lost = [token, 'pong'].filter((answer) => !got.includes(answer)).length;
      if (expected.some((answer, i) => got[i] !== answer)) problems.push(`expected the answers ${JSON.stringify(expected)}`);
      return { lost, problems, handled: total, note: `${mib(total).toFixed(0)} MiB streamed at ${(mib(total) / seconds).toFixed(0)} MiB/s; answers ${JSON.stringify(got)}` };
    },
  };
}

/** Headers announcing far more than the maximum, each on `each` connections at once, then body bytes: the server must close. */
export function lengthClaims(claims: { what: string; bytes: Buffer }[], each = 8): Load {
  return {
    name: 'length-claims',
    count: claims.length * each,
    unit: 'headers',
    sharding: 'first',
    async run({ endpoint, timeoutMs }) {
      const problems: string[] = [];
      const filler = Buffer.alloc(256 * 1024, 0x61);
      for (const claim of claims) {
        const endings = await Promise.all(Array.from({ length: each }, () =>
          exchange(endpoint, Buffer.concat([claim.bytes, filler]), timeoutMs, false).then((e) => e.ending, (err: Error) => `connect: ${err.message}`)));
        const open = endings.filter((e) => e !== 'closed' && e !== 'reset');
        if (open.length > 0) problems.push(`${claim.what}: ${open.length} of ${each} connections not closed (${[...new Set(open)].join(', ')})`);
      }
      return { lost: 0, problems, handled: claims.length * each, note: `${claims.map((c) => c.what).join('; ')}; each on ${each} connections with 256 KiB of body` };
    },
  };
}

/** `count` connections that send the start of a request and then nothing, held while the real client is served. */
export function slowloris(prefix: Buffer, count = 1000): Load {
  return {
    name: 'slowloris',
    count,
    unit: 'idle connections',
    sharding: 'split',
    async run(ctx) {
      const { endpoint, timeoutMs } = ctx;
      const mine = shareOf(count, ctx.shard).length;
      const shortfall = openFileShortfall(mine);
      if (shortfall) return { lost: 0, problems: [], note: '', notRun: shortfall };
      const sockets: net.Socket[] = [];
      let failed = 0;
      let closedByServer = 0;
      try {
        await pool(mine, 100, async () => {
          try {
            const socket = await connect(endpoint, timeoutMs);
            socket.on('error', () => undefined);
            socket.once('close', () => closedByServer++);
            socket.write(prefix);
            sockets.push(socket);
          } catch {
            failed++;
          }
        });
        const started = performance.now();
        await ctx.served();
        const servedMs = Math.round(performance.now() - started);
        const problems = failed > 0 ? [`${failed} of ${mine} idle connections could not connect`] : [];
        return { lost: 0, problems, handled: sockets.length, note: `${sockets.length} held; the real client was served in ${servedMs} ms while they were; the server had closed ${closedByServer} of them by then` };
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    },
  };
}

/** Malformed inputs one connection each (the server closes or answers, then closes after the client's FIN), `concurrency` at a time. */
export function malformedPerConnection(input: fc.Arbitrary<Buffer>, count = 10_000, concurrency = 50): Load {
  return {
    name: 'malformed',
    count,
    unit: 'inputs',
    sharding: 'split',
    async run({ endpoint, seed, timeoutMs, shard }) {
      const inputs = draw(input, count, seed);
      const mine = shareOf(count, shard);
      const problems: string[] = [];
      let answered = 0;
      let done = 0;
      await pool(mine.length, concurrency, async (at) => {
        const i = mine[at];
        try {
          const { ending, received } = await exchange(endpoint, inputs[i], timeoutMs, true);
          if (ending === 'timeout') problems.push(`input ${i} (${preview(inputs[i])}): neither answered nor closed within ${timeoutMs} ms`);
          if (received > 0) answered++;
        } catch (err) {
          problems.push(`input ${i}: ${(err as Error).message}`);
        }
        done++;
      }, () => problems.length >= MAX_PROBLEMS);
      return { lost: 0, problems, handled: done, note: `${done} connections of ${concurrency} at a time (seed ${seed}); ${answered} got bytes back before the close` };
    },
  };
}

const preview = (bytes: Buffer) => JSON.stringify(bytes.subarray(0, 40).toString('latin1')) + (bytes.length > 40 ? `... (${bytes.length} bytes)` : '');

/** What one connection of a sequential batch load found: answers lost, and what was wrong. */
interface BatchFinding {
  lost: number;
  problem: string;
}

/**
 * Inputs drawn from `inputs`, cut into batches over `connections` connections one after
 * another (a one-client server serves the next only once the last is closed); `exchange`
 * runs one batch on its connection and says what of it was lost, if anything.
 */
function sequentialBatches(
  inputs: fc.Arbitrary<Buffer>,
  count: number,
  connections: number,
  what: { unit: string; checked: string },
  exchange: (socket: net.Socket, batch: Buffer[], index: number, seed: number, timeoutMs: number) => Promise<BatchFinding | undefined>,
): Load {
  return {
    name: 'malformed',
    count,
    unit: what.unit,
    sharding: 'split',
    async run({ endpoint, seed, timeoutMs, shard }) {
      const batches = batchesOf(draw(inputs, count, seed), connections);
      const problems: string[] = [];
      let lost = 0;
      let handled = 0;
      const mine = shareOf(batches.length, shard);
      for (const c of mine) {
        const batch = batches[c];
        handled += batch.length;
        const socket = await connect(endpoint, timeoutMs);
        socket.on('error', () => undefined);
        const finding = await exchange(socket, batch, c, seed, timeoutMs);
        if (finding) {
          lost += finding.lost;
          problems.push(`connection ${c + 1}: ${finding.problem}`);
          if (problems.length >= MAX_PROBLEMS) break;
        }
      }
      return {
        lost,
        problems,
        handled,
        note: `${mine.length} connections one after another (one client at a time), ${batches[0]?.length ?? 0} ${what.unit} each (seed ${seed}); ${what.checked}`,
      };
    },
  };
}

/**
 * Line inputs batched over sequential connections (oneline serves one client at a time),
 * each batch closed by a sentinel; every answer is compared with the protocol model's,
 * so an answer lost or garbled anywhere counts. With `referenceApp` the inputs may be
 * the application's and the sentinel is an echo; without it (a target running its own
 * application) the inputs are those the core rules answer, and the sentinel a ping.
 */
export function onelineBatches(packets: fc.Arbitrary<Buffer>, count = 10_000, connections = 50, referenceApp = true): Load {
  const what = { unit: 'lines', checked: `every answer checked against the protocol model${referenceApp ? '' : ' (core answers only: the target runs its own application)'}` };
  return sequentialBatches(packets, count, connections, what, async (socket, inputs, c, seed, timeoutMs) => {
    const batch = Buffer.concat(inputs.flatMap((p) => [p, LF]));
    const sentinel = referenceApp ? `wireproof-sentinel-${seed}-${c}` : 'pong';
    const model = expectedSession(decodeAll(new LineTextFramer(), [batch]), referenceApp ? referenceAppModel : coreOnly).responses;
    const expected = [...model, sentinel];
    const answers = new LineCollector(socket);
    socket.write(Buffer.concat([batch, Buffer.from(referenceApp ? `echo ${sentinel}\n` : 'ping\n')]));
    // The sentinel's answer comes last: a server that drops answers is not waited for.
    await answers.waitFor((lines) => lines.length >= expected.length || (referenceApp && lines[lines.length - 1]?.toString('utf8') === sentinel), timeoutMs);
    await endAndWait(socket, timeoutMs);
    const got = answers.lines.map((line) => line.toString('utf8'));
    const matched = expected.findIndex((answer, i) => got[i] !== answer);
    if (matched === -1) return undefined;
    return {
      lost: expected.length - matched,
      problem: `answer ${matched + 1} of ${expected.length} is ${JSON.stringify(got[matched]?.slice(0, 80))}, expected ${JSON.stringify(expected[matched].slice(0, 80))}`,
    };
  });
}

/** The model of a target without the reference application: only packets the core answers are sent, so it is never asked. */
const coreOnly = (packet: string): string[] => {
  throw new Error(`a core-only batch reached the application with ${JSON.stringify(packet)}`);
};

/** Echo: random bytes in batches over sequential connections; every byte must come back, in order. */
export function echoBatches(inputs: fc.Arbitrary<Buffer>, count = 10_000, connections = 50): Load {
  return sequentialBatches(inputs, count, connections, { unit: 'inputs', checked: 'every byte compared' }, async (socket, batch, _c, _seed, timeoutMs) => {
    const sent = Buffer.concat(batch);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.end(sent);
    await closed(socket, timeoutMs);
    const back = Buffer.concat(chunks);
    let same = 0;
    while (same < sent.length && same < back.length && sent[same] === back[same]) same++;
    let end = 0;
    const missing = batch.filter((input) => (end += input.length) > same).length;
    if (missing === 0 && back.length === sent.length) return undefined;
    return { lost: missing, problem: `${back.length} bytes back of ${sent.length}, the first ${same} the same` };
  });
}

/**
 * Cobra: lines to the file port over `fileConnections` connections at once, and lines
 * to the control port over its one client; every line must get exactly one reply line.
 */
export function cobraLines(lines: fc.Arbitrary<Buffer>, count = 10_000, fileConnections = 25): Load {
  return {
    name: 'malformed',
    count,
    unit: 'lines',
    sharding: 'split',
    async run({ endpoint, seed, timeoutMs, shard }) {
      const all = draw(lines, count, seed);
      const half = Math.floor(count / 2);
      const perConnection = Math.ceil(half / fileConnections);
      const batches = Array.from({ length: fileConnections }, (_, c) => all.slice(c * perConnection, Math.min(half, (c + 1) * perConnection)));
      batches.push(all.slice(half));
      const problems: string[] = [];
      let lost = 0;
      // The control port's one client is not divisible: shard 1 sends its lines.
      const mine = shareOf(fileConnections, shard).concat(shard.index === 1 ? [fileConnections] : []);
      await Promise.all(mine.map(async (c) => {
        const batch = batches[c];
        const control = c === fileConnections;
        const socket = await connect(endpoint, timeoutMs, control ? endpoint.port2 : endpoint.port);
        socket.on('error', () => undefined);
        const replies = new LineCollector(socket);
        socket.write(Buffer.concat(batch.flatMap((line) => [line, LF])));
        await replies.waitFor((got) => got.length >= batch.length, timeoutMs);
        await endAndWait(socket, timeoutMs);
        const missing = Math.max(0, batch.length - replies.lines.length);
        if (missing > 0) {
          lost += missing;
          problems.push(`${control ? 'control' : `file connection ${c + 1}`}: ${replies.lines.length} replies to ${batch.length} lines`);
        }
      }));
      const files = mine.filter((c) => c < fileConnections).length;
      const control = mine.includes(fileConnections) ? `, ${count - half} to the control port over its one client` : '';
      return { lost, problems, handled: mine.reduce((sum, c) => sum + batches[c].length, 0), note: `${files} of ${fileConnections} file-port connections at once, ${perConnection} lines each${control} (seed ${seed}); one reply line each` };
    },
  };
}
