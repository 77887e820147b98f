import type { TraceEvent } from '../report/types';

/** Bytes of TX and of RX kept per case; past it chunks are summarised, so a 1 GiB case stays small. */
const MAX_TRACE_BYTES = 64 * 1024;

/** Records every chunk of every connection of one case, with the time it happened. */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  private readonly started = performance.now();
  private kept = { TX: 0, RX: 0 };
  private connections = 0;

  /** A number for the next connection of this case. */
  nextConnection(): number {
    return ++this.connections;
  }

  chunk(conn: number, dir: 'TX' | 'RX', bytes: Uint8Array): void {
    const t = this.now();
    const room = MAX_TRACE_BYTES - this.kept[dir];
    if (room <= 0) {
      const last = this.events[this.events.length - 1];
      // Collapse the overflow of one direction into a single running note.
      if (last?.dir === 'EV' && last.conn === conn && last.note?.startsWith(`${dir} not recorded:`)) {
        const n = Number(/: (\d+)/.exec(last.note)![1]) + bytes.length;
        last.note = `${dir} not recorded: ${n} bytes`;
      } else {
        this.events.push({ t, conn, dir: 'EV', note: `${dir} not recorded: ${bytes.length} bytes` });
      }
      return;
    }
    const kept = bytes.subarray(0, room);
    this.kept[dir] += kept.length;
    this.events.push({ t, conn, dir, hex: Buffer.from(kept).toString('hex') });
    if (kept.length < bytes.length) {
      this.events.push({ t, conn, dir: 'EV', note: `${dir} not recorded: ${bytes.length - kept.length} bytes` });
    }
  }

  note(conn: number, note: string): void {
    this.events.push({ t: this.now(), conn, dir: 'EV', note });
  }

  private now(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }
}
