import { TimeoutError } from './errors';

interface Taker<T> {
  resolve(item: T): void;
  reject(err: Error): void;
}

/**
 * A FIFO handing items to takers in call order. Once ended, takers get the end reason
 * after the queued items are gone. Takers that time out leave the line without an item.
 * `weight` sums `weigh(item)` over the items held (not those handed straight to a taker).
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: Taker<T>[] = [];
  private endReason: Error | undefined;
  private held = 0;

  constructor(private readonly weigh: (item: T) => number = () => 0) {}

  get size(): number {
    return this.items.length;
  }

  get weight(): number {
    return this.held;
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Hands the item to the first waiting taker, or holds it. */
  push(item: T): void {
    const taker = this.takers.shift();
    if (taker) {
      taker.resolve(item);
    } else {
      this.items.push(item);
      this.held += this.weigh(item);
    }
  }

  /** No more items: takers get `reason` once the held items are taken (the first reason stays). */
  end(reason: Error): void {
    if (this.endReason) return;
    this.endReason = reason;
    if (this.items.length === 0) this.failTakers(reason);
  }

  /**
   * Rejects every taker waiting now with `err`; the queue stays open (items pushed later go to
   * later takers). For a source that failed where another may follow (a peer that reconnects).
   */
  failTakers(err: Error): void {
    for (const taker of this.takers.splice(0)) taker.reject(err);
  }

  /** Empties the queue, returning what it held. */
  clear(): T[] {
    this.held = 0;
    return this.items.splice(0);
  }

  /** The next item; waits at most timeoutMs (Infinity: for ever), then rejects with a TimeoutError naming `what`. */
  take(timeoutMs: number, what = 'next item'): Promise<T> {
    if (this.items.length > 0) {
      const item = this.items.shift()!;
      this.held -= this.weigh(item);
      return Promise.resolve(item);
    }
    if (this.endReason) return Promise.reject(this.endReason);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const taker: Taker<T> = {
        resolve: (item) => { clearTimeout(timer); resolve(item); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      };
      this.takers.push(taker);
      if (!Number.isFinite(timeoutMs)) return;
      timer = setTimeout(() => {
        this.takers.splice(this.takers.indexOf(taker), 1);
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      timer.unref();
    });
  }
}
