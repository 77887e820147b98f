import { InvalidSrsError, UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';

const USAGE = `wireproof: reference socket protocols and a conformance suite

Usage:
  wireproof conform --protocol NAME [--target H:P | --spawn CMD] [options]   verify a server
  wireproof conform --protocol NAME --client CMD [options]                    verify a client (the suite plays the server)
  wireproof list [--protocol NAME] [--json]                                   requirements and their cases
  wireproof serve NAME [--port N] [--host H]                                  run a reference server
  wireproof client NAME [options] [COMMAND...]                                run a reference client
  wireproof robustness [--protocol NAME]... [--target H:P | --spawn CMD]      the load profile's loads alone (default: the reference servers)
  wireproof merge A.json B.json ...                                           report.json files (the shards of a run) into one report
  wireproof proxy --upstream H:P [--listen P] [--toxic SPEC]...               a TCP proxy that injects faults
  wireproof compare A.json B.json... [--label NAME]... [--out DIR]            runs side by side, differences first

Run "wireproof COMMAND --help" for a command's options.
Exit codes: 0 conforms, 1 non-conformance, 2 target unreachable or infrastructure error, 3 usage error.`;

const COMMANDS: Record<string, () => (args: string[]) => Promise<number>> = {
  conform: () => require('./conform').conformCommand,
  list: () => require('./list').listCommand,
  serve: () => require('./serve').serveCommand,
  client: () => require('./client').clientCommand,
  robustness: () => require('./robustness').robustnessCommand,
  merge: () => require('./merge').mergeCommand,
  proxy: () => require('./proxy').proxyCommand,
  compare: () => require('./compare').compareCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const load = COMMANDS[command];
  try {
    if (!load) throw new UsageError(`unknown command "${command}"`);
    return await load()(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InvalidSrsError) {
      console.error(`wireproof: ${err.message}`);
      if (err instanceof UsageError) console.error('Run "wireproof --help" for usage.');
      return EXIT.usage;
    }
    throw err;
  }
}
