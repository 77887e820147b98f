import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCommand, seedOption, toNumber } from './args';
import { conformProtocol, type ConformOptions } from '../conform/run';
import { PROTOCOL_NAMES } from '../conform/protocols';
import { loadSrs, type Requirement } from '../conform/srs';
import { shellQuote } from '../conform/bytes-text';
import { InvalidSrsError, TargetUnreachableError, UsageError } from '../conform/errors';
import { parseEndpoint, targetLabel } from '../conform/target';
import { EXIT } from '../conform/verdict';
import { buildReport, errorReport, type ReportMeta } from '../report/build';
import { InvalidBaselineError, loadBaseline } from '../report/baseline';
import { FORMATS, parseFormats, writeReports, type Format } from '../report/write';
import type { Report, RunError } from '../report/types';
import type { Profile } from '../conform/select';
import { FAULT_NAMES, type FaultName } from '../conform/faults';
import { anyLoadOption, LOAD_HELP, LOAD_OPTIONS, loadOptions, withLoadSection } from './load-options';

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
  --baseline FILE       known failures: an earlier run's report.json, or {"knownFailures": [{"id", "reason"}]};
                        a known failure does not fail the run, a new one does, one that passes now is "fixed"
  --baseline-strict     a fixed known failure fails the run too (exit 1) until the baseline is updated

Exit: 0 every selected MUST passes (and every SHOULD with --strict); 1 non-conformance;
2 target unreachable or died, or suite error; 3 usage error, invalid srs.json or --baseline, unknown tag,
empty selection. Every exit once --protocol names a protocol writes the reports, saying what happened.`;

const OPTIONS = {
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
  baseline: { type: 'string' },
  'baseline-strict': { type: 'boolean', default: false },
  load: { type: 'boolean', default: false },
  ...LOAD_OPTIONS,
} as const;

export async function conformCommand(args: string[]): Promise<number> {
  const run: RunStart = { started: new Date() };
  try {
    return await conform(args, run);
  } catch (err) {
    await writeErrorReports(args, run, err);
    throw err;
  }
}

/** When the run started, and its seed once chosen: an error report carries the seed the run printed. */
interface RunStart {
  started: Date;
  seed?: number;
}

async function conform(args: string[], run: RunStart): Promise<number> {
  const { values } = parseCommand(args, OPTIONS);
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
    if (values.load || anyLoadOption(values)) clashing.push('load');
    if (clashing.length) throw new UsageError(`--client excludes ${clashing.map((n) => `--${n}`).join(', ')}: the suite plays the server`);
    if (!/\{port\}/.test(values.client)) throw new UsageError('--client needs {port} in its command: where the suite\'s server listens');
  }
  if (values.target) {
    try {
      parseEndpoint(values.target);
    } catch (err) {
      throw new UsageError(`--target: ${(err as Error).message}`);
    }
  }
  const formats = parseFormats(values.format);
  const faults = chosenFaults(values.faults, values.fault);
  const load = values.load || anyLoadOption(values) ? loadOptions(values, values) : undefined;
  const seed = seedOption(values.seed);
  run.seed = seed;
  const srs = loadSrs(values.srs);
  const baseline = baselineOption(values.baseline, values['baseline-strict'], srs, 'wireproof');
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
    ...(load ? { load } : {}),
    seed,
    runs: toNumber('runs', values.runs, { min: 1, integer: true }),
    timeoutScale: toNumber('timeout-scale', values['timeout-scale'], { min: 0.1 }) ?? 1,
    replayBase: replayBase(values),
    log: (line) => console.error(line),
  };
  console.error(`wireproof conform ${values.protocol}, seed ${seed}`);
  const part = await conformProtocol(srs, options);
  const report = withLoadSection(buildReport([part], {
    seed, started: run.started, strict: values.strict, ...(baseline ? { baseline } : {}),
  }), part, load);
  const written = await writeReports(report, values['report-dir'], formats, { strict: values.strict });
  printSummary(report, written);
  return report.exitCode;
}

/**
 * --baseline FILE and --baseline-strict (which needs it): the known failures, read against
 * srs.json's ids, for buildReport; `command` heads the warning a doubtful file gets.
 */
export function baselineOption(file: string | undefined, strict: boolean, srs: readonly Requirement[], command: string): ReportMeta['baseline'] {
  if (strict && !file) throw new UsageError('--baseline-strict needs --baseline FILE');
  if (!file) return undefined;
  const baseline = loadBaseline(file, new Set(srs.map((r) => r.id)));
  if (baseline.warning) console.error(`${command}: --baseline ${baseline.source}: ${baseline.warning}`);
  return { baseline, strict };
}

/** The exit code and kind of an error that stopped a run. */
export function runErrorOf(err: unknown): RunError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof InvalidBaselineError) return { exit: EXIT.usage, kind: 'invalid-baseline', message };
  if (err instanceof UsageError) return { exit: EXIT.usage, kind: 'usage', message };
  if (err instanceof InvalidSrsError) return { exit: EXIT.usage, kind: 'invalid-srs', message };
  if (err instanceof TargetUnreachableError) return { exit: EXIT.infrastructure, kind: 'unreachable', message };
  return { exit: EXIT.infrastructure, kind: 'suite', message: `the suite failed: ${message}` };
}

/**
 * Once --protocol names a protocol, a run that stops on an error still writes its reports
 * (report.json and junit.xml at least), so that a CI system shows why the gate failed. The
 * options are read again leniently: the error may be in them.
 */
async function writeErrorReports(args: string[], run: RunStart, err: unknown): Promise<void> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true }).values;
  } catch {
    return;
  }
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const protocol = text('protocol');
  if (values.help === true || !protocol || !PROTOCOL_NAMES.includes(protocol)) return;
  let formats: Format[] = ['json', 'junit'];
  try {
    formats = parseFormats(text('format') ?? 'all');
  } catch {
    /* the error may be --format itself: the two formats every exit writes */
  }
  const meta = { seed: run.seed ?? 0, started: run.started, strict: values.strict === true };
  const report = errorReport(targetLabel({ target: text('target'), spawn: text('spawn'), client: text('client') }), meta, runErrorOf(err));
  try {
    const written = await writeReports(report, text('report-dir') ?? 'reports', formats, { strict: meta.strict });
    for (const file of written) console.log(`report: ${path.relative(process.cwd(), file) || file}`);
  } catch (writeErr) {
    console.error(`wireproof: the reports could not be written: ${(writeErr as Error).message}`);
  }
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
  for (const option of ['load-scale', 'pid', 'duration'] as const) if (values[option]) parts.push(`--${option}`, String(values[option]));
  return parts.join(' ');
}

export function printSummary(report: Report, written: string[]): void {
  const s = report.summary;
  const notPassing = report.requirements.filter((r) => r.verdict !== 'PASS');
  for (const r of notPassing) console.log(`${r.verdict.padEnd(11)} ${r.id} (${r.level}${r.baseline ? `, ${r.baseline.status}` : ''}) ${r.text}`);
  console.log(
    `requirements: ${s.pass} pass, ${s.fail} fail, ${s.nonStrict} non-strict, ${s.info} info, ` +
      `${s.unsupported} unsupported, ${s.error} error, ${s.untraced} untraced`,
  );
  for (const r of report.requirements.filter((r) => r.baseline?.status === 'fixed')) {
    console.log(`FIXED       ${r.id} (${r.level}) passes now: remove it from the baseline (${r.baseline?.reason})`);
  }
  if (report.baseline) console.log(`baseline ${report.baseline.source}: ${report.baseline.new} new, ${report.baseline.known} known, ${report.baseline.fixed} fixed`);
  if (report.error) console.log(`error (${report.error.kind}, exit ${report.error.exit}): ${report.error.message}`);
  for (const file of written) console.log(`report: ${path.relative(process.cwd(), file) || file}`);
  console.log(`exit ${report.exitCode}`);
}
