/**
 * cobra: `next` round trips per second end to end (client socket → server → the python
 * tracer → status line back), beside a raw loopback line round trip on the same machine,
 * which bounds what any request/response over TCP can do. Target: 5,000 steps per second.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LineFramer } from '../src/impl/oneline/framer';
import { listenTcp } from '../src/impl/common/net';
import { startCobraServer } from '../src/impl/cobra/server';
import { BenchModule, compare, Contender, Measurement, measureSideBySide } from './measure';

const ROUND_TRIPS_PER_PASS = 200;
const TARGET_STEPS_PER_SECOND = 5000;
/** A program that never ends: every pass steps it further. */
const ENDLESS = 'i = 0\nwhile True:\n    i = i + 1\n';

/** A connected socket: lines in arrival order, and a send-one-line-await-one round trip. */
async function lineRoundTripper(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const framer = new LineFramer(1 << 20);
  const lines: Buffer[] = [];
  let waiting: ((line: Buffer) => void) | undefined;
  socket.on('data', (chunk: Buffer) => framer.push(chunk, (line) => {
    const resolve = waiting;
    waiting = undefined;
    if (resolve) resolve(line as Buffer);
    else lines.push(line as Buffer);
  }));
  const receive = () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise<Buffer>((resolve) => { waiting = resolve; }));
  return {
    receive,
    roundTrip: (line: Buffer) => {
      socket.write(line);
      return receive();
    },
    close: () => socket.destroy(),
  };
}

async function passOf(roundTrip: (line: Buffer) => Promise<Buffer>, line: Buffer, accept: (reply: Buffer) => boolean): Promise<number> {
  let answered = 0;
  for (let i = 0; i < ROUND_TRIPS_PER_PASS; i++) if (accept(await roundTrip(line))) answered++;
  return answered;
}

const NAMES = {
  cobra: 'cobra next -> STANDBY (TCP + python tracer)',
  loopback: 'raw loopback line round trip (TCP echo)',
  target: `target: ${TARGET_STEPS_PER_SECOND} steps/s`,
};

export const bench: BenchModule = {
  name: 'cobra',
  parts: [async () => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'cobra-bench-')));
    await fs.writeFile(path.join(root, 'endless.py'), ENDLESS);
    const server = await startCobraServer({ root, filePort: 0, controlPort: 0 });
    const echo = await listenTcp((socket) => socket.pipe(socket));
    const control = await lineRoundTripper(server.controlPort);
    const files = await lineRoundTripper(server.filePort);
    const loopback = await lineRoundTripper(echo.port);
    try {
      const loaded = (await files.roundTrip(Buffer.from('endless.py\n'))).toString();
      if (!loaded.includes('"ok"')) throw new Error(`the bench program was refused: ${loaded}`);
      await control.receive(); // its first STANDBY
      const next = Buffer.from('next\n');
      const isStandby = (reply: Buffer) => reply.includes('"STANDBY"');
      const contenders: Contender[] = [
        { name: NAMES.cobra, pass: () => passOf(control.roundTrip, next, isStandby), expect: ROUND_TRIPS_PER_PASS },
        { name: NAMES.loopback, pass: () => passOf(loopback.roundTrip, next, (reply) => reply.equals(next.subarray(0, 4))), expect: ROUND_TRIPS_PER_PASS },
      ];
      const measured = await measureSideBySide(contenders, {
        unit: 'ops/s', workPerPass: ROUND_TRIPS_PER_PASS, warmupPasses: 3, rounds: 7, minRoundMs: 300,
      });
      const target: Measurement = { name: NAMES.target, unit: 'ops/s', figure: TARGET_STEPS_PER_SECOND, rounds: [], passesPerRound: 0 };
      measured.set(NAMES.target, target);
      return [
        compare(measured, {
          name: 'cobra next round trips, end to end',
          subject: NAMES.cobra,
          baselines: [NAMES.target, NAMES.loopback],
          target: { baseline: NAMES.target, ratio: 1 },
          note: 'each step crosses two sockets each way and runs one instruction in python under sys.settrace',
        }),
      ];
    } finally {
      control.close();
      files.close();
      loopback.close();
      await echo.close();
      await server.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  }],
};
