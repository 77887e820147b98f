import { OnelineClient } from '../../impl/oneline/client';
import { startOnelineServer } from '../../impl/oneline/server';
import { lineParse, withConnection } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { onelineProperties } from './properties';
import { onelineClient } from './client';

export const onelinePlugin: ProtocolPlugin = {
  name: 'oneline',
  startEmbedded: () => startOnelineServer({ port: 0 }),
  /** Alive means answering: "ping" on a new connection gets a line (its content is for the cases to judge). */
  probe(endpoint, timeoutMs) {
    return withConnection(endpoint, timeoutMs, async (driver) => {
      await driver.write(Buffer.from('ping\n'));
      await driver.read(lineParse, timeoutMs, 'an answer to the liveness probe "ping"');
    });
  },
  properties: onelineProperties,
  client: onelineClient,
  faults: {
    async clientCall(endpoint, timeoutMs) {
      const client = await OnelineClient.connect(endpoint.host, endpoint.port, { timeoutMs });
      try {
        await client.ping();
      } finally {
        client.close();
      }
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).onelineLoad;
  },
};
