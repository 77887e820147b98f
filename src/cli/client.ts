import readline from 'node:readline';
import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { DEFAULT_HOST } from '../impl/common/net';

type Values = Record<string, string | boolean | undefined>;
type ExtraOptions = Record<string, { type: 'string' | 'boolean'; description: string }>;

/** A reference client the CLI can run. A new protocol adds one entry to CLIENTS. */
interface ClientEntry {
  usage: string;
  options?: ExtraOptions;
  run(values: Values, args: string[]): Promise<number>;
}

const number = (values: Values, name: string, min = 0) => toNumber(name, values[name] as string | undefined, { min });

/** Each line: a command sent, then its responses until the quiet period (or the server closing). */
async function runOneline(values: Values, commands: string[]): Promise<number> {
  const { OnelineClient } = require('../impl/oneline/client') as typeof import('../impl/oneline/client');
  const client = await OnelineClient.connect((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 5005, {
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
  });
  const quietMs = number(values, 'quiet', 1) ?? 200;
  const run = async (command: string): Promise<boolean> => {
    if (command === 'disconnect' || command === 'shutdown') {
      await client[command]();
      console.log(`(${command}: the server closed the connection)`);
      return false;
    }
    for (const line of await client.send(command, { quietMs })) console.log(line);
    return true;
  };
  try {
    if (commands.length > 0) {
      for (const command of commands) if (!(await run(command))) break;
    } else {
      for await (const line of readline.createInterface({ input: process.stdin })) if (!(await run(line))) break;
    }
  } finally {
    client.close();
  }
  return EXIT.ok;
}

const CLIENTS: Record<string, ClientEntry> = {
  oneline: {
    usage: `oneline [COMMAND...]   sends each COMMAND (or each line of standard input) and prints the responses
            --port N (default 5005)  --quiet MS  how long without a response ends one command's responses (default 200)`,
    options: { quiet: { type: 'string', description: 'quiet period in ms' } },
    run: runOneline,
  },
};

function help(): string {
  return [
    'wireproof client NAME [options] [ARGS...]: run a reference client',
    '',
    ...Object.values(CLIENTS).map((c) => `  ${c.usage}`),
    '',
    '  common options: --host H (default 127.0.0.1)  --port N  --timeout MS (default 5000)',
  ].join('\n');
}

export async function clientCommand(args: string[]): Promise<number> {
  const extra = Object.assign({}, ...Object.values(CLIENTS).map((c) => c.options ?? {})) as ExtraOptions;
  const { values, positionals } = parseCommand(
    args,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { type: v.type }])),
    },
    true,
  );
  if (values.help) {
    console.log(help());
    return EXIT.ok;
  }
  const [name, ...rest] = positionals;
  const entry = name ? CLIENTS[name] : undefined;
  if (!entry) throw new UsageError(name ? `no reference client "${name}" (known: ${Object.keys(CLIENTS).join(', ')})` : 'client takes a protocol name');
  return entry.run(values as Values, rest);
}
