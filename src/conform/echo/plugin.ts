import { startEchoServer } from '../../impl/echo/server';
import { availableParse, WireDriver } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
import { echoProperties } from './properties';

export const echoPlugin: ProtocolPlugin = {
  name: 'echo',
  startEmbedded: () => startEchoServer({ port: 0 }),
  /**
   * Alive means answering: bytes on a new connection get bytes back (which ones, and when,
   * is for the cases). The client's FIN goes with them, so a server that echoes only at
   * the end still answers, and fails the case that asks for more.
   */
  async probe(endpoint, timeoutMs) {
    const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
    try {
      await driver.write(Buffer.from('ping'));
      driver.end();
      await driver.read(availableParse, timeoutMs, 'an echo of the liveness probe "ping"');
    } finally {
      driver.destroy();
    }
  },
  properties: echoProperties,
};
