import path from 'node:path';
import { parseCommand, protocolsOption, seedOption } from './args';
import { PROTOCOL_NAMES } from '../conform/protocols';
import { EXIT } from '../conform/verdict';
import { runRobustness, writeRobustnessJson } from '../robustness/run';

const HELP = `wireproof robustness [--protocol NAME]... [--seed N] [--report-dir DIR]: hostile loads against the reference servers

  Per server, as a child process: 1 GiB without a LF (oneline), headers claiming up to 4 GiB
  (channel, lenmsg, rpc), 1,000 idle connections while a real client is served, 10,000 random
  malformed inputs. Each passes when the server answers before and after, its resident memory
  grows by less than 64 MiB, and requests accepted before the load are answered after it.

  --protocol NAME     only this protocol (repeatable; default: ${PROTOCOL_NAMES.join(', ')})
  --seed N            seed of the malformed inputs (default: random, printed)
  --report-dir DIR    where robustness.json goes (default reports/)

Exit codes: 0 every load passes, 1 a load failed, 3 usage error.`;

export async function robustnessCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    protocol: { type: 'string', multiple: true },
    seed: { type: 'string' },
    'report-dir': { type: 'string', default: 'reports' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const protocols = protocolsOption(values.protocol, PROTOCOL_NAMES);
  const seed = seedOption(values.seed);
  console.error(`wireproof robustness: ${protocols.join(', ')}; seed ${seed}`);
  const section = await runRobustness({ protocols, seed, log: (line) => console.error(line) });
  const file = await writeRobustnessJson(section, path.resolve(values['report-dir']));
  const failed = section.runs.filter((run) => run.verdict === 'FAIL');
  console.log(`robustness ${section.verdict}: ${section.runs.length - failed.length} of ${section.runs.length} runs pass${failed.length ? ` (failed: ${failed.map((r) => `${r.protocol} ${r.load}`).join(', ')})` : ''}; ${file}`);
  return section.verdict === 'PASS' ? EXIT.ok : EXIT.nonConformance;
}
