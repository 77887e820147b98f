import { startCentral } from '../../impl/lenmsg/central';
import { WireDriver } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
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
  async probe(endpoint, timeoutMs) {
    const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
    try {
      driver.end();
      await driver.expectClosed(timeoutMs, 'the liveness probe: the target did not close after the client closed');
    } finally {
      driver.destroy();
    }
  },
  properties: lenmsgProperties,
};
