import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { DEFAULT_HOST, parseHostPort } from '../impl/common/net';
import { parseToxic, TOXIC_SYNTAX } from '../chaos/parse';
import { startChaosProxy } from '../chaos/proxy';

const HELP = `wireproof proxy --upstream HOST:PORT [--listen [HOST:]PORT] [--toxic SPEC]... [--seed N]
A TCP proxy that passes every connection to the upstream through the toxics, in order, until Ctrl-C.

  --upstream HOST:PORT   the server to connect each client to
  --listen [HOST:]PORT   where to listen (default 127.0.0.1:0; the port got is printed)
  --toxic SPEC           a fault to apply; repeat for several
  --seed N               seed for the random choices (jitter, slice sizes), to replay a run

${TOXIC_SYNTAX}`;

function hostPort(option: string, text: string): { host: string; port: number } {
  try {
    return parseHostPort(text);
  } catch (err) {
    throw new UsageError(`--${option}: ${(err as Error).message}`);
  }
}

export async function proxyCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    listen: { type: 'string' },
    upstream: { type: 'string' },
    toxic: { type: 'string', multiple: true },
    seed: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (!values.upstream) throw new UsageError('proxy needs --upstream HOST:PORT');
  const upstream = hostPort('upstream', values.upstream);
  const listen = values.listen === undefined ? undefined : /^\d+$/.test(values.listen) ? { host: DEFAULT_HOST, port: Number(values.listen) } : hostPort('listen', values.listen);
  if (listen && listen.port > 65535) throw new UsageError(`--listen port ${listen.port} is over 65535`);
  const toxics = (values.toxic ?? []).map(parseToxic);
  const seed = toNumber('seed', values.seed, { min: 0, integer: true });

  const proxy = await startChaosProxy({ listen, upstream, toxics, seed });
  const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);
  console.log(`proxy listening on ${bracket(proxy.host)}:${proxy.port} -> ${bracket(upstream.host)}:${upstream.port}`);
  if (toxics.length > 0) console.log(`toxics: ${(values.toxic ?? []).join(' ')} (seed ${proxy.seed})`);
  const stop = () => void proxy.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await proxy.closed;
  console.log('proxy stopped');
  return EXIT.ok;
}
