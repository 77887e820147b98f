/**
 * rpc under the load profile: calls of wireproof.echo(text) on the daemon the target's
 * name server names, one at a time per connection as Pyro4's own proxies make them; each
 * RESULT must carry its call's seq and return the marked text unchanged.
 */
import { isDeepStrictEqual } from 'node:util';
import type net from 'node:net';
import { connectTcp } from '../../impl/common/net';
import { encodeMessage, MSG_CONNECTOK, MSG_RESULT, FLAGS_EXCEPTION } from '../../impl/rpc/message';
import { ECHO_OBJECT_ID } from '../../impl/rpc/testobject';
import { NAMESERVER_OBJECT_ID } from '../../impl/rpc/uri';
import { answerOf, socketMessaging, type Answer } from '../../robustness/conversation';
import { keeper, type KeeperFactory } from '../../robustness/keepers';
import { lengthClaims, malformedPerConnection, slowloris } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { identifyText, textMessage } from '../../robustness/messages';
import type { Endpoint } from '../driver';
import { NonConformance } from '../errors';
import type { LoadSupport } from '../protocol';
import { TraceRecorder } from '../trace';
import { corrupt } from './hostile';
import { connectEcho, connectMessage, invokeMessage, lookupEcho, messageName, pyroParse, replyValue, type RpcConnection } from './wire';

const MAX_MESSAGE = 64 * 1024;
/** A RESULT of the largest echo, with room for its header and json quoting. */
const MAX_ANSWER = 4 * MAX_MESSAGE;
/** Pyro's seq is 16 bits; the handshake takes 1. */
const pyroSeq = (seq: number) => ((seq + 2) & 0xffff) || 1;

/** A connection to wireproof.echo, handshaken, with nothing read past the CONNECTOK. */
async function connectAndGreet(daemon: Endpoint, timeoutMs: number): Promise<net.Socket> {
  const socket = await connectTcp(daemon.host, daemon.port, timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      let received = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`no CONNECTOK within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => { clearTimeout(timer); socket.off('data', onData); reject(err); };
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        try {
          const reply = pyroParse(received);
          if (!reply) return;
          clearTimeout(timer);
          socket.off('data', onData);
          if (reply.value.type !== MSG_CONNECTOK) reject(new NonConformance(`CONNECT answered ${messageName(reply.value.type)}`));
          else resolve();
        } catch (err) {
          fail(err as Error);
        }
      };
      socket.on('data', onData);
      socket.once('close', () => fail(new Error('closed before the CONNECTOK')));
      socket.write(encodeMessage(connectMessage(1, ECHO_OBJECT_ID)));
    });
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

async function rpcMessaging(endpoint: Endpoint, timeoutMs: number): Promise<ReturnType<typeof socketMessaging>> {
  const daemon = await lookupEcho(endpoint, new TraceRecorder(), timeoutMs);
  return socketMessaging(endpoint, {
    window: 1,
    byPosition: false,
    maxMessageBytes: MAX_MESSAGE,
    describe: 'echo(text) calls on wireproof.echo, one at a time per connection, each RESULT checked for its seq and text',
    connect: ({ timeoutMs: wait }) => connectAndGreet(daemon, wait),
    codec: ({ client, maxBytes }) => ({
      byPosition: true, // each answer names its call by its text; the place names the one a damaged answer belonged to
      maxAnswerBytes: MAX_ANSWER,
      encode: (seq) => encodeMessage(invokeMessage(pyroSeq(seq), ECHO_OBJECT_ID, 'echo', [textMessage({ client, seq }, maxBytes).toString('latin1')])),
      parse(received, oldest) {
        const unit = pyroParse(received);
        if (!unit) return undefined;
        const message = unit.value;
        let answer: Answer;
        if (message.type !== MSG_RESULT || (message.flags & FLAGS_EXCEPTION) !== 0) {
          answer = { seq: oldest, intact: false, what: `${messageName(message.type)}${message.flags & FLAGS_EXCEPTION ? ' (an exception)' : ''} where a RESULT was due` };
        } else {
          const value = replyValue(message);
          answer = typeof value === 'string' ? answerOf(identifyText(Buffer.from(value, 'latin1'), maxBytes), client, 'a RESULT') : { seq: oldest, intact: false, what: 'a RESULT that is not the string sent' };
          // The answer names its call by the text it returns; the seq must say the same.
          if (answer.seq !== undefined && message.seq !== pyroSeq(answer.seq)) answer = { ...answer, intact: false, what: `the RESULT of call ${answer.seq + 1} carries seq ${message.seq}, the call had ${pyroSeq(answer.seq)}` };
        }
        return { answer, consumed: unit.consumed };
      },
    }),
  });
}

const claims = ['0xFFFFFFFF', '0x80000000', '2147483647', '1073741824'].map((n) => {
  const name = `an announced length of ${n}`;
  return { what: name.replace('an announced ', ''), bytes: corrupt(connectMessage(1, NAMESERVER_OBJECT_ID), name) };
});

/** On wireproof.echo's daemon (found through the name server under load): echo(a) whole, echo(b) cut. */
const rpcKeeper: KeeperFactory = async (endpoint, rng, timeoutMs) => {
  const trace = new TraceRecorder();
  const connection: RpcConnection = await connectEcho(await lookupEcho(endpoint, trace, timeoutMs), trace, timeoutMs);
  const values = [{ keeper: 1, list: [rng.int(0, 1e9), 'a'.repeat(2048)] }, `keeper-2-${rng.int(0, 1e9)}`];
  const seqs = values.map(() => connection.nextSeq());
  const [whole, cut] = values.map((value, i) => encodeMessage(invokeMessage(seqs[i], ECHO_OBJECT_ID, 'echo', [value])));
  return keeper((bytes) => connection.driver.write(bytes), whole, cut, values.map((value, i) => async () => {
    const reply = await connection.result(seqs[i], `the keeper's echo ${i + 1}`);
    return !reply.exception && isDeepStrictEqual(reply.value, value) ? undefined : `answered ${JSON.stringify(reply.value).slice(0, 100)}`;
  }), () => connection.destroy());
};

export const rpcLoad: LoadSupport = {
  messaging: rpcMessaging,
  oneClientAtATime: async () => false,
  hostile: (sizes) => [
    lengthClaims(claims),
    slowloris(encodeMessage(connectMessage(1, NAMESERVER_OBJECT_ID)).subarray(0, 10), sizes.idleConnections),
    malformedPerConnection(malformed.rpcInput, sizes.malformedCount),
  ],
  keeper: rpcKeeper,
};
