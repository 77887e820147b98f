import { DaemonOptions, RpcDaemon, startDaemon } from './daemon';
import { NameServer, startNameServer } from './nameserver';
import { ECHO_EXPOSURE, ECHO_OBJECT_ID, EchoObject } from './testobject';
import { PyroURI } from './uri';

export interface RunningRpcServer {
  readonly host: string;
  /** The name server's port: the conformance target is host:port. */
  readonly port: number;
  /** `PYRO:Pyro.NameServer@host:port`. */
  readonly nameServerUri: PyroURI;
  /** `PYRO:wireproof.echo@host:daemonPort`, registered in the name server as `wireproof.echo`. */
  readonly echoUri: PyroURI;
  readonly nameServer: NameServer;
  readonly daemon: RpcDaemon;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * The rpc reference server: a name server on `port` (9090 by default, 0 = ephemeral)
 * and, on an ephemeral port of the same host, a daemon hosting `wireproof.echo`,
 * registered in that name server.
 */
export async function startRpcServer(options: DaemonOptions = {}): Promise<RunningRpcServer> {
  const ns = await startNameServer(options);
  let daemon: RpcDaemon;
  try {
    daemon = await startDaemon({ host: options.host, port: 0, maxMessageSize: options.maxMessageSize, serializers: options.serializers });
  } catch (error) {
    await ns.daemon.close();
    throw error;
  }
  const echoUri = daemon.register(ECHO_OBJECT_ID, new EchoObject(), ECHO_EXPOSURE);
  ns.nameServer.register(ECHO_OBJECT_ID, echoUri);
  const closed = Promise.all([ns.daemon.closed, daemon.closed]).then(() => undefined);
  return {
    host: ns.daemon.host,
    port: ns.daemon.port,
    nameServerUri: ns.uri,
    echoUri,
    nameServer: ns.nameServer,
    daemon,
    closed,
    async close() {
      await Promise.all([ns.daemon.close(), daemon.close()]);
    },
  };
}
