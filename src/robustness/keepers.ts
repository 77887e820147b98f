/**
 * "Nothing already accepted is lost": a client of the server under load that, before
 * the load, sends one whole request and the first half of another, and reads nothing.
 * After the load (and for slowloris, while the idle connections are still held) it
 * sends the second half and must get both answers, complete and right. Each protocol
 * that serves several clients at once has its keeper in its plugin (`load.keeper`),
 * built from the pieces here; oneline and echo check every answer of the load itself
 * instead (one client at a time: a keeper would hold the server).
 */
import { WireDriver, type Endpoint } from '../conform/driver';
import { TraceRecorder } from '../conform/trace';
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
export type Check = () => Promise<string | undefined>;

/** Checks answers in order; the first one missing or wrong counts it and every later one as lost. */
export async function countLost(checks: Check[]): Promise<KeeperResult> {
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
export async function keeper(write: (bytes: Buffer) => Promise<void>, whole: Buffer, cut: Buffer, checks: Check[], close: () => void): Promise<Keeper> {
  const [first, rest] = halves(cut);
  try {
    await write(Buffer.concat([whole, first]));
  } catch (err) {
    close();
    throw err;
  }
  return {
    async finish() {
      let unsent: string | undefined;
      try {
        await write(rest);
      } catch (err) {
        unsent = (err as Error).message; // the answers already sent may still be there to read
      }
      const kept = await countLost(checks);
      return unsent && kept.lost > 0 ? { ...kept, problem: `${kept.problem}; the rest of the cut request could not be sent: ${unsent}` } : kept;
    },
    close,
  };
}

/** A keeper on a raw connection of its own. */
export async function rawKeeper(endpoint: Endpoint, timeoutMs: number, whole: Buffer, cut: Buffer, checks: (driver: WireDriver) => Check[]): Promise<Keeper> {
  const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
  return keeper((bytes) => driver.write(bytes), whole, cut, checks(driver), () => driver.destroy());
}

