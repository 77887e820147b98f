import { CobraClient } from '../../impl/cobra/client';
import { startCobraServer } from '../../impl/cobra/server';
import { withConnection } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { readFileReply } from './control';
import { PROGRAMS_DIR, prepareCobraRoot } from './programs';
import { cobraProperties } from './properties';
import { cobraClient } from './client';

/** A path no root holds: the liveness probe starts nothing, whatever runs. */
const PROBE_PATH = 'wireproof-liveness-probe/no-such-program.py';

export const cobraPlugin: ProtocolPlugin = {
  name: 'cobra',
  async startEmbedded(root = PROGRAMS_DIR) {
    const server = await startCobraServer({ root, filePort: 0, controlPort: 0 });
    return { host: server.host, port: server.filePort, port2: server.controlPort, closed: server.closed, close: () => server.close() };
  },
  prepareRoot: prepareCobraRoot,
  /**
   * Alive means answering on the file port: a path that names nothing gets a line. It
   * leaves a program in progress alone (the control port is not touched, and a path
   * while a program runs only gets an error).
   */
  probe(endpoint, timeoutMs) {
    return withConnection(endpoint, timeoutMs, async (driver) => {
      await driver.write(Buffer.from(`${PROBE_PATH}\n`));
      await readFileReply(driver, timeoutMs, 'an answer to the liveness probe (a path that names nothing)');
    });
  },
  properties: cobraProperties,
  client: cobraClient,
  faults: {
    /** The reference client on both ports sends an unknown command: an error reply, nothing changed. */
    async clientCall(endpoint, timeoutMs) {
      const client = await CobraClient.connect({ host: endpoint.host, filePort: endpoint.port, controlPort: endpoint.port2, timeoutMs });
      try {
        const answer = await client.command('wireproof-unknown-command');
        if (!('error' in answer)) throw new Error(`an unknown command answered ${JSON.stringify(answer)}`);
      } finally {
        client.disconnect();
      }
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).cobraLoad;
  },
};
