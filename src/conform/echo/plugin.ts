import { echoOnce } from '../../impl/echo/client';
import { startEchoServer } from '../../impl/echo/server';
import { availableParse, withConnection } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { echoProperties } from './properties';
import { echoClient } from './client';

export const echoPlugin: ProtocolPlugin = {
  name: 'echo',
  startEmbedded: () => startEchoServer({ port: 0 }),
  /**
   * Alive means answering: bytes on a new connection get bytes back (which ones, and when,
   * is for the cases). The client's FIN goes with them, so a server that echoes only at
   * the end still answers, and fails the case that asks for more.
   */
  probe(endpoint, timeoutMs) {
    return withConnection(endpoint, timeoutMs, async (driver) => {
      await driver.write(Buffer.from('ping'));
      driver.end();
      await driver.read(availableParse, timeoutMs, 'an echo of the liveness probe "ping"');
    });
  },
  properties: echoProperties,
  client: echoClient,
  faults: {
    /** Bytes sent with the reference client's FIN, and their echo before the server closes. */
    async clientCall(endpoint, timeoutMs) {
      const sent = 'a call of the reference client';
      const { received } = await echoOnce(endpoint.host, endpoint.port, sent, { timeoutMs });
      if (received.toString('utf8') !== sent) throw new Error(`the echo is ${JSON.stringify(received.toString('latin1'))}`);
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).echoLoad;
  },
};
