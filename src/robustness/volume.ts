/**
 * The volume and many-clients loads, one machinery for every protocol: a protocol gives
 * its messaging (src/robustness/conversation.ts), these loads send the messages, book
 * every answer (src/robustness/tally.ts) and time it (src/robustness/latency.ts).
 */
import { atOnceOf, shardLabel, shareOf } from './shard';
import type { Endpoint } from '../conform/driver';
import type { ClientLink, LinkEvents, Messaging, MessagingFactory } from './conversation';
import { LatencyHistogram } from './latency';
import type { Load, LoadContext, LoadOutcome } from './loads';
import { openFileShortfall, pool } from './sockets';
import { addCounts, NO_MESSAGES, SequenceTally, wrongCount, type MessageCounts } from './tally';

/** Requests a client sends again after the server closed on them (retryAfterClose), at most. */
const MAX_RETRIES = 3;

/** How long a missing answer is waited for once the last message's answer came (it could only come out of order). */
const STRAGGLER_WAIT_MS = 1000;

/** Messages of the many-clients load stay small: it is about clients, not bytes. */
export const MANY_CLIENTS_MAX_BYTES = 1024;

/** What one client's messages came to. */
interface ClientResult {
  counts: MessageCounts;
  findings: string[];
  connected: boolean;
  /** Connections it took (an HTTP server may close after each answer, saying so). */
  connections: number;
  bytes: number;
  /** Requests sent again after the server closed on them before answering (retryAfterClose). */
  retries: number;
}

/**
 * One client: `count` messages at most `window` in flight, every answer booked. Carries on
 * over a new connection only where the server announced its close with an answer; stops at
 * any other end, and when no answer came for `timeoutMs`.
 */
async function converse(
  messaging: Messaging, client: number, count: number, maxBytes: number, timeoutMs: number, latency: LatencyHistogram, label: string,
  /** Called once connected (or failed to): resolves when the client may start sending. */
  connected: () => Promise<void> = async () => undefined,
): Promise<ClientResult> {
  const tally = new SequenceTally(count, label);
  const sentAt = new Map<number, number>();
  let wake: (() => void) | undefined;
  let ended: string | undefined;
  /** The connection ended with part of an answer received (no request may then be sent again). */
  let endedMidAnswer = false;
  let retries = 0;
  let closeAnnounced = false;
  let lastAnswered = false;
  const events: LinkEvents = {
    answer(answer) {
      if (answer.seq === count - 1) lastAnswered = true;
      const at = answer.seq === undefined ? undefined : sentAt.get(answer.seq);
      if (at !== undefined) {
        latency.record(performance.now() - at);
        sentAt.delete(answer.seq!);
      }
      tally.answer(answer.seq, answer.intact, answer.what);
      if (answer.closes) closeAnnounced = true;
      wake?.();
    },
    ended(how, midAnswer) {
      ended = how;
      endedMidAnswer = midAnswer;
      wake?.();
    },
  };
  const open = () => messaging.open({ client, maxBytes, timeoutMs }, events);
  let link: ClientLink;
  try {
    link = await open();
  } catch (err) {
    void connected();
    return { counts: { ...NO_MESSAGES, unsent: count }, findings: [`${label} could not connect: ${(err as Error).message}`], connected: false, connections: 0, bytes: 0, retries: 0 };
  }
  await connected();
  let connections = 1;
  let next = 0;
  let bytes = 0;
  /** Answers outstanding when the load stopped waiting for them (undefined: it did not). */
  let stalled: number | undefined;
  for (;;) {
    while (next < count && tally.outstanding < messaging.window && link.canSend() && !closeAnnounced) {
      sentAt.set(next, performance.now());
      tally.sent();
      bytes += await link.send(next++);
    }
    if (next === count && tally.outstanding <= 0) break;
    if (closeAnnounced && tally.outstanding <= 0) {
      // The server said it closes after that answer (HTTP/1.0): a client carries on over a new connection.
      await link.finish(timeoutMs);
      closeAnnounced = false;
      ended = undefined;
      try {
        link = await open();
        connections++;
        continue;
      } catch (err) {
        ended = `a new connection after the server's announced close failed: ${(err as Error).message}`;
        break;
      }
    }
    if (ended !== undefined && !link.canSend()) {
      // HTTP: a request the server closed on before any byte of its answer (say, as its keep-alive
      // timeout struck) is sent again on a new connection, once, as RFC 9112 §9.3.1 lets a client.
      const unanswered = [...sentAt.keys()];
      if (!messaging.retryAfterClose || endedMidAnswer || unanswered.length === 0 || retries >= MAX_RETRIES) break;
      try {
        link.destroy();
        link = await open();
        connections++;
        retries++;
        ended = undefined;
      } catch {
        break;
      }
      for (const seq of unanswered) {
        sentAt.set(seq, performance.now());
        await link.send(seq);
      }
      continue;
    }
    // Once the last message is answered, a missing answer could only come out of order: a short wait for it.
    const wait = lastAnswered ? Math.min(timeoutMs, STRAGGLER_WAIT_MS) : timeoutMs;
    const progressed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { wake = undefined; resolve(false); }, wait);
      wake = () => { clearTimeout(timer); wake = undefined; resolve(true); };
    });
    if (!progressed) {
      stalled = tally.outstanding;
      break;
    }
  }
  const endedEarly = ended;
  if (ended === undefined || closeAnnounced) await link.finish(timeoutMs);
  else link.destroy();
  const counts = tally.counts();
  const findings = [...tally.findings];
  if (wrongCount(counts) > 0) {
    if (stalled !== undefined) {
      const late = stalled - tally.outstanding;
      findings.push(`${label}: no answer for ${lastAnswered ? `${Math.min(timeoutMs, STRAGGLER_WAIT_MS)} ms after the last message's` : `${timeoutMs} ms`} with ${stalled} outstanding; the load stopped waiting${late > 0 ? ` (${late} came later still, before the connection closed)` : ''}`);
    }
    if (endedEarly !== undefined) findings.push(`${label}: the connection ended after ${counts.sent} messages sent: ${endedEarly}`);
  }
  return { counts, findings, connected: true, connections, bytes, retries };
}

/** `size` parties that each arrive once; every arrival resolves when the last has arrived. */
function barrier(size: number): { size: number; arrive(): Promise<void> } {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => { release = resolve; });
  return { size, arrive: () => { if (++arrived >= size) release(); return all; } };
}

/** At most this many findings are listed per load. */
const MAX_FINDINGS = 20;

/** Runs `once` again and again until `durationMs` has passed (once without a duration): the soak. */
async function repeated(ctx: LoadContext, once: () => Promise<void>): Promise<number> {
  const started = performance.now();
  let repetitions = 0;
  do {
    await once();
    repetitions++;
  } while (ctx.durationMs !== undefined && performance.now() - started < ctx.durationMs);
  return repetitions;
}

function outcome(
  messaging: Messaging, counts: MessageCounts, findings: string[], latency: LatencyHistogram, note: string,
  extra: Partial<LoadOutcome> = {},
): LoadOutcome {
  const problems = findings.slice(0, MAX_FINDINGS);
  if (problems.length === 0 && wrongCount(counts) > 0) problems.push('messages lost, duplicated, corrupted or reordered');
  const messages = messaging.byPosition ? { ...counts, byPosition: true } : counts;
  return { lost: 0, problems, note, messages, latency: latency.summary(), ...extra };
}

const describeCounts = (c: MessageCounts) =>
  `${c.answered} answers to ${c.sent} messages: ${c.lost} lost, ${c.duplicated} duplicated, ${c.corrupted} corrupted, ${c.reordered} reordered${c.unsent ? `, ${c.unsent} never sent` : ''}`;

/** `count` messages of mixed sizes on one connection, every one answered exactly once, whole, in order. */
export function volume(messagingFor: MessagingFactory, count: number): Load {
  return {
    name: 'volume',
    count,
    unit: 'messages on one connection',
    sharding: 'first',
    async run(ctx) {
      const messaging = await messagingFor(ctx.endpoint, ctx.timeoutMs);
      const latency = new LatencyHistogram();
      let counts = NO_MESSAGES;
      const findings: string[] = [];
      let bytes = 0;
      let connections = 0;
      let retries = 0;
      try {
        const repetitions = await repeated(ctx, async () => {
          const result = await converse(messaging, 0, count, messaging.maxMessageBytes, ctx.timeoutMs, latency, 'the connection');
          counts = addCounts(counts, result.counts);
          findings.push(...result.findings);
          bytes += result.bytes;
          connections += result.connections;
          retries += result.retries;
        });
        findings.push(...(messaging.findings?.() ?? []));
        const closing = connections > repetitions ? `; ${connections} connections (the server closed after answers it said so of${retries ? `, and ${retries} times before answering, the request then sent again` : ''})` : '';
        const by = messaging.byPosition ? ' (answers told apart by their place: they carry no mark)' : '';
        return outcome(messaging, counts, findings, latency, `${messaging.describe}, up to ${messaging.maxMessageBytes} bytes, ${messaging.window} in flight${by}; ${describeCounts(counts)}${closing}`, {
          bytes,
          ...(repetitions > 1 ? { repetitions } : {}),
        });
      } finally {
        await messaging.close();
      }
    },
  };
}

/**
 * `clients` clients of `perClient` messages each: `atOnce` at a time where the server
 * serves several clients at once, else one after another. A client is served when every
 * one of its messages came back exactly once, whole and in order.
 */
export function manyClients(
  messagingFor: MessagingFactory,
  clients: number,
  perClient: number,
  atOnce: number,
  oneAtATime: (endpoint: Endpoint, timeoutMs: number) => Promise<boolean>,
): Load {
  return {
    name: 'many-clients',
    count: clients,
    unit: `clients × ${perClient} messages`,
    sharding: 'split',
    async run(ctx) {
      const sequential = await oneAtATime(ctx.endpoint, ctx.timeoutMs);
      const messaging = await messagingFor(ctx.endpoint, ctx.timeoutMs);
      try {
        const lanes = sequential ? 1 : atOnceOf(atOnce, ctx.shard);
        const shortfall = openFileShortfall(lanes * (messaging.socketsPerClient ?? 1));
        if (shortfall) return { lost: 0, problems: [], note: '', notRun: shortfall };
        const mine = shareOf(clients, ctx.shard);
        const latency = new LatencyHistogram();
        let counts = NO_MESSAGES;
        const findings: string[] = [];
        let failed = 0;
        let bytes = 0;
        let retries = 0;
        const together = Math.min(lanes, mine.length);
        const repetitions = await repeated(ctx, async () => {
          // The first wave (as many clients as run at once) is all connected before any sends: the server
          // holds that many connections at the same moment, however fast it serves each.
          const wave = barrier(together);
          await pool(mine.length, lanes, async (index) => {
            const client = mine[index];
            const result = await converse(messaging, client, perClient, MANY_CLIENTS_MAX_BYTES, ctx.timeoutMs, latency, `client ${client + 1}`, index < wave.size ? wave.arrive : undefined);
            counts = addCounts(counts, result.counts);
            bytes += result.bytes;
            retries += result.retries;
            if (!result.connected || wrongCount(result.counts) > 0) {
              failed++;
              if (findings.length < MAX_FINDINGS) findings.push(...result.findings.slice(0, 2));
            }
          });
        });
        findings.push(...(messaging.findings?.() ?? []));
        const total = mine.length * repetitions;
        const how = sequential ? 'one after another (the server serves one client at a time)' : `${together} at once`;
        const share = ctx.shard.count > 1 ? ` (shard ${shardLabel(ctx.shard)}: every ${ctx.shard.count}th client)` : '';
        return outcome(messaging, counts, findings, latency, `${total} clients${share} ${how}, ${perClient} messages each (${messaging.describe}, up to ${MANY_CLIENTS_MAX_BYTES} bytes); ${total - failed} served; ${describeCounts(counts)}${retries ? `; ${retries} requests sent again after the server closed on them before answering` : ''}`, {
          bytes,
          clients: { total, served: total - failed, failed, atOnce: together },
          ...(repetitions > 1 ? { repetitions } : {}),
        });
      } finally {
        await messaging.close();
      }
    },
  };
}
