/**
 * lenmsg under the load profile. Each client of the load is a remote: a connection to the
 * central under test that says hello with its own id and sends data messages (marked text
 * of mixed size); the echoes come back through the central's connection to the suite's one
 * remote server, which all the load's remotes announce, and are routed to their client by
 * the mark each carries. Heartbeats on those connections are timed: a central that leaves a
 * remote without one for the remote's timeout (3 intervals) would lose it under load.
 */
import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import { FramingError } from '../../impl/common/framer';
import { connectTcp, listenTcp, type TcpListener } from '../../impl/common/net';
import { encodeMessage, LenmsgFramer } from '../../impl/lenmsg/framer';
import { asMessage, DEFAULT_HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_INTERVALS } from '../../impl/lenmsg/messages';
import { answerOf, writeMessage, type ClientLink, type LinkEvents, type Messaging } from '../../robustness/conversation';
import { closed } from '../../robustness/sockets';
import { rawKeeper, type KeeperFactory } from '../../robustness/keepers';
import { lengthClaims, malformedPerConnection, slowloris } from '../../robustness/loads';
import * as malformed from '../../robustness/malformed';
import { identifyText, textMarkOf, textMessage } from '../../robustness/messages';
import type { Endpoint } from '../driver';
import type { LoadSupport } from '../protocol';
import { TraceRecorder } from '../trace';
import { dataFrame, lengthHeader, sameEcho, SuiteRemote } from './remote';

const MAX_MESSAGE = 64 * 1024;
/** What the suite's remote server takes in one frame: an echo, with room for the JSON around it. */
const MAX_FRAME = MAX_MESSAGE + 1024;
/** A remote gives up after this long without a heartbeat (spec section 3: 3 intervals of 1 s). */
const HEARTBEAT_TIMEOUT_MS = HEARTBEAT_TIMEOUT_INTERVALS * DEFAULT_HEARTBEAT_INTERVAL_MS;

/** The suite's remote server, shared by every client of one load. */
class LoadRemote {
  /** Each client's events, and the largest message it sends (its messages' sizes follow from it). */
  private readonly clients = new Map<number, { events: LinkEvents; maxBytes: number }>();
  /** The central's connection for each client, once its first echo said whose it is. */
  private readonly links = new Map<number, net.Socket>();
  private readonly problems: string[] = [];
  private longestGap = { ms: 0, at: '' };
  private listener!: TcpListener;

  static async start(): Promise<LoadRemote> {
    const remote = new LoadRemote();
    remote.listener = await listenTcp((socket) => remote.accept(socket));
    return remote;
  }

  get address(): { host: string; port: number } {
    return { host: this.listener.host, port: this.listener.port };
  }

  attach(client: number, maxBytes: number, events: LinkEvents): void {
    this.clients.set(client, { events, maxBytes });
  }

  /** The client is done: its link (if the central has not closed it on the shutdown yet) goes too. */
  detach(client: number): void {
    this.clients.delete(client);
    this.links.get(client)?.destroy();
    this.links.delete(client);
  }

  findings(): string[] {
    const late = this.longestGap.ms > HEARTBEAT_TIMEOUT_MS
      ? [`the central left a remote without a heartbeat for ${(this.longestGap.ms / 1000).toFixed(1)} s under load (${this.longestGap.at}); a remote gives up after ${HEARTBEAT_TIMEOUT_MS / 1000} s`]
      : [];
    return [...late, ...this.problems.slice(0, 5)];
  }

  get heartbeatNote(): string {
    return this.longestGap.ms > 0 ? `; longest heartbeat gap ${(this.longestGap.ms / 1000).toFixed(2)} s` : '';
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  private accept(socket: net.Socket): void {
    const framer = new LenmsgFramer(MAX_FRAME);
    let owner: number | undefined;
    let lastBeat = performance.now();
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, (value) => {
          const message = asMessage(value);
          if (message?.type === 'heartbeat') {
            const now = performance.now();
            if (now - lastBeat > this.longestGap.ms) this.longestGap = { ms: now - lastBeat, at: owner === undefined ? 'before any echo' : `client ${owner + 1}'s link` };
            lastBeat = now;
          } else if (message?.type === 'data') {
            owner = this.echo(message.body, owner, socket);
          } else if (message?.type !== 'shutdown') {
            this.problems.push(`the central sent a remote ${JSON.stringify(value)?.slice(0, 80)}, which is no lenmsg message`);
          }
        });
      } catch (err) {
        if (!(err instanceof FramingError)) throw err;
        this.problems.push(`the central sent a remote a malformed frame: ${err.message}`);
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
  }

  /** Books one echo with the client its mark names (or, unmarked, the link's client); returns the link's client. */
  private echo(body: unknown, owner: number | undefined, socket: net.Socket): number | undefined {
    const text = typeof body === 'string' ? Buffer.from(body, 'latin1') : undefined;
    const client = owner ?? (text && textMarkOf(text))?.client; // whose it is; whether it is whole follows below
    const known = client === undefined ? undefined : this.clients.get(client);
    if (!known || client === undefined) {
      this.problems.push(`an echo no client of the load sent: ${JSON.stringify(body)?.slice(0, 80)}`);
      return owner;
    }
    if (owner === undefined) this.links.set(client, socket);
    known.events.answer(text
      ? answerOf(identifyText(text, known.maxBytes), client, 'an echo')
      : { intact: false, what: `an echo whose body is ${JSON.stringify(body)?.slice(0, 40)}, not the string sent` });
    return client;
  }
}

async function lenmsgMessaging(endpoint: Endpoint): Promise<Messaging> {
  const remote = await LoadRemote.start();
  const run = randomUUID().slice(0, 8);
  return {
    window: 64,
    byPosition: false,
    maxMessageBytes: MAX_MESSAGE,
    socketsPerClient: 2,
    get describe() {
      return `data messages of marked text, each echoed through the central's connection back to the suite's remote server${remote.heartbeatNote}`;
    },
    async open({ client, maxBytes, timeoutMs }, events): Promise<ClientLink> {
      const socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs);
      remote.attach(client, maxBytes, events);
      let ended = false;
      socket.on('error', (err: NodeJS.ErrnoException) => { if (!ended) events.ended(`reset by the central (${err.code ?? err.message})`, false); ended = true; });
      socket.once('close', () => { if (!ended) events.ended('closed by the central', false); ended = true; });
      socket.on('data', () => undefined); // a central answers on the connection it makes back, never on this one
      socket.write(encodeMessage({ type: 'hello', id: `wireproof-load-${run}-${client}`, ...remote.address }));
      return {
        canSend: () => !ended && !socket.writableEnded,
        send: (seq) => writeMessage(socket, dataFrame(textMessage({ client, seq }, maxBytes).toString('latin1'))),
        async finish(waitMs) {
          ended = true;
          socket.end(encodeMessage({ type: 'shutdown' })); // a remote going away: the central forgets it
          await closed(socket, waitMs);
          remote.detach(client);
        },
        destroy() {
          ended = true;
          socket.destroy();
          remote.detach(client);
        },
      };
    },
    findings: () => remote.findings(),
    close: () => remote.close(),
  };
}

const claims = [0xffffffff, 0x80000000, 0x40000000, 0x1000001].map((n) => ({ what: `length 0x${n.toString(16)}`, bytes: lengthHeader(n) }));

const keeper: KeeperFactory = async (endpoint, rng, timeoutMs) => {
  const remote = await SuiteRemote.start('robustness-keeper', new TraceRecorder(), timeoutMs);
  const bodies = [{ keeper: 1, text: rng.text(4096, 'abcxyz019 ').toString('latin1') }, { keeper: 2, n: rng.int(0, 1e9) }];
  try {
    const kept = await rawKeeper(endpoint, timeoutMs, Buffer.concat([remote.helloFrame(), dataFrame(bodies[0])]), dataFrame(bodies[1]), () =>
      bodies.map((body, i) => async () => {
        const echoed = await remote.nextData(`the echo of the keeper's data ${i + 1}`);
        return sameEcho(body, echoed) ? undefined : `echoed ${JSON.stringify(echoed).slice(0, 100)}`;
      }),
    );
    return { finish: () => kept.finish(), close: () => { kept.close(); void remote.close(); } };
  } catch (err) {
    await remote.close();
    throw err;
  }
};

export const lenmsgLoad: LoadSupport = {
  messaging: lenmsgMessaging,
  oneClientAtATime: async () => false,
  hostile: (sizes) => [
    lengthClaims(claims),
    slowloris(Buffer.from([0, 0]), sizes.idleConnections),
    malformedPerConnection(malformed.lenmsgInput, sizes.malformedCount),
  ],
  keeper,
};
