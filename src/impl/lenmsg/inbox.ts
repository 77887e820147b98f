import { ConnectionClosedError, TimeoutError } from '../common/errors';

interface Waiter<T> {
  resolve(item: T): void;
  reject(err: Error): void;
}

/**
 * Items waiting for a reader, in arrival order. Every wait has a timeout; once closed,
 * the items already queued are still handed out, then waits fail with the close reason.
 */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private closedBy: Error | undefined;

  get size(): number {
    return this.items.length;
  }

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.items.push(item);
  }

  take(timeoutMs: number, what = 'next message'): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.closedBy) return Promise.reject(this.closedBy);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve: (item) => { clearTimeout(timer); resolve(item); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  close(reason: Error = new ConnectionClosedError('inbox closed')): void {
    this.closedBy ??= reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.closedBy);
  }
}
