/**
 * echo under the load profile: a byte stream of binary records (marker, client, seq,
 * length, then any byte values), taken apart again as it comes back. Bytes dropped or
 * changed show as damaged records, and the stream is found again at the next marker.
 */
import type net from 'node:net';
import { answerOf, socketMessaging } from '../../robustness/conversation';
import { echoBatches } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { binaryRecord, nextRecord } from '../../robustness/messages';
import { connect } from '../../robustness/sockets';
import type { Endpoint } from '../driver';
import type { LoadSupport } from '../protocol';

const MAX_MESSAGE = 64 * 1024;
/** How long a second client waits for its echo while a first is served, before the server counts as one-at-a-time. */
const SECOND_CLIENT_WAIT_MS = 1000;

/** Resolves true at the first bytes the socket receives, false after `ms` or at its end. */
function answers(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (got: boolean) => { clearTimeout(timer); socket.off('data', onData); resolve(got); };
    const onData = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    socket.on('data', onData);
    socket.once('close', () => done(false));
  });
}

/**
 * The reference echo serves one client at a time (as the lecture's); an RFC 862 echo may
 * serve several. The suite tells them apart: while a first client is being served (its
 * bytes came back), a second client's bytes are echoed at once, or not.
 */
async function servesOneAtATime(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  const sockets: net.Socket[] = [];
  try {
    const first = await connect(endpoint, timeoutMs);
    sockets.push(first);
    first.on('error', () => undefined);
    const served = answers(first, timeoutMs);
    first.write('a');
    if (!(await served)) return true; // not even the first answered: one at a time is the safe reading
    const second = await connect(endpoint, timeoutMs);
    sockets.push(second);
    second.on('error', () => undefined);
    const echoed = answers(second, Math.min(timeoutMs, SECOND_CLIENT_WAIT_MS));
    second.write('b');
    return !(await echoed);
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

export const echoLoad: LoadSupport = {
  messaging: async (endpoint) => socketMessaging(endpoint, {
    window: 64,
    byPosition: false,
    maxMessageBytes: MAX_MESSAGE,
    describe: 'a byte stream of binary records (any byte values), taken apart again from the echo',
    codec: ({ client, maxBytes }) => ({
      byPosition: false,
      maxAnswerBytes: MAX_MESSAGE + 16,
      encode: (seq) => binaryRecord({ client, seq }, maxBytes),
      parse(received) {
        const piece = nextRecord(received, maxBytes);
        if (!piece) return undefined;
        if ('garbage' in piece) return { answer: { intact: false, what: `${piece.garbage} echoed bytes that belong to no record` }, consumed: piece.consumed };
        return { answer: answerOf(piece.record, client, 'an echoed record'), consumed: piece.consumed };
      },
    }),
  }),
  oneClientAtATime: servesOneAtATime,
  hostile: (sizes) => [
    { name: 'slowloris', reason: 'not applicable (the reference echo serves one client at a time: an idle client holds it by design; an echo that serves several at once gets its many clients at once)' },
    echoBatches(malformed.echoInput, sizes.malformedCount),
  ],
};
