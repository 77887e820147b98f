/**
 * The suite's own bounds, piece by piece: what a wire client holds unread and how a read
 * or a write fails against a flooding or a stalled peer, what a trace keeps, how long a
 * property shrinks, and a precondition found broken failing the next wait at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import fc from 'fast-check';
import { lineParse, READ_AHEAD_BYTES, WireDriver, type Endpoint } from '../../src/conform/driver';
import { NonConformance } from '../../src/conform/errors';
import { preconditionAt } from '../../src/conform/precondition';
import { runProperties, SHRINK_BUDGET_TIMEOUTS } from '../../src/conform/properties';
import type { PropertyCase } from '../../src/conform/protocol';
import { TRACE_BYTES, TRACE_ROWS, TraceRecorder } from '../../src/conform/trace';

/** A server on an ephemeral port that does `onSocket` with each connection; closed after the test. */
async function server(t: { after(fn: () => unknown): void }, onSocket: (socket: net.Socket) => void): Promise<Endpoint> {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  }).listen(0, '127.0.0.1');
  await once(listener, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => listener.close(resolve));
  });
  return { host: '127.0.0.1', port: (listener.address() as net.AddressInfo).port };
}

/** Writes 64 KiB lines for ever, as fast as TCP takes them. */
function flood(socket: net.Socket): void {
  const line = Buffer.concat([Buffer.alloc(65535, 'x'), Buffer.from('\n')]);
  const pump = () => { while (!socket.destroyed && socket.write(line)); };
  socket.on('drain', pump);
  pump();
}

test('a flooded wire client stops reading at its limit; a read that finds no unit there, or a wait for a close, ends at once', async (t) => {
  const endpoint = await server(t, flood);
  const trace = new TraceRecorder();
  const driver = await WireDriver.connect(endpoint, trace, 2000);
  t.after(() => driver.destroy());
  await driver.settle(200); // returns once the limit is reached: the flood never goes quiet
  assert.ok(driver.unread.length >= READ_AHEAD_BYTES && driver.unread.length < READ_AHEAD_BYTES + 256 * 1024, `${driver.unread.length} unread`);
  const noUnit = () => undefined;
  const started = performance.now();
  await assert.rejects(driver.read(noUnit, 60_000, 'a unit'), (err: Error) =>
    err instanceof NonConformance && /the suite holds at most 1048576 unread/.test(err.message));
  // A close behind the unread bytes cannot be seen: waiting for one ends at once too.
  assert.equal(await driver.closedWithin(60_000), undefined);
  assert.ok(performance.now() - started < 1000, 'the read and the wait for a close ended at once, not at their deadlines');
  assert.ok(trace.events.some((e) => /client stops reading/.test(e.note ?? '')));
  // Reading on takes bytes from the socket again.
  assert.equal((await driver.read(lineParse, 2000, 'a line')).length, 65535);
});

test('a write the peer takes nothing of for the timeout fails: the peer stopped reading', async (t) => {
  const endpoint = await server(t, (socket) => socket.pause());
  const driver = await WireDriver.connect(endpoint, new TraceRecorder(), 300);
  t.after(() => driver.destroy());
  await assert.rejects(driver.write(Buffer.alloc(64 << 20), { pieceSize: 64 * 1024 }), (err: Error) =>
    err instanceof NonConformance && /stopped reading: it took \d+ of 67108864 bytes, then nothing for 300 ms/.test(err.message));
});

test('a trace keeps TRACE_BYTES per direction and TRACE_ROWS rows, and says what it left out and why', () => {
  const trace = new TraceRecorder();
  for (let i = 0; i < 100; i++) trace.chunk(1, 'RX', Buffer.alloc(1000));
  trace.chunk(2, 'TX', Buffer.alloc(TRACE_BYTES + 10));
  const bytes = (dir: string) => trace.events.filter((e) => e.dir === dir).reduce((n, e) => n + e.hex!.length / 2, 0);
  assert.equal(bytes('RX'), TRACE_BYTES);
  assert.equal(bytes('TX'), TRACE_BYTES);
  const notes = trace.events.filter((e) => e.dir === 'EV').map((e) => e.note);
  assert.deepEqual(notes, [
    `trace cap of ${TRACE_BYTES} RX bytes per case reached: ${100_000 - TRACE_BYTES} more RX bytes in 92 chunks not recorded`,
    `trace cap of ${TRACE_BYTES} TX bytes per case reached: 10 more TX bytes in 1 chunks not recorded`,
  ]);
  for (let i = 0; i < 2 * TRACE_ROWS; i++) trace.note(3, `note ${i}`);
  assert.ok(trace.events.length <= TRACE_ROWS + 3, `${trace.events.length} rows`);
  assert.match(trace.events.at(-1)!.note!, new RegExp(`^trace cap of ${TRACE_ROWS} rows reached: \\d+ more notes not recorded$`));
  // Bytes dropped because the rows ran out name the rows cap, not a byte cap never reached.
  const rowsFirst = new TraceRecorder();
  for (let i = 0; i < TRACE_ROWS; i++) rowsFirst.note(1, `note ${i}`);
  rowsFirst.chunk(1, 'RX', Buffer.alloc(10));
  assert.equal(rowsFirst.events.at(-1)!.note, `trace cap of ${TRACE_ROWS} rows reached: 10 more RX bytes in 1 chunks not recorded`);
});

test('a property that fails on every run stops shrinking at its budget, and keeps the failing run\'s trace', async () => {
  const timeoutMs = 20;
  let runs = 0;
  const slowFailure: PropertyCase = {
    name: 'fails slowly',
    ids: ['SRS-TEST-001'],
    kind: 'live',
    runs: 5,
    build: (ctx) => fc.asyncProperty(fc.array(fc.nat(), { minLength: 20 }), async (values) => {
      const trace = ctx.trace();
      trace.note(1, `run ${++runs} of ${values.length} values`);
      await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      throw new NonConformance(`failed with ${values.length} values`);
    }),
  };
  const [outcome] = await runProperties([slowFailure], { timeoutMs, seed: 1, replayBase: 'wireproof conform' }, () => undefined);
  assert.equal(outcome.outcome, 'broken');
  assert.match(outcome.message!, new RegExp(`shrinking stopped at its budget of ${(SHRINK_BUDGET_TIMEOUTS * timeoutMs) / 1000} s`));
  const shown = Number(/failed with (\d+) values/.exec(outcome.message!)![1]);
  assert.match(outcome.trace!.at(-1)!.note!, new RegExp(`of ${shown} values$`), 'the trace is the one of the counterexample shown');
  assert.ok(runs < 1000, `${runs} runs`);
});

test('a precondition a case waited for in vain fails the next wait at once, until it holds once', () => {
  const endpoint = { host: '127.0.0.1', port: 1 };
  const connectsBack = preconditionAt(endpoint, 'the central has connected back to no remote');
  assert.equal(preconditionAt(endpoint, 'the central has connected back to no remote'), connectsBack, 'one record per target');
  connectsBack.check('an echo'); // nothing known yet: the caller waits
  connectsBack.missed('case A', 2000);
  assert.throws(() => connectsBack.check('an echo'), (err: Error) =>
    err instanceof NonConformance && err.message === 'expected an echo: the central has connected back to no remote in this run ("case A" waited 2000 ms for it; not waited out again)');
  connectsBack.met();
  connectsBack.check('an echo');
  connectsBack.missed('case B', 2000); // it held once: a miss now is that case's own
  connectsBack.check('an echo');
});
