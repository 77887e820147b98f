import type { TraceEvent } from '../report/types';

/**
 * What one case's trace keeps, so that a target sending gigabytes still makes a small
 * report: the first TRACE_BYTES of each direction (TX, RX), and TRACE_ROWS rows in all.
 * Past a cap, one note per connection and direction counts what was left out, and states the cap.
 */
export const TRACE_BYTES = 8 * 1024;
export const TRACE_ROWS = 400;

/** Records every chunk of every connection of one case, with the time it happened. */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  private readonly started = performance.now();
  private kept = { TX: 0, RX: 0 };
  private connections = 0;
  /** The running notes that count what a cap left out, by "conn dir" (EV: rows past TRACE_ROWS). */
  private readonly leftOut = new Map<string, { event: TraceEvent; bytes: number; rows: number }>();

  /** A number for the next connection of this case. */
  nextConnection(): number {
    return ++this.connections;
  }

  chunk(conn: number, dir: 'TX' | 'RX', bytes: Uint8Array): void {
    const room = this.events.length < TRACE_ROWS ? Math.max(0, Math.min(TRACE_BYTES - this.kept[dir], bytes.length)) : 0;
    if (room > 0) {
      this.kept[dir] += room;
      this.events.push({ t: this.now(), conn, dir, hex: Buffer.from(bytes.buffer, bytes.byteOffset, room).toString('hex') });
    }
    // Cut by the direction's byte cap, or dropped whole once the rows ran out (then the bytes it kept are fewer).
    if (room < bytes.length) this.count(conn, dir, bytes.length - room, this.kept[dir] >= TRACE_BYTES ? 'bytes' : 'rows');
  }

  note(conn: number, note: string): void {
    if (this.events.length < TRACE_ROWS) this.events.push({ t: this.now(), conn, dir: 'EV', note });
    else this.count(conn, 'EV', 0, 'rows');
  }

  /**
   * Adds to the note that counts what the caps left out of this connection and direction, naming
   * the cap: once the rows ran out no direction keeps more bytes, so a direction's cap stays the same.
   */
  private count(conn: number, dir: 'TX' | 'RX' | 'EV', bytes: number, cap: 'bytes' | 'rows'): void {
    const key = `${conn} ${dir}`;
    let entry = this.leftOut.get(key);
    if (!entry) {
      entry = { event: { t: this.now(), conn, dir: 'EV' }, bytes: 0, rows: 0 };
      this.leftOut.set(key, entry);
      this.events.push(entry.event); // past TRACE_ROWS too: one per connection and direction at most
    }
    entry.bytes += bytes;
    entry.rows += 1;
    const reached = cap === 'bytes' ? `${TRACE_BYTES} ${dir} bytes per case` : `${TRACE_ROWS} rows`;
    const what = dir === 'EV' ? `${entry.rows} more notes` : `${entry.bytes} more ${dir} bytes in ${entry.rows} chunks`;
    entry.event.note = `trace cap of ${reached} reached: ${what} not recorded`;
  }

  private now(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }
}
