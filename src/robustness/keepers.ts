/**
 * "Nothing already accepted is lost": a client of the server under load that, before
 * the load, sends one whole request and the first half of another, and reads nothing.
 * After the load (and for slowloris, while the idle connections are still held) it
 * sends the second half and must get both answers, complete and right. One keeper per
 * protocol that serves several clients at once; oneline and echo check every answer
 * of the load itself instead (one client at a time: a keeper would hold the server).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { frame, channelFrameParse } from '../conform/channel/wire';
import { readFileReply } from '../conform/cobra/control';
import { WireDriver, type Endpoint, type Parse } from '../conform/driver';
import { FIXTURE_ROOT } from '../conform/http/fixture';
import { dataFrame, sameEcho, SuiteRemote } from '../conform/lenmsg/remote';
import { connectEcho, invokeMessage, lookupEcho, type RpcConnection } from '../conform/rpc/wire';
import { TraceRecorder } from '../conform/trace';
import { encodeMessage } from '../impl/rpc/message';
import { ECHO_OBJECT_ID } from '../impl/rpc/testobject';
import type { Rng } from './rng';

export interface KeeperResult {
  expected: number;
  lost: number;
  problem?: string;
}

export interface Keeper {
  /** After the load: the rest of the cut request, then every answer checked. */
  finish(): Promise<KeeperResult>;
  close(): void;
}

export type KeeperFactory = (endpoint: Endpoint, rng: Rng, timeoutMs: number) => Promise<Keeper>;

/** Checks one answer: undefined when it came and is right, else what is wrong. */
type Check = () => Promise<string | undefined>;

/** Checks answers in order; the first one missing or wrong counts it and every later one as lost. */
async function countLost(checks: Check[]): Promise<KeeperResult> {
  for (let i = 0; i < checks.length; i++) {
    let problem: string | undefined;
    try {
      problem = await checks[i]();
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== undefined) return { expected: checks.length, lost: checks.length - i, problem: `answer ${i + 1}: ${problem}` };
  }
  return { expected: checks.length, lost: 0 };
}

const halves = (bytes: Buffer): [Buffer, Buffer] => [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];

/** Sends `whole` and the first half of `cut` now; finish() sends the rest, then runs the checks (one per request). */
async function keeper(write: (bytes: Buffer) => Promise<void>, whole: Buffer, cut: Buffer, checks: Check[], close: () => void): Promise<Keeper> {
  const [first, rest] = halves(cut);
  try {
    await write(Buffer.concat([whole, first]));
  } catch (err) {
    close();
    throw err;
  }
  return {
    async finish() {
      try {
        await write(rest);
      } catch (err) {
        return { expected: checks.length, lost: checks.length, problem: `the rest of the cut request: ${(err as Error).message}` };
      }
      return countLost(checks);
    },
    close,
  };
}

/** A keeper on a raw connection of its own. */
async function rawKeeper(endpoint: Endpoint, timeoutMs: number, whole: Buffer, cut: Buffer, checks: (driver: WireDriver) => Check[]): Promise<Keeper> {
  const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
  return keeper((bytes) => driver.write(bytes), whole, cut, checks(driver), () => driver.destroy());
}

const channelKeeper: KeeperFactory = (endpoint, rng, timeoutMs) => {
  const bodies = [rng.bytes(64 * 1024), rng.bytes(1024)];
  return rawKeeper(endpoint, timeoutMs, frame(bodies[0]), frame(bodies[1]), (driver) =>
    bodies.map((body, i) => async () => {
      const echoed = await driver.read(channelFrameParse, timeoutMs, `the echo of the keeper's frame ${i + 1}`);
      return echoed.equals(body) ? undefined : `the echo of frame ${i + 1} differs (${echoed.length} bytes, sent ${body.length})`;
    }),
  );
};

/** One whole HTTP/1.1 response off the front (Content-Length bodies only: all this server sends). */
const httpResponseParse: Parse<{ status: number; body: Buffer }> = (received) => {
  const end = received.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = received.subarray(0, end).toString('latin1');
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  if (received.length < end + 4 + length) return undefined;
  return { value: { status: Number(head.split(' ')[1]), body: received.subarray(end + 4, end + 4 + length) }, consumed: end + 4 + length };
};

const httpKeeper: KeeperFactory = (endpoint, _rng, timeoutMs) => {
  const request = Buffer.from('GET /hello.txt HTTP/1.1\r\nHost: wireproof-keeper\r\n\r\n');
  const expected = readFileSync(path.join(FIXTURE_ROOT, 'hello.txt'));
  return rawKeeper(endpoint, timeoutMs, request, request, (driver) =>
    [1, 2].map((n) => async () => {
      const response = await driver.read(httpResponseParse, timeoutMs, `the response to the keeper's request ${n}`);
      return response.status === 200 && response.body.equals(expected) ? undefined : `status ${response.status}, ${response.body.length} bytes`;
    }),
  );
};

const cobraKeeper: KeeperFactory = (endpoint, rng, timeoutMs) => {
  // Paths that name nothing: each is answered {"error"} and starts no program.
  const paths = [0, 1].map(() => Buffer.from(`wireproof-keeper-${rng.int(0, 1e9)}/none.py\n`));
  return rawKeeper(endpoint, timeoutMs, paths[0], paths[1], (driver) =>
    paths.map((_, i) => async () => {
      const reply = await readFileReply(driver, timeoutMs, `the answer to the keeper's path ${i + 1}`);
      return 'error' in reply ? undefined : `answered ${JSON.stringify(reply)}`;
    }),
  );
};

const lenmsgKeeper: KeeperFactory = async (endpoint, rng, timeoutMs) => {
  const remote = await SuiteRemote.start('robustness-keeper', new TraceRecorder(), timeoutMs);
  const bodies = [{ keeper: 1, text: rng.text(4096, 'abcxyz019 ').toString('latin1') }, { keeper: 2, n: rng.int(0, 1e9) }];
  try {
    const keeper = await rawKeeper(endpoint, timeoutMs, Buffer.concat([remote.helloFrame(), dataFrame(bodies[0])]), dataFrame(bodies[1]), () =>
      bodies.map((body, i) => async () => {
        const echoed = await remote.nextData(`the echo of the keeper's data ${i + 1}`);
        return sameEcho(body, echoed) ? undefined : `echoed ${JSON.stringify(echoed).slice(0, 100)}`;
      }),
    );
    return { finish: () => keeper.finish(), close: () => { keeper.close(); void remote.close(); } };
  } catch (err) {
    await remote.close();
    throw err;
  }
};

/** On wireproof.echo's daemon (found through the name server under load): echo(a) whole, echo(b) cut. */
const rpcKeeper: KeeperFactory = async (endpoint, rng, timeoutMs) => {
  const trace = new TraceRecorder();
  const connection: RpcConnection = await connectEcho(await lookupEcho(endpoint, trace, timeoutMs), trace, timeoutMs);
  const values = [{ keeper: 1, list: [rng.int(0, 1e9), 'a'.repeat(2048)] }, `keeper-2-${rng.int(0, 1e9)}`];
  const seqs = values.map(() => connection.nextSeq());
  const [whole, cut] = values.map((value, i) => encodeMessage(invokeMessage(seqs[i], ECHO_OBJECT_ID, 'echo', [value])));
  return keeper((bytes) => connection.driver.write(bytes), whole, cut, values.map((value, i) => async () => {
    const reply = await connection.result(seqs[i], `the keeper's echo ${i + 1}`);
    return !reply.exception && isDeepStrictEqual(reply.value, value) ? undefined : `answered ${JSON.stringify(reply.value).slice(0, 100)}`;
  }), () => connection.destroy());
};

export const KEEPERS: Readonly<Record<string, KeeperFactory>> = {
  channel: channelKeeper,
  cobra: cobraKeeper,
  http: httpKeeper,
  lenmsg: lenmsgKeeper,
  rpc: rpcKeeper,
};

