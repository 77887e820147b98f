import { startCentral } from '../../impl/lenmsg/central';
import { startRemote } from '../../impl/lenmsg/remote';
import { withConnection } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { lenmsgClient } from './client';
import { lenmsgProperties } from './properties';

export const lenmsgPlugin: ProtocolPlugin = {
  name: 'lenmsg',
  /** The reference central, heartbeats every second (the interval the suite assumes). */
  startEmbedded: () => startCentral({ port: 0 }),
  /**
   * A central never answers on the connection a remote opens (it answers through the
   * connection it makes back), so alive means reading: a connection we close (FIN) is
   * closed by the target in turn. A target that accepts but no longer reads, or is gone,
   * fails. Nothing here depends on hello, echo or limits: those are for the cases to judge.
   */
  probe(endpoint, timeoutMs) {
    return withConnection(endpoint, timeoutMs, async (driver) => {
      driver.end();
      await driver.expectClosed(timeoutMs, 'the liveness probe: the target did not close after the client closed');
    });
  },
  properties: lenmsgProperties,
  client: lenmsgClient,
  casesSideBySide: true,
  faults: {
    /** A reference remote says hello, sends data and receives its echo (the reference central's application). */
    async clientCall(endpoint, timeoutMs) {
      const remote = await startRemote({ central: endpoint, timeoutMs });
      try {
        await remote.send('a call of the reference remote');
        const echoed = await remote.receive({ timeoutMs });
        if (echoed !== 'a call of the reference remote') throw new Error(`the echo is ${JSON.stringify(echoed)}`);
      } finally {
        void remote.close(); // its client's FIN may be held by a stall: waiting for it is not the call
      }
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).lenmsgLoad;
  },
};
