import { startOnelineServer } from '../../impl/oneline/server';
import { lineParse, WireDriver } from '../driver';
import { NonConformance } from '../errors';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
import { onelineProperties } from './properties';

export const onelinePlugin: ProtocolPlugin = {
  name: 'oneline',
  startEmbedded: () => startOnelineServer({ port: 0 }),
  /** ping → pong on a new connection. */
  async probe(endpoint, timeoutMs) {
    const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
    try {
      await driver.write(Buffer.from('ping\n'));
      const line = await driver.read(lineParse, timeoutMs, '"pong" to the liveness probe');
      if (line.toString() !== 'pong') throw new NonConformance(`liveness probe: "ping" answered "${line.toString()}"`);
    } finally {
      driver.destroy();
    }
  },
  properties: onelineProperties,
};
