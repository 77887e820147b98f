import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { DEFAULT_HOST, type RunningServer } from '../impl/common/net';

type ExtraOptions = Record<string, { type: 'string' | 'boolean'; description: string }>;

/** A reference server the CLI can run. A new protocol adds one entry to SERVERS. */
interface ServeEntry {
  defaultPort: number;
  summary: string;
  options?: ExtraOptions;
  start(host: string, port: number, extra: Record<string, string | boolean | undefined>): Promise<RunningServer>;
}

const SERVERS: Record<string, ServeEntry> = {
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
  console.log(`${positionals[0]} listening on ${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`);
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed;
  console.log(`${positionals[0]} stopped`);
  return EXIT.ok;
}
