import path from 'node:path';
import { parseCommand, seedOption, toNumber } from './args';
import { conformProtocol, type ConformOptions } from '../conform/run';
import { PROTOCOL_NAMES } from '../conform/protocols';
import { loadSrs } from '../conform/srs';
import { shellQuote } from '../conform/properties';
import { TargetUnreachableError, UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { buildReport } from '../report/build';
import { FORMATS, formatsOption, writeReports } from '../report/write';
import type { Report } from '../report/types';
import type { Profile } from '../conform/select';
import { FAULT_NAMES, type FaultName } from '../conform/faults';
import { anyLoadOption, LOAD_HELP, LOAD_OPTIONS, loadOptions, withLoadSection } from './load-options';

const HELP = `wireproof conform: verify a server against the requirements in srs.json

  --protocol NAME       ${PROTOCOL_NAMES.join(' | ')} (required)
  --target HOST:PORT    a running server (cobra: HOST:FILEPORT,CTLPORT); default: the embedded reference server
  --spawn "COMMAND"     start the server: {port} (and {port2}) are replaced by free ports
  --profile core|full   core: what every server must do (default for --target/--spawn); full: also the
                        reference application and client (default for the embedded server)
  --req GLOB            only these requirement ids (repeatable; * and ? allowed)
  --exclude GLOB        not these requirement ids (repeatable)
  --case GLOB           only cases whose name matches (repeatable; used by replay commands)
  --strict              a broken SHOULD fails the run too
  --faults              also the fault profile: every core case again through a proxy that slices the
                        stream and one that adds latency (same verdicts), and the reference client's
                        call cut by a reset and a stall (typed error in time; the server serves the next client)
  --fault NAME          only these faults of the profile (repeatable; implies --faults): ${FAULT_NAMES.join(', ')}
  --load                also the load profile (SRS-<P>-093..099): 10,000 messages on one connection, 1,000
                        clients x 100 messages, the hostile loads; the server's memory where the suite knows
                        its process (the embedded server's loads go to a reference server of its own, a child
                        process; --spawn: the process tree; --target: with --pid)
${LOAD_HELP}
  --seed N              seed of every property (a failure prints the one that replays it)
  --runs N              runs of every property (default: each property's own)
  --timeout-scale X     multiply every wait (slow targets, loaded CI machines); default 1
  --report-dir DIR      where the reports go (default reports/)
  --format LIST         ${FORMATS.join(',')} or all (default all)
  --srs FILE            the requirements file (default: the project's srs.json)

Exit: 0 every selected MUST passes (and every SHOULD with --strict); 1 non-conformance;
2 target unreachable or died, or suite error; 3 usage error, invalid srs.json, unknown tag, empty selection.`;

export async function conformCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    protocol: { type: 'string' },
    target: { type: 'string' },
    spawn: { type: 'string' },
    profile: { type: 'string' },
    req: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    case: { type: 'string', multiple: true },
    strict: { type: 'boolean', default: false },
    faults: { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true },
    load: { type: 'boolean', default: false },
    ...LOAD_OPTIONS,
    seed: { type: 'string' },
    runs: { type: 'string' },
    'timeout-scale': { type: 'string' },
    'report-dir': { type: 'string', default: 'reports' },
    format: { type: 'string', default: 'all' },
    srs: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (!values.protocol) throw new UsageError('--protocol is required');
  if (!PROTOCOL_NAMES.includes(values.protocol)) {
    throw new UsageError(`unknown protocol "${values.protocol}" (known: ${PROTOCOL_NAMES.join(', ')})`);
  }
  if (values.profile && values.profile !== 'core' && values.profile !== 'full') {
    throw new UsageError(`--profile is core or full, not "${values.profile}"`);
  }
  if (values.target && values.spawn) throw new UsageError('--target and --spawn exclude each other');
  const formats = formatsOption(values.format);
  const faults = chosenFaults(values.faults, values.fault);
  const load = values.load || anyLoadOption(values) ? loadOptions(values, values) : undefined;
  const seed = seedOption(values.seed);
  const srs = loadSrs(values.srs);
  const started = new Date();
  const options: ConformOptions = {
    protocol: values.protocol,
    target: values.target,
    spawn: values.spawn,
    profile: values.profile as Profile | undefined,
    req: values.req,
    exclude: values.exclude,
    cases: values.case,
    faults,
    ...(load ? { load } : {}),
    seed,
    runs: toNumber('runs', values.runs, { min: 1, integer: true }),
    timeoutScale: toNumber('timeout-scale', values['timeout-scale'], { min: 0.1 }) ?? 1,
    replayBase: replayBase(values),
    log: (line) => console.error(line),
  };
  console.error(`wireproof conform ${values.protocol}, seed ${seed}`);
  let part;
  try {
    part = await conformProtocol(srs, options);
  } catch (err) {
    if (err instanceof TargetUnreachableError) {
      console.error(`wireproof: target unreachable: ${err.message}`);
      return EXIT.infrastructure;
    }
    throw err;
  }
  const report = withLoadSection(buildReport([part], { seed, started, strict: values.strict }), part, load);
  const written = await writeReports(report, values['report-dir'], formats, { strict: values.strict });
  printSummary(report, written);
  return report.exitCode;
}

/** --faults: all of them; --fault NAME...: those. */
export function chosenFaults(all: boolean | undefined, names: string[] | undefined): FaultName[] {
  for (const name of names ?? []) {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown fault "${name}" (known: ${FAULT_NAMES.join(', ')})`);
  }
  if (names?.length) return FAULT_NAMES.filter((f) => names.includes(f));
  return all ? [...FAULT_NAMES] : [];
}

/** The part of this command line that a replay keeps (target, profile, timeouts). */
function replayBase(values: Record<string, unknown>): string {
  const parts = ['npx wireproof conform', '--protocol', String(values.protocol)];
  if (values.target) parts.push('--target', String(values.target));
  if (values.spawn) parts.push('--spawn', shellQuote(String(values.spawn)));
  if (values.profile) parts.push('--profile', String(values.profile));
  if (values['timeout-scale']) parts.push('--timeout-scale', String(values['timeout-scale']));
  for (const option of ['load-scale', 'pid', 'duration'] as const) if (values[option]) parts.push(`--${option}`, String(values[option]));
  return parts.join(' ');
}

export function printSummary(report: Report, written: string[]): void {
  const s = report.summary;
  const notPassing = report.requirements.filter((r) => r.verdict !== 'PASS');
  for (const r of notPassing) console.log(`${r.verdict.padEnd(11)} ${r.id} (${r.level}) ${r.text}`);
  console.log(
    `requirements: ${s.pass} pass, ${s.fail} fail, ${s.nonStrict} non-strict, ${s.info} info, ` +
      `${s.unsupported} unsupported, ${s.error} error, ${s.untraced} untraced`,
  );
  for (const file of written) console.log(`report: ${path.relative(process.cwd(), file) || file}`);
  console.log(`exit ${report.exitCode}`);
}
