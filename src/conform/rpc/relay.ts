/**
 * A TCP relay in front of a Pyro daemon that hands every message, in each direction,
 * to a rewrite hook: the suite's way to make a conforming daemon misbehave in exactly
 * one way (a wrong seq, a reply to a oneway call, a checksum not checked), and to
 * count the connections a client opens. Messages are cut by their header's lengths
 * without checking the rest of the header: what to do with a bad one is the hook's business.
 */
import net from 'node:net';
import { listenTcp, type RunningServer } from '../../impl/common/net';
import { encodeMessage, HEADER_SIZE, MAX_MESSAGE_SIZE, MessageFramer, type PyroMessage } from '../../impl/rpc/message';
import { JSON_SERIALIZER, SERPENT_SERIALIZER } from '../../impl/rpc/serializers';
import { fixChecksum } from './hostile';

export type Direction = 'toDaemon' | 'toClient';

/** Returns the bytes to forward for one message (empty: drop it), or 'close' to end the connection pair. */
export type Rewrite = (message: Buffer, direction: Direction, pair: RelayPair) => Buffer | 'close';

export interface RelayPair {
  readonly client: net.Socket;
  readonly daemon: net.Socket;
}

export interface Relay extends RunningServer {
  /** Connections accepted so far. */
  readonly connections: number;
  /** Every pair still open (a hook may end them all). */
  readonly pairs: Set<RelayPair>;
}

/**
 * Cuts a byte stream into messages by the header's lengths. What is no header, or
 * announces a body too big or negative, goes on at once with everything after it:
 * the relay never holds what a daemon would refuse on the header alone.
 */
class MessageCutter {
  private pending: Buffer = Buffer.alloc(0);
  private passThrough = false;

  push(chunk: Buffer, emit: (unit: Buffer) => void): void {
    if (this.passThrough) return emit(chunk);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER_SIZE) {
      const body = this.pending.readUInt16BE(18) + this.pending.readInt32BE(12);
      if (this.pending.subarray(0, 4).toString('latin1') !== 'PYRO' || body < 0 || body > MAX_MESSAGE_SIZE) {
        this.passThrough = true;
        emit(this.pending);
        return;
      }
      if (this.pending.length < HEADER_SIZE + body) return;
      emit(this.pending.subarray(0, HEADER_SIZE + body));
      this.pending = this.pending.subarray(HEADER_SIZE + body);
    }
  }
}

/** Rewrites header fields of a whole message and fixes its checksum. */
export function withHeader(message: Buffer, fields: { flags?: number; seq?: number; version?: number }): Buffer {
  const out = Buffer.from(message);
  if (fields.flags !== undefined) out.writeUInt16BE(fields.flags, 8);
  if (fields.seq !== undefined) out.writeUInt16BE(fields.seq & 0xffff, 10);
  if (fields.version !== undefined) out.writeUInt16BE(fields.version, 4);
  return fixChecksum(out);
}

/** The whole message parsed, changed (body, serializer, ...), and encoded again with its checksum. */
export function withMessage(message: Buffer, change: (parsed: PyroMessage) => PyroMessage): Buffer {
  let parsed: PyroMessage | undefined;
  new MessageFramer().push(message, (m) => { parsed = m; });
  return encodeMessage(change(parsed!));
}

/** A serpent message re-encoded in json, header and body: as a daemon that ignores the request's serializer would answer. */
export const inJson = (message: Buffer) =>
  withMessage(message, (m) => ({ ...m, serializerId: JSON_SERIALIZER.id, data: JSON_SERIALIZER.encode(SERPENT_SERIALIZER.decode(m.data)) }));

export async function startRelay(upstream: { host: string; port: number }, rewrite: Rewrite, port = 0): Promise<Relay> {
  let connections = 0;
  const pairs = new Set<RelayPair>();
  const running = await listenTcp((client) => {
    connections++;
    const daemon = net.connect({ host: upstream.host, port: upstream.port, noDelay: true });
    const pair: RelayPair = { client, daemon };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      daemon.destroy();
    };
    const pipe = (from: net.Socket, to: net.Socket, direction: Direction) => {
      const cutter = new MessageCutter();
      from.on('data', (chunk: Buffer) =>
        cutter.push(chunk, (message) => {
          const out = rewrite(message, direction, pair);
          if (out === 'close') end();
          else if (out.length > 0 && !to.destroyed) to.write(out);
        }));
      from.on('end', () => to.end());
      from.on('error', end);
      from.on('close', () => { if (to.writableEnded || to.destroyed) pairs.delete(pair); });
    };
    pipe(client, daemon, 'toDaemon');
    pipe(daemon, client, 'toClient');
  }, { host: upstream.host, port });
  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    get connections() { return connections; },
    pairs,
    close() {
      for (const pair of pairs) { pair.client.destroy(); pair.daemon.destroy(); }
      return running.close();
    },
  };
}
