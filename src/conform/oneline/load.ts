/**
 * oneline under the load profile. Its answers carry a message's mark only through the
 * reference application (`echo TEXT` → TEXT), so the suite first asks whether the target
 * runs it: then every volume message is an echo of a marked line of mixed size; otherwise
 * (a target with its own application) the messages are those the core rules answer, `ping`
 * and invalid UTF-8 lines of mixed size, and each answer is told by its place.
 */
import { socketMessaging, answerOf, type Messaging, type StreamCodec } from '../../robustness/conversation';
import { lineParse, type Endpoint } from '../driver';
import { oversizedLine, onelineBatches, type Load } from '../../robustness/loads';
import { identifyText, textMessage } from '../../robustness/messages';
import * as malformed from '../../robustness/malformed';
import type { LoadSizes, NotApplicable } from '../../robustness/profiles';
import { connect, endAndWait, LineCollector } from '../../robustness/sockets';
import type { LoadSupport } from '../protocol';

/** Largest volume line: under the 65,536-byte packet maximum with `echo ` before it. */
const MAX_MESSAGE = 60_000;
const MAX_ANSWER = 65_537;
const LF = Buffer.from('\n');

/** Whether `echo TEXT` is answered TEXT (a ping after it ends the wait, whatever the application does). */
async function runsReferenceApp(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  const socket = await connect(endpoint, timeoutMs);
  socket.on('error', () => undefined);
  const lines = new LineCollector(socket);
  const mark = 'wireproof-load-probe';
  socket.write(`echo ${mark}\nping\n`);
  await lines.waitFor((got) => got.some((line) => line.toString('latin1') === 'pong'), timeoutMs);
  await endAndWait(socket, timeoutMs); // one client at a time: the next is served once this one is gone
  return lines.lines[0]?.toString('utf8') === mark;
}

const echoCodec = (client: number, maxBytes: number): StreamCodec => ({
  byPosition: false,
  maxAnswerBytes: MAX_ANSWER,
  encode: (seq) => Buffer.concat([Buffer.from('echo '), textMessage({ client, seq }, maxBytes), LF]),
  parse(received) {
    const line = lineParse(received);
    return line && { answer: answerOf(identifyText(line.value, maxBytes), client, 'a line'), consumed: line.consumed };
  },
});

/** Even messages are `ping`, odd ones a marked line behind a 0xFF byte (never UTF-8): `pong` and `invalid`, in order. */
const coreCodec = (client: number, maxBytes: number): StreamCodec => ({
  byPosition: true,
  maxAnswerBytes: MAX_ANSWER,
  encode: (seq) => (seq % 2 === 0 ? Buffer.from('ping\n') : Buffer.concat([Buffer.from([0xff]), textMessage({ client, seq }, maxBytes - 1), LF])),
  parse(received, oldest) {
    const line = lineParse(received);
    if (!line) return undefined;
    const expected = oldest === undefined ? undefined : oldest % 2 === 0 ? 'pong' : 'invalid';
    const got = line.value.toString('latin1');
    const answer = { seq: oldest, intact: got === expected, ...(got === expected ? {} : { what: `"${got.slice(0, 40)}" where "${expected}" was due` }) };
    return { answer, consumed: line.consumed };
  },
});

async function onelineMessaging(endpoint: Endpoint, timeoutMs: number): Promise<Messaging> {
  const reference = await runsReferenceApp(endpoint, timeoutMs);
  return socketMessaging(endpoint, {
    window: 64,
    byPosition: !reference,
    maxMessageBytes: MAX_MESSAGE,
    describe: reference
      ? '"echo" lines of the reference application, each answered with its marked text'
      : '"ping" and invalid UTF-8 lines (the target runs no reference application: core answers only)',
    codec: ({ client, maxBytes }) => (reference ? echoCodec : coreCodec)(client, maxBytes),
  });
}

/** The malformed lines: the application's packets where the target runs the reference application, else core ones. */
function malformedLines(count: number): Load {
  const app = onelineBatches(malformed.onelinePacket, count);
  const core = onelineBatches(malformed.onelineCorePacket, count, undefined, false);
  return { ...app, run: async (ctx) => ((await runsReferenceApp(ctx.endpoint, ctx.timeoutMs)) ? app : core).run(ctx) };
}

const ONE_CLIENT = 'not applicable (one client at a time: an idle client holds the server by design)';

export const onelineLoad: LoadSupport = {
  messaging: onelineMessaging,
  oneClientAtATime: async () => true,
  hostile: (sizes: LoadSizes): (Load | NotApplicable)[] => [
    oversizedLine(sizes.oversizeBytes),
    { name: 'slowloris', reason: ONE_CLIENT },
    malformedLines(sizes.malformedCount),
  ],
};
