import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { DEFAULT_HOST, type RunningServer } from '../impl/common/net';
import { DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT } from '../impl/cobra/protocol';
import type { SerializerName } from '../impl/rpc/serializers';

type ExtraOptions = Record<string, { type: 'string' | 'boolean'; description: string }>;

/** A reference server the CLI can run. A new protocol adds one entry to SERVERS. */
interface ServeEntry {
  defaultPort: number;
  summary: string;
  options?: ExtraOptions;
  start(host: string, port: number, extra: Record<string, string | boolean | undefined>): Promise<RunningServer>;
  /** For servers with several ports: each printed as `<name> <label> listening on H:P` (default: `<name> listening on H:P`). */
  ports?(server: RunningServer): { label: string; port: number }[];
}

const SERVERS: Record<string, ServeEntry> = {
  channel: {
    defaultPort: 5000,
    summary: 'channel server (\\r\\nMSG <len>\\r\\n framing), echoes every body back',
    options: { 'max-body': { type: 'string', description: 'largest body in bytes (default 16777216)' } },
    start: (host, port, extra) =>
      require('../impl/channel/server').startChannelEchoServer({
        host,
        port,
        maxBody: toNumber('max-body', extra['max-body'] as string | undefined, { min: 1, integer: true }),
      }),
  },
  cobra: {
    defaultPort: DEFAULT_FILE_PORT,
    summary: `stepping debugger of Python programs: file port (--port is --file-port) and control port (default ${DEFAULT_CONTROL_PORT})`,
    options: {
      'file-port': { type: 'string', description: `where clients send a program's path (default ${DEFAULT_FILE_PORT}; 0 = ephemeral)` },
      'control-port': { type: 'string', description: `where the client steps the program (default ${DEFAULT_CONTROL_PORT}; 0 = ephemeral)` },
      root: { type: 'string', description: 'programs must be .py files under this directory (default: the working directory)' },
    },
    start: (host, port, extra) =>
      require('../impl/cobra/server').startCobraServer({
        host,
        filePort: toNumber('file-port', extra['file-port'] as string | undefined, { min: 0, integer: true }) ?? port,
        controlPort: toNumber('control-port', extra['control-port'] as string | undefined, { min: 0, integer: true }) ?? DEFAULT_CONTROL_PORT,
        root: extra.root as string | undefined,
      }),
    ports: (server) => {
      const { filePort, controlPort } = server as import('../impl/cobra/server').CobraServer;
      return [{ label: 'file port', port: filePort }, { label: 'control port', port: controlPort }];
    },
  },
  echo: {
    defaultPort: 50007,
    summary: 'RFC 862 echo server, one client at a time, as in the lecture',
    options: { once: { type: 'boolean', description: 'exit after the first client' } },
    start: (host, port, extra) => {
      const { formatPeer } = require('../impl/echo/client') as typeof import('../impl/echo/client');
      return require('../impl/echo/server').startEchoServer({
        host,
        port,
        once: extra.once === true,
        onClient: (peer: { address: string; port: number }) => console.log(`Server connected to: ${formatPeer(peer)}`),
      });
    },
  },
  http: {
    defaultPort: 8000,
    summary: 'static file server over a root directory (GET and HEAD; nothing outside the root), as python3 -m http.server',
    options: { root: { type: 'string', description: 'http: the directory served (default: the working directory)' } },
    start: (host, port, extra) =>
      require('../impl/http/server').startHttpServer({ host, port, root: (extra.root as string | undefined) ?? process.cwd() }),
  },
  lenmsg: {
    defaultPort: 0,
    summary: 'lenmsg central (4-byte length + JSON): connects back on hello, echoes data, sends heartbeats',
    options: {
      'max-message': { type: 'string', description: 'largest message body in bytes (default 16777216)' },
      'heartbeat-ms': { type: 'string', description: 'heartbeat interval in ms (default 1000)' },
    },
    start: (host, port, extra) =>
      require('../impl/lenmsg/central').startCentral({
        host,
        port,
        maxMessage: toNumber('max-message', extra['max-message'] as string | undefined, { min: 1, integer: true }),
        heartbeatIntervalMs: toNumber('heartbeat-ms', extra['heartbeat-ms'] as string | undefined, { min: 1, integer: true }),
      }),
  },
  rpc: {
    defaultPort: 9090,
    summary: 'Pyro4-compatible name server (serpent and json) on the port, and a daemon hosting wireproof.echo on an ephemeral one',
    options: {
      'max-message': { type: 'string', description: 'largest message (annotations + body) in bytes (default 4194304)' },
      serializers: { type: 'string', description: 'rpc: the serializers accepted, comma-separated (default serpent,json; Pyro4\'s SERIALIZERS_ACCEPTED)' },
    },
    start: async (host, port, extra) => {
      const { startRpcServer } = require('../impl/rpc/serve') as typeof import('../impl/rpc/serve');
      const server = await startRpcServer({
        host,
        port,
        maxMessageSize: toNumber('max-message', extra['max-message'] as string | undefined, { min: 1, integer: true }),
        serializers: serializerList(extra.serializers as string | undefined),
      });
      console.log(`name server ${server.nameServerUri}`);
      console.log(`wireproof.echo ${server.echoUri}`);
      return server;
    },
  },
  oneline: {
    defaultPort: 5005,
    summary: 'line command server (ping, disconnect, shutdown; echo, multi, silent)',
    options: { 'max-packet': { type: 'string', description: 'largest packet in bytes (default 65536)' } },
    start: (host, port, extra) =>
      require('../impl/oneline/server').startOnelineServer({
        host,
        port,
        maxPacket: toNumber('max-packet', extra['max-packet'] as string | undefined, { min: 1, integer: true }),
      }),
  },
};

/** `--serializers serpent,json` as the rpc daemon takes it (required with the rpc server, as it is). */
function serializerList(text: string | undefined): SerializerName[] | undefined {
  if (text === undefined) return undefined;
  const { SERIALIZER_NAMES } = require('../impl/rpc/serializers') as typeof import('../impl/rpc/serializers');
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => !(SERIALIZER_NAMES as readonly string[]).includes(name))) {
    throw new UsageError(`--serializers takes ${SERIALIZER_NAMES.join(' and/or ')}, not "${text}"`);
  }
  return names as SerializerName[];
}

/** Host and port a `serve` would use, defaults applied (the spec's default ports). */
export function resolveServeOptions(name: string, values: { host?: string; port?: string }) {
  const entry = SERVERS[name];
  if (!entry) throw new UsageError(`unknown server "${name}" (known: ${Object.keys(SERVERS).join(', ')})`);
  const port = toNumber('port', values.port, { min: 0, integer: true }) ?? entry.defaultPort;
  if (port > 65535) throw new UsageError(`--port ${port} is over 65535`);
  return { entry, host: values.host ?? DEFAULT_HOST, port };
}

function help(): string {
  const lines = ['wireproof serve NAME [--port N] [--host H]: run a reference server until it shuts down or Ctrl-C', ''];
  for (const [name, entry] of Object.entries(SERVERS)) {
    lines.push(`  ${name.padEnd(8)} ${entry.summary} (default port ${entry.defaultPort})`);
    for (const [opt, { description }] of Object.entries(entry.options ?? {})) lines.push(`           --${opt}  ${description}`);
  }
  lines.push('', '  --port N   0 for an ephemeral port (the port got is printed)', '  --host H   address to bind (default 127.0.0.1)');
  return lines.join('\n');
}

export async function serveCommand(args: string[]): Promise<number> {
  const extraOptions = Object.assign({}, ...Object.values(SERVERS).map((e) => e.options ?? {})) as ExtraOptions;
  const { values, positionals } = parseCommand(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      ...Object.fromEntries(Object.entries(extraOptions).map(([k, v]) => [k, { type: v.type }])),
    },
    true,
  );
  if (values.help) {
    console.log(help());
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('serve takes one server name');
  const { entry, host, port } = resolveServeOptions(positionals[0], values as { host?: string; port?: string });
  const server = await entry.start(host, port, values as Record<string, string | boolean | undefined>);
  const where = server.host.includes(':') ? `[${server.host}]` : server.host;
  for (const { label, port: bound } of entry.ports?.(server) ?? [{ label: '', port: server.port }]) {
    console.log(`${positionals[0]}${label ? ` ${label}` : ''} listening on ${where}:${bound}`);
  }
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed;
  console.log(`${positionals[0]} stopped`);
  return EXIT.ok;
}
