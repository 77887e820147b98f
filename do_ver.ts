/**
 * The main job (`npm run ver`): every protocol against its embedded reference server
 * with the full profile, plus the pure property suite of every framer, plus each
 * reference client through `conform --client` where the protocol has client cases, plus
 * coverage of the reference run, then the load profile (issue 12: volume, many clients,
 * the hostile loads of issue 7) and the security section, into one verification report.
 *
 * The verification runs in a child process with V8 coverage on; this process then
 * turns the coverage into a summary with c8, runs the load profile against each
 * reference server (a child process of its own, so its memory is read), adds the load
 * requirements (SRS-<P>-093..099) to each protocol's results and writes the reports.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommand, protocolsOption, seedOption, toNumber } from './src/cli/args';
import { baselineOption, printSummary, runErrorOf } from './src/cli/conform';
import { loadScaleOption } from './src/cli/load-options';
import { PROTOCOL_NAMES, protocolPlugin } from './src/conform/protocols';
import { conformProtocol } from './src/conform/run';
import { referenceClientCommand } from './src/cli/client';
import { shellQuote } from './src/conform/bytes-text';
import { FAULT_NAMES } from './src/conform/faults';
import { loadSrs, PROJECT_ROOT } from './src/conform/srs';
import { EXIT } from './src/conform/verdict';
import { buildReport, errorReport, withSections, type ReportPart } from './src/report/build';
import { runRobustness, writeRobustnessJson } from './src/robustness/run';
import { FIXED_SIZES, scaledSizes, type LoadSizes } from './src/robustness/profiles';
import { isLoadRequirement, loadCases } from './src/conform/load';
import { requirementResults } from './src/conform/verdict';
import type { Requirement } from './src/conform/srs';
import type { RobustnessSection } from './src/report/types';
import { securitySection } from './src/robustness/security';
import { writeReports, FORMATS } from './src/report/write';
import type { CoverageSummary, Report, RunError } from './src/report/types';
import { exitFlushed, ignoreClosedOutput } from './src/cli/exit';

const HELP = `npm run ver [-- options]: verify every protocol against its reference server, into one report

  --protocol NAME     only this protocol (repeatable; default: ${PROTOCOL_NAMES.join(', ')})
  --seed N            seed of every property (default: random, printed)
  --runs N            runs of every property
  --report-dir DIR    default reports/
  --no-coverage       skip the coverage measurement
  --no-robustness     skip the load profile (reports/robustness.json, SRS-<P>-093..099); a failed load exits 1
  --load-scale X      the load profile at the counts of conform --load times X (1: the full counts); default:
                      full counts but 200 clients x 100 messages, 200 at once (the CI budget)
  --faults            also the fault profile of every protocol (conform --faults)
  --baseline FILE     known failures (an earlier report.json, or {"knownFailures": [{"id", "reason"}]}), as conform
  --baseline-strict   a fixed known failure fails the run too

Every exit after the options are read writes the reports, an error (exit 2 or 3) included.`;

/**
 * Runs of each client property against a reference client (`--client`, one process per
 * run): enough to take the path on every CI run; `--runs` overrides it, `conform --client`
 * runs each property's own number.
 */
const REFERENCE_CLIENT_RUNS = 2;
/** The reference clients' timeout in client runs (scaled as the suite's waits are). */
const REFERENCE_CLIENT_TIMEOUT_MS = 1000;

/**
 * The load profile's sizes in the main job: the issue's counts, but 200 clients of 100
 * messages (200 at once) instead of 1,000 (300 at once), which alone took 90 s of the
 * 160 s a full-count pass took here on 2 cores. `--load-scale 1` runs the full counts.
 */
const VER_SIZES: LoadSizes = { ...FIXED_SIZES, clients: 200, clientsAtOnce: 200 };

/** A protocol's part of the report, and whether it is a reference client's (conform --client). */
type VerPart = ReportPart & { client?: true };

/**
 * Each protocol's server results with its load requirements (all of them: the load profile
 * ran every load). A reference client's part has none.
 */
function withLoadResults(parts: VerPart[], srs: Requirement[], section: RobustnessSection): ReportPart[] {
  return parts.map((part) => {
    if (part.client) return part;
    const requirements = srs.filter((r) => r.protocol === part.protocol && isLoadRequirement(r.id));
    const outcomes = loadCases(section.runs.filter((run) => run.protocol === part.protocol), { base: `npx wireproof robustness --protocol ${part.protocol}`, seed: section.seed });
    return { ...part, requirements: [...part.requirements, ...requirementResults(requirements, outcomes)] };
  });
}

interface ChildResult {
  parts: VerPart[];
  seed: number;
  started: string;
}

/** What the child leaves when it stops on an error, for the parent's report. */
interface ChildError {
  error: RunError;
}

async function child(resultFile: string, protocols: string[], seed: number, runs: number | undefined, faults: boolean): Promise<void> {
  const srs = loadSrs();
  const started = new Date().toISOString();
  const parts: VerPart[] = [];
  const timeoutScale = Number(process.env.WIREPROOF_TIMEOUT_SCALE ?? 1);
  const log = (line: string) => console.error(line);
  for (const protocol of protocols) {
    parts.push(
      await conformProtocol(srs, {
        protocol,
        profile: 'full',
        seed,
        runs,
        timeoutScale,
        includePure: true,
        faults: faults ? [...FAULT_NAMES] : [],
        replayBase: `npx wireproof conform --protocol ${protocol}`,
        log,
      }),
    );
    // The reference client through the same door as any client (issue 14): the suite plays the server.
    const client = protocolPlugin(protocol).client && referenceClientCommand(protocol, REFERENCE_CLIENT_TIMEOUT_MS * timeoutScale);
    if (client) {
      parts.push({
        ...(await conformProtocol(srs, {
          protocol,
          client,
          seed,
          runs: runs ?? REFERENCE_CLIENT_RUNS,
          timeoutScale,
          replayBase: `npx wireproof conform --protocol ${protocol} --client ${shellQuote(client)}`,
          log,
        })),
        client: true,
      });
    }
  }
  fs.writeFileSync(resultFile, JSON.stringify({ parts, seed, started } satisfies ChildResult));
}

/** Summarises the V8 coverage the child left behind, over the reference implementations. */
function coverageSummary(v8Dir: string, reportDir: string): CoverageSummary | undefined {
  const outDir = path.join(reportDir, 'coverage');
  const c8 = require.resolve('c8/bin/c8.js');
  const run = spawnSync(process.execPath, [c8, 'report', '--temp-directory', v8Dir, '--report-dir', outDir,
    '--reporter', 'json-summary', '--reporter', 'text-summary', '--reporter', 'html',
    '--all', '--src', 'src', '--include', 'src/impl/**', '--exclude', 'src/impl/**/*.py'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  process.stderr.write(run.stdout ?? '');
  const file = path.join(outDir, 'coverage-summary.json');
  if (run.status !== 0 || !fs.existsSync(file)) {
    console.error(`coverage: c8 report failed: ${run.stderr}`);
    return undefined;
  }
  const total = JSON.parse(fs.readFileSync(file, 'utf8')).total;
  return { lines: total.lines.pct, statements: total.statements.pct, functions: total.functions.pct, branches: total.branches.pct };
}

/** The verdicts of the robustness and security sections, each failing part named. */
function printSections({ robustness, security }: Report): void {
  if (robustness) {
    const failed = robustness.runs.filter((run) => run.verdict === 'FAIL').map((run) => `${run.protocol} ${run.load}`);
    console.log(`load: ${robustness.verdict}, ${robustness.runs.filter((run) => run.verdict !== 'N/A').length} loads${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
  }
  if (security) {
    const parts = [...security.bindAddresses.map((c) => ({ name: `${c.protocol} bind address`, verdict: c.verdict })), ...security.attempts, { name: 'evaluation scan', verdict: security.evaluation.verdict }];
    const failed = parts.filter((part) => part.verdict === 'FAIL').map((part) => part.name);
    console.log(`security: ${security.verdict}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    protocol: { type: 'string', multiple: true },
    seed: { type: 'string' },
    runs: { type: 'string' },
    'report-dir': { type: 'string', default: 'reports' },
    'no-coverage': { type: 'boolean', default: false },
    'no-robustness': { type: 'boolean', default: false },
    'load-scale': { type: 'string' },
    faults: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'baseline-strict': { type: 'boolean', default: false },
    child: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const protocols = protocolsOption(values.protocol, PROTOCOL_NAMES);
  const seed = seedOption(values.seed);
  const runs = toNumber('runs', values.runs, { min: 1, integer: true });
  if (values.child) {
    try {
      await child(values.child, protocols, seed, runs, values.faults);
    } catch (err) {
      fs.writeFileSync(values.child, JSON.stringify({ error: runErrorOf(err) } satisfies ChildError));
      throw err;
    }
    return EXIT.ok;
  }
  const reportDir = path.resolve(values['report-dir']);
  const started = new Date();
  try {
    return await verify(values, protocols, seed, runs, reportDir, started);
  } catch (err) {
    await writeErrorReports(runErrorOf(err), seed, started, reportDir);
    throw err;
  }
}

/** Every exit writes its reports: the error, its kind and exit code (CONFORMANCE.md, CI gate). */
async function writeErrorReports(error: RunError, seed: number, started: Date, reportDir: string): Promise<void> {
  const report = errorReport('embedded', { seed, started, strict: false }, error);
  printSummary(report, await writeReports(report, reportDir, FORMATS));
}

type Values = ReturnType<typeof parseCommand>['values'];

async function verify(values: Values, protocols: string[], seed: number, runs: number | undefined, reportDir: string, started: Date): Promise<number> {
  const loadScale = loadScaleOption(typeof values['load-scale'] === 'string' ? values['load-scale'] : undefined);
  const srs = loadSrs(); // an invalid srs.json stops here, before anything runs
  const baseline = baselineOption(typeof values.baseline === 'string' ? values.baseline : undefined, values['baseline-strict'] === true, srs, 'wireproof ver');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-ver-'));
  const resultFile = path.join(work, 'result.json');
  const v8Dir = path.join(work, 'v8');
  console.error(`wireproof ver: ${protocols.join(', ')}; seed ${seed} (replay with: npm run ver -- --seed ${seed})`);
  const args = [...process.execArgv, __filename, '--child', resultFile, '--seed', String(seed),
    ...protocols.flatMap((p) => ['--protocol', p]), ...(runs ? ['--runs', String(runs)] : []), ...(values.faults ? ['--faults'] : [])];
  const env = { ...process.env, ...(values['no-coverage'] ? {} : { NODE_V8_COVERAGE: v8Dir }) };
  const run = spawnSync(process.execPath, args, { stdio: 'inherit', env, cwd: PROJECT_ROOT });
  const result = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ChildResult | ChildError) : undefined;
  if (run.status !== 0 || !result || 'error' in result) {
    fs.rmSync(work, { recursive: true, force: true });
    const error: RunError = result && 'error' in result
      ? result.error
      : { exit: run.status === EXIT.usage ? EXIT.usage : EXIT.infrastructure, kind: 'suite', message: `the verification run failed (exit ${run.status ?? run.signal})` };
    console.error(`wireproof ver: ${error.message}`);
    await writeErrorReports(error, seed, started, reportDir);
    return error.exit;
  }
  const coverage = values['no-coverage'] ? undefined : coverageSummary(v8Dir, reportDir);
  const log = (line: string) => console.error(line);
  const sizes = loadScale === undefined ? VER_SIZES : scaledSizes(loadScale);
  const robustness = values['no-robustness'] ? undefined : await runRobustness({ protocols, seed: result.seed, sizes, log });
  const parts = robustness ? withLoadResults(result.parts, srs, robustness) : result.parts;
  const security = await securitySection(protocols, parts.flatMap((part) => part.requirements));
  const report = withSections(
    buildReport(parts, {
      seed: result.seed, started: new Date(result.started), strict: false, coverage,
      ...(baseline ? { baseline } : {}),
    }),
    { robustness, security },
  );
  const written = [
    ...(robustness ? [await writeRobustnessJson(robustness, reportDir)] : []),
    ...(await writeReports(report, reportDir, FORMATS)),
  ];
  fs.rmSync(work, { recursive: true, force: true });
  printSections(report);
  printSummary(report, written);
  return report.exitCode;
}

if (require.main === module) {
  ignoreClosedOutput();
  main(process.argv.slice(2)).then(
    exitFlushed,
    (err) => {
      const { exit } = runErrorOf(err);
      console.error(`wireproof ver: ${exit === EXIT.usage ? err.message : err.stack}`);
      exitFlushed(exit);
    },
  );
}
