/**
 * `npm run bench`: runs every bench module (or those named as arguments), each part in a
 * fresh process, prints the results and writes reports/bench.json. A missed target is
 * reported, not an exit failure.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchModule, BenchResult } from './measure';
import { bench as cobra } from './cobra';
import { bench as lenmsg } from './lenmsg';
import { bench as oneline } from './oneline';
import { bench as channel } from './channel';
import { bench as rpc } from './rpc';
import { bench as startup } from './startup';
import { bench as conform } from './conform';

/** Every bench module; a protocol's bench/<protocol>.ts is registered here. */
export const MODULES: readonly BenchModule[] = [oneline, channel, cobra, lenmsg, rpc, startup, conform];

const REPORT_PATH = path.join(__dirname, '..', 'reports', 'bench.json');

export interface ModuleReport {
  module: string;
  seconds: number;
  results: BenchResult[];
}

function figure(value: number, unit: string): string {
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${unit}`;
}

/** The human-readable report: each result, its baselines and ratios, and every target's verdict. */
export function formatReport(reports: readonly ModuleReport[]): string {
  const lines: string[] = [];
  const missed: string[] = [];
  let targets = 0;
  for (const report of reports) {
    lines.push(`== ${report.module} (${report.seconds.toFixed(1)} s)`);
    for (const result of report.results) {
      if (result.target) targets++;
      if (!result.met) missed.push(`${report.module}: ${result.name}`);
      lines.push(`${result.name}: ${figure(result.figure, result.unit)}`);
      const width = Math.max(...Object.keys(result.comparisons).map((name) => name.length));
      for (const [baseline, value] of Object.entries(result.comparisons)) {
        let line = `    vs ${baseline.padEnd(width)}  ${figure(value, result.unit).padStart(12)}  ${result.ratios[baseline].toFixed(2)}x`;
        if (baseline === result.target?.baseline) {
          line += `  target >= ${result.target!.ratio}x  ${result.met ? 'MET' : 'NOT MET'}`;
        }
        lines.push(line);
      }
      if (result.note) lines.push(`    (${result.note})`);
      if (!result.target) lines.push('    (reported only: no target)');
    }
    lines.push('');
  }
  lines.push(`Targets met: ${targets - missed.length} of ${targets}.`);
  for (const name of missed) lines.push(`  NOT MET: ${name}`);
  return lines.join('\n');
}

const USAGE = `Usage: npm run bench [-- [module...]]

Runs the named bench modules (all by default: ${MODULES.map((m) => m.name).join(', ')}),
each part in a fresh process, prints every figure with its ratios and targets, and
writes reports/bench.json. A missed target is reported, not an exit failure.`;

function moduleNamed(name: string): BenchModule {
  const found = MODULES.find((m) => m.name === name);
  if (!found) throw new Error(`unknown bench module: ${name}; known: ${MODULES.map((m) => m.name).join(', ')}`);
  return found;
}

/** Runs one part in a child process (this file with --part) and resolves with the results it sends back. */
function runPartInChild(module: BenchModule, index: number): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--part', `${module.name}:${index}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let results: BenchResult[] | undefined;
    child.once('message', (message) => { results = message as BenchResult[]; });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (results && code === 0) resolve(results);
      else reject(new Error(`bench part ${module.name} #${index + 1} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** The child's side: measure one part and send its results to the parent. */
async function runPart(spec: string): Promise<void> {
  const [name, index] = spec.split(':');
  const part = moduleNamed(name).parts[Number(index)];
  if (!part) throw new Error(`bench module ${name} has no part ${index}`);
  const results = await part();
  await new Promise<void>((resolve, reject) => process.send!(results, (err: Error | null) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, part: { type: 'string' } },
  });
  if (values.help) return void console.log(USAGE);
  if (values.part) return runPart(values.part);
  const selected = positionals.length === 0 ? MODULES : positionals.map(moduleNamed);
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
  };
  console.log(`wireproof bench: node ${environment.node}, ${environment.platform}, ${environment.cpu}\n`);
  const reports: ModuleReport[] = [];
  for (const benchModule of selected) {
    const started = process.hrtime.bigint();
    const results: BenchResult[] = [];
    for (let index = 0; index < benchModule.parts.length; index++) {
      console.log(`${benchModule.name}: part ${index + 1} of ${benchModule.parts.length}...`);
      results.push(...(await runPartInChild(benchModule, index)));
    }
    reports.push({ module: benchModule.name, seconds: Number(process.hrtime.bigint() - started) / 1e9, results });
  }
  console.log('\n' + formatReport(reports));
  mkdirSync(path.dirname(REPORT_PATH), { recursive: true });
  writeFileSync(REPORT_PATH, JSON.stringify({ ...environment, modules: reports }, null, 2) + '\n');
  console.log(`\nWrote ${path.relative(process.cwd(), REPORT_PATH)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
