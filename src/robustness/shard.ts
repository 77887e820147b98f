/**
 * `--shard I/N`: N machines (a CI matrix, a Kubernetes Indexed Job) drive one target
 * together, shard I (1 to N) taking every Nth client of a load, starting with client I-1.
 * The shares are fixed by the numbers alone, so N shards run exactly the clients of one
 * unsharded run, and `wireproof merge` adds their counts up to that run's.
 */
import type { Load } from './loads';

export interface Shard {
  /** 1 to count. */
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard is I/N with 1 <= I <= N (e.g. 2/4), not "${text}"`);
  return { index, count };
}

export const shardLabel = (shard: Shard) => `${shard.index}/${shard.count}`;

/** The items of `total` (0 to total - 1) that are this shard's. */
export function shareOf(total: number, shard: Shard): number[] {
  const mine: number[] = [];
  for (let i = shard.index - 1; i < total; i += shard.count) mine.push(i);
  return mine;
}

/** How many at once this shard runs, so that all shards together run about `atOnce`. */
export const atOnceOf = (atOnce: number, shard: Shard) => Math.max(1, Math.ceil(atOnce / shard.count));

/** Whether this shard runs the load: each runs its share of a divisible one, shard 1 alone the others, whole. */
export const runsInShard = (load: Pick<Load, 'sharding'>, shard: Shard) => load.sharding === 'split' || shard.index === 1;
