/** channel under the load profile: binary records of mixed size as bodies, each echoed as a frame. */
import { answerOf, socketMessaging } from '../../robustness/conversation';
import { rawKeeper, type KeeperFactory } from '../../robustness/keepers';
import { lengthClaims, malformedPerConnection, slowloris } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { binaryRecord, identifyRecord } from '../../robustness/messages';
import type { LoadSupport } from '../protocol';
import { channelFrameParse, frame } from './wire';

/** Largest volume body (the protocol allows 16 MiB; the volume is about count, not bulk). */
const MAX_MESSAGE = 64 * 1024;
/** A header and the largest body. */
const MAX_ANSWER = MAX_MESSAGE + 32;

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const claims = ['4294967296', '9999999999', '2147483648', '16777217'].map((n) => ({ what: `MSG ${n}`, bytes: latin1(`\r\nMSG ${n}\r\n`) }));

const keeper: KeeperFactory = (endpoint, rng, timeoutMs) => {
  const bodies = [rng.bytes(64 * 1024), rng.bytes(1024)];
  return rawKeeper(endpoint, timeoutMs, frame(bodies[0]), frame(bodies[1]), (driver) =>
    bodies.map((body, i) => async () => {
      const echoed = await driver.read(channelFrameParse, timeoutMs, `the echo of the keeper's frame ${i + 1}`);
      return echoed.equals(body) ? undefined : `the echo of frame ${i + 1} differs (${echoed.length} bytes, sent ${body.length})`;
    }),
  );
};

export const channelLoad: LoadSupport = {
  messaging: async (endpoint) => socketMessaging(endpoint, {
    window: 64,
    byPosition: false,
    maxMessageBytes: MAX_MESSAGE,
    describe: 'frames of binary records (any byte values), each echoed',
    codec: ({ client, maxBytes }) => ({
      byPosition: false,
      maxAnswerBytes: MAX_ANSWER,
      encode: (seq) => frame(binaryRecord({ client, seq }, maxBytes)),
      parse(received) {
        const body = channelFrameParse(received);
        return body && { answer: answerOf(identifyRecord(body.value, maxBytes), client, 'an echoed body'), consumed: body.consumed };
      },
    }),
  }),
  oneClientAtATime: async () => false,
  hostile: (sizes) => [
    lengthClaims(claims),
    slowloris(latin1('\r\nMSG 1'), sizes.idleConnections),
    malformedPerConnection(malformed.channelInput, sizes.malformedCount),
  ],
  keeper,
};
