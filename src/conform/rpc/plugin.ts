import { createProxy } from '../../impl/rpc/proxy';
import { startRpcServer } from '../../impl/rpc/serve';
import { ECHO_OBJECT_ID } from '../../impl/rpc/testobject';
import { NAMESERVER_OBJECT_ID } from '../../impl/rpc/uri';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
import { rpcClient } from './client';
import { rpcProperties } from './properties';
import { RpcConnection } from './wire';

export const rpcPlugin: ProtocolPlugin = {
  name: 'rpc',
  /** The name server on an ephemeral port (the target), wireproof.echo's daemon on another. */
  startEmbedded: () => startRpcServer({ port: 0 }),
  /**
   * Alive means the name server answers: a handshake and a ping() call, each answered
   * with a message of its kind (what the answers hold is for the cases to judge).
   */
  async probe(endpoint, timeoutMs) {
    const connection = await RpcConnection.open(endpoint, new TraceRecorder(), timeoutMs);
    try {
      await connection.handshake(NAMESERVER_OBJECT_ID);
      await connection.call('ping');
    } finally {
      connection.destroy();
    }
  },
  properties: rpcProperties,
  client: rpcClient,
  faults: {
    /** wireproof.echo looked up through the target's name server, then echo(1) on its daemon. */
    async clientCall(endpoint, timeoutMs) {
      const echo = createProxy(`PYRONAME:${ECHO_OBJECT_ID}@${endpoint.host}:${endpoint.port}`, { timeoutMs });
      try {
        const answer = await echo.echo(1);
        if (answer !== 1) throw new Error(`echo(1) answered ${JSON.stringify(answer)}`);
      } finally {
        void echo.close();
      }
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).rpcLoad;
  },
};
