import readline from 'node:readline';
import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { OnelineClient } from '../impl/oneline/client';
import { DEFAULT_HOST } from '../impl/common/net';

const HELP = `wireproof client NAME [options] [COMMAND...]: run a reference client

  oneline   sends each COMMAND (or each line of standard input) and prints the responses
            --host H (default 127.0.0.1)  --port N (default 5005)  --timeout MS (default 5000)
            --quiet MS  how long without a response ends one command's responses (default 200)`;

export async function clientCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { host: { type: 'string' }, port: { type: 'string' }, timeout: { type: 'string' }, quiet: { type: 'string' } },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const [name, ...commands] = positionals;
  if (name !== 'oneline') throw new UsageError(name ? `no reference client "${name}" (known: oneline)` : 'client takes a protocol name');
  const client = await OnelineClient.connect(values.host ?? DEFAULT_HOST, toNumber('port', values.port, { min: 1, integer: true }) ?? 5005, {
    timeoutMs: toNumber('timeout', values.timeout, { min: 1 }) ?? 5000,
  });
  const quietMs = toNumber('quiet', values.quiet, { min: 1 }) ?? 200;
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
