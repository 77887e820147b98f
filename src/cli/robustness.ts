import path from 'node:path';
import { parseCommand, protocolsOption, seedOption, toNumber } from './args';
import { TargetUnreachableError, UsageError } from '../conform/errors';
import { loadTargetOf } from '../conform/load';
import { protocolPlugin, PROTOCOL_NAMES } from '../conform/protocols';
import { openTarget } from '../conform/target';
import { EXIT } from '../conform/verdict';
import type { RobustnessSection } from '../report/types';
import { loadSection, LOAD_TIMEOUT_MS, runLoadProfile, runRobustness, writeRobustnessJson } from '../robustness/run';
import { LOAD_HELP, LOAD_OPTIONS, loadOptions } from './load-options';

const HELP = `wireproof robustness [--protocol NAME]... [--target H:P | --spawn CMD] [options]: the load profile's loads alone

  Without --target or --spawn: each protocol's reference server, as a child process. Per protocol: 10,000
  messages of mixed sizes on one connection; 1,000 clients x 100 messages (300 at once, or one after another
  where the server serves one client at a time); 1 GiB without a LF (oneline); headers claiming up to 4 GiB
  (channel, lenmsg, rpc); 1,000 idle connections while a real client is served; 10,000 random malformed
  inputs. Each passes when every message is answered exactly once, whole and in order, the server answers
  before and after, requests accepted before the load are answered after it, and its resident memory (where
  the suite knows its process) grows by less than 64 MiB. Throughput and latency are reported, not judged.

  --protocol NAME       only this protocol (repeatable; default: ${PROTOCOL_NAMES.join(', ')}; one with --target/--spawn)
  --target HOST:PORT    a running server (cobra: HOST:FILEPORT,CTLPORT)
  --spawn "COMMAND"     start the server: {port} (and {port2}, {root}) as for conform
${LOAD_HELP}
  --seed N              seed of the malformed inputs (default: random, printed)
  --timeout-scale X     multiply every wait; default 1
  --report-dir DIR      where robustness.json goes (default reports/)

robustness.json: schema 1 (see the README). Exit codes: 0 every load passes, 1 a load failed, 2 the target
is unreachable or a load could not run, 3 usage error.`;

export async function robustnessCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    protocol: { type: 'string', multiple: true },
    target: { type: 'string' },
    spawn: { type: 'string' },
    ...LOAD_OPTIONS,
    seed: { type: 'string' },
    'timeout-scale': { type: 'string' },
    'report-dir': { type: 'string', default: 'reports' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const protocols = protocolsOption(values.protocol, PROTOCOL_NAMES);
  const external = values.target ?? values.spawn;
  if (values.target && values.spawn) throw new UsageError('--target and --spawn exclude each other');
  if (external && protocols.length !== 1) throw new UsageError('--target and --spawn need exactly one --protocol');
  const { pid, ...load } = loadOptions(values, values);
  const seed = seedOption(values.seed);
  const timeoutMs = LOAD_TIMEOUT_MS * (toNumber('timeout-scale', values['timeout-scale'], { min: 0.1 }) ?? 1);
  const log = (line: string) => console.error(line);
  const options = { ...load, seed, timeoutMs, log };
  console.error(`wireproof robustness: ${protocols.join(', ')}${external ? ` at ${external}` : ''}; seed ${seed}`);
  let section: RobustnessSection;
  if (!external) {
    section = await runRobustness({ protocols, ...options });
  } else {
    const plugin = protocolPlugin(protocols[0]);
    const started = performance.now();
    let target;
    try {
      target = await openTarget(plugin, { target: values.target, spawn: values.spawn }, timeoutMs);
    } catch (err) {
      if (!(err instanceof TargetUnreachableError)) throw err;
      console.error(`wireproof: target unreachable: ${err.message}`);
      return EXIT.infrastructure;
    }
    try {
      const loadTarget = loadTargetOf(plugin, target, pid);
      const runs = await runLoadProfile(plugin, loadTarget, options);
      section = loadSection(runs, { seed, durationMs: Math.round(performance.now() - started), target: target.label, memory: loadTarget.memory, shard: load.shard });
    } finally {
      await target.stop();
    }
  }
  const file = await writeRobustnessJson(section, path.resolve(values['report-dir']));
  const measured = section.runs.filter((run) => run.verdict !== 'N/A');
  const failed = measured.filter((run) => run.verdict === 'FAIL');
  const errors = measured.filter((run) => run.verdict === 'ERROR');
  const named = (runs: typeof measured) => runs.map((r) => `${r.protocol} ${r.load}`).join(', ');
  console.log(`robustness ${section.verdict}: ${measured.length - failed.length - errors.length} of ${measured.length} runs pass` +
    `${failed.length ? ` (failed: ${named(failed)})` : ''}${errors.length ? ` (not run: ${named(errors)})` : ''}; ${file}`);
  if (failed.length) return EXIT.nonConformance;
  return errors.length ? EXIT.infrastructure : EXIT.ok;
}
