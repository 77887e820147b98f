import { connectChannel } from '../../impl/channel/client';
import { startChannelEchoServer } from '../../impl/channel/server';
import { withConnection } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { channelClient } from './client';
import { channelProperties } from './properties';
import { channelFrameParse, frame } from './wire';

const FAULT_CALL_BODY = 'a call of the reference client';

export const channelPlugin: ProtocolPlugin = {
  name: 'channel',
  startEmbedded: () => startChannelEchoServer({ port: 0 }),
  /** Alive means answering: a frame on a new connection gets a frame back (its content is for the cases). */
  probe(endpoint, timeoutMs) {
    return withConnection(endpoint, timeoutMs, async (driver) => {
      await driver.write(frame(Buffer.from('ping')));
      await driver.read(channelFrameParse, timeoutMs, 'an echo of the liveness probe\'s frame');
    });
  },
  properties: channelProperties,
  client: channelClient,
  casesSideBySide: true,
  faults: {
    /** A body sent and its echo received, with the reference channel client. */
    async clientCall(endpoint, timeoutMs) {
      const channel = await connectChannel(endpoint.host, endpoint.port, { timeoutMs, closeGraceMs: 0 });
      try {
        await channel.send(FAULT_CALL_BODY);
        const echoed = await channel.recv();
        if (echoed.toString('utf8') !== FAULT_CALL_BODY) throw new Error(`the echo is ${JSON.stringify(echoed.toString('latin1'))}`);
      } finally {
        void channel.close();
      }
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).channelLoad;
  },
};
