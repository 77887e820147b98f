import path from 'node:path';
import { parseCommand, seedOption, toNumber } from './args';
import { conformProtocol, type ConformOptions } from '../conform/run';
import { PROTOCOL_NAMES } from '../conform/protocols';
import { loadSrs } from '../conform/srs';
import { shellQuote } from '../conform/properties';
import { TargetUnreachableError, UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { buildReport } from '../report/build';
import { FORMATS, parseFormats, UnknownFormatError, writeReports } from '../report/write';
import type { Report } from '../report/types';
import type { Profile } from '../conform/select';
import { FAULT_NAMES, type FaultName } from '../conform/faults';

const HELP = `wireproof conform: verify a server, or a client, against the requirements in srs.json

  --protocol NAME       ${PROTOCOL_NAMES.join(' | ')} (required)
  --target HOST:PORT    a running server (cobra: HOST:FILEPORT,CTLPORT); default: the embedded reference server
  --spawn "COMMAND"     start the server: {port} (and {port2}) are replaced by free ports
  --client "COMMAND"    verify a client instead: the suite plays the server and runs COMMAND once per case,
                        {host} and {port} (and {port2}) replaced; the client is driven through JSON lines
                        on its standard input and output (README, "Verifying a client"). Its requirements
                        are srs.json's "target": "client" ones; excludes --target, --spawn, --profile, --faults
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
    client: { type: 'string' },
    profile: { type: 'string' },
    req: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    case: { type: 'string', multiple: true },
    strict: { type: 'boolean', default: false },
    faults: { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true },
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
  if (values.client !== undefined) {
    const clashing = ['target', 'spawn', 'profile', 'fault'].filter((name) => values[name as keyof typeof values] !== undefined);
    if (values.faults) clashing.push('faults');
    if (clashing.length) throw new UsageError(`--client excludes ${clashing.map((n) => `--${n}`).join(', ')}: the suite plays the server`);
    if (!/\{port\}/.test(values.client)) throw new UsageError('--client needs {port} in its command: where the suite\'s server listens');
  }
  let formats;
  try {
    formats = parseFormats(values.format);
  } catch (err) {
    if (err instanceof UnknownFormatError) throw new UsageError(err.message);
    throw err;
  }
  const faults = chosenFaults(values.faults, values.fault);
  const seed = seedOption(values.seed);
  const srs = loadSrs(values.srs);
  const started = new Date();
  const options: ConformOptions = {
    protocol: values.protocol,
    target: values.target,
    spawn: values.spawn,
    client: values.client,
    profile: values.profile as Profile | undefined,
    req: values.req,
    exclude: values.exclude,
    cases: values.case,
    faults,
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
      console.error(values.client !== undefined ? `wireproof: the client under test cannot be run: ${err.message}` : `wireproof: target unreachable: ${err.message}`);
      return EXIT.infrastructure;
    }
    throw err;
  }
  const report = buildReport([part], { seed, started, strict: values.strict });
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
  if (values.client) parts.push('--client', shellQuote(String(values.client)));
  if (values.profile) parts.push('--profile', String(values.profile));
  if (values['timeout-scale']) parts.push('--timeout-scale', String(values['timeout-scale']));
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
