import { OnelineClient } from '../../impl/oneline/client';
import { startOnelineServer } from '../../impl/oneline/server';
import { lineParse, WireDriver } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
import { onelineProperties } from './properties';

export const onelinePlugin: ProtocolPlugin = {
  name: 'oneline',
  startEmbedded: () => startOnelineServer({ port: 0 }),
  /** Alive means answering: "ping" on a new connection gets a line (its content is for the cases to judge). */
  async probe(endpoint, timeoutMs) {
    const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
    try {
      await driver.write(Buffer.from('ping\n'));
      await driver.read(lineParse, timeoutMs, 'an answer to the liveness probe "ping"');
    } finally {
      driver.destroy();
    }
  },
  properties: onelineProperties,
  faults: {
    ids: { sameVerdict: 'SRS-ONELINE-090', serverRecovers: 'SRS-ONELINE-091', clientFails: 'SRS-ONELINE-092' },
    async clientCall(endpoint, timeoutMs) {
      const client = await OnelineClient.connect(endpoint.host, endpoint.port, { timeoutMs });
      try {
        await client.ping();
      } finally {
        client.close();
      }
    },
  },
};
