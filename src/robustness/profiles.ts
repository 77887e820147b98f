/**
 * The loads of the load profile and their sizes. Every protocol gets the volume and the
 * many-clients loads (its plugin says how its messages go), then its own hostile loads
 * (its plugin says which apply).
 */
import type { ProtocolPlugin } from '../conform/protocol';
import type { Load } from './loads';
import { manyClients, volume } from './volume';

/** The counts of issue 12 (and issue 7 for the hostile loads); `--load-scale` shrinks them. */
export interface LoadSizes {
  /** Messages of the volume load, all on one connection. */
  volumeMessages: number;
  /** Clients of the many-clients load, and the messages each sends. */
  clients: number;
  messagesPerClient: number;
  /** Clients at once where the server serves several ("several hundred at once"). */
  clientsAtOnce: number;
  oversizeBytes: number;
  malformedCount: number;
  idleConnections: number;
}

export const FIXED_SIZES: LoadSizes = {
  volumeMessages: 10_000,
  clients: 1000,
  messagesPerClient: 100,
  clientsAtOnce: 300,
  oversizeBytes: 1 << 30,
  malformedCount: 10_000,
  idleConnections: 1000,
};

/**
 * The sizes times `scale` (0 < scale <= 1): fewer messages, clients, inputs and bytes,
 * for a quick look or a CI budget. Messages per client and clients at once stay: they
 * are what a client and the server's concurrency see.
 */
export function scaledSizes(scale: number, sizes: LoadSizes = FIXED_SIZES): LoadSizes {
  const of = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    ...sizes,
    volumeMessages: of(sizes.volumeMessages),
    clients: of(sizes.clients),
    oversizeBytes: of(sizes.oversizeBytes),
    malformedCount: of(sizes.malformedCount),
    idleConnections: of(sizes.idleConnections),
  };
}

/**
 * The warm-up before the first memory reading: the same load at a tenth of its size
 * (a sixteenth of the stream), so that the growth measured is what the full load adds
 * to a server already at work (code compiled, heap and buffer pools at working size),
 * not the one-off cost of starting up. A leak in proportion to the load still shows.
 */
export function warmUpSizes(sizes: LoadSizes): LoadSizes {
  const tenth = (n: number) => Math.ceil(n / 10);
  return {
    ...sizes,
    volumeMessages: tenth(sizes.volumeMessages),
    clients: tenth(sizes.clients),
    clientsAtOnce: tenth(sizes.clientsAtOnce),
    oversizeBytes: Math.ceil(sizes.oversizeBytes / 16),
    malformedCount: tenth(sizes.malformedCount),
    idleConnections: tenth(sizes.idleConnections),
  };
}

/** A load that does not apply to a protocol, and why. */
export interface NotApplicable {
  name: string;
  reason: string;
}

/** Every load of a protocol's profile, in the order they run. */
export function loadsFor(plugin: ProtocolPlugin, sizes: LoadSizes = FIXED_SIZES): (Load | NotApplicable)[] {
  const support = plugin.load;
  if (!support) throw new Error(`no loads for protocol "${plugin.name}"`);
  return [
    volume(support.messaging, sizes.volumeMessages),
    manyClients(support.messaging, sizes.clients, sizes.messagesPerClient, sizes.clientsAtOnce, support.oneClientAtATime),
    ...support.hostile(sizes),
  ];
}

/** The names of every load, for --load-only. */
export const LOAD_NAMES = ['volume', 'many-clients', 'oversized-line', 'length-claims', 'slowloris', 'malformed'] as const;
export type LoadName = (typeof LOAD_NAMES)[number];
