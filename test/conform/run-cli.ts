/** Runs the wireproof CLI as a user would, and reads the report it wrote. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import type { Report, RequirementVerdict } from '../../src/report/types';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'wireproof.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** report.json, when the run wrote one. */
  report?: Report;
}

export function runCli(args: string[], timeoutMs = 180_000): Promise<CliRun> {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-test-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--report-dir', reportDir], { cwd: ROOT, timeout: timeoutMs }, (err, stdout, stderr) => {
      const file = path.join(reportDir, 'report.json');
      const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Report) : undefined;
      fs.rmSync(reportDir, { recursive: true, force: true });
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, report });
    });
  });
}

export function verdictOf(report: Report | undefined, id: string): RequirementVerdict | undefined {
  return report?.requirements.find((r) => r.id === id)?.verdict;
}

/** A spawn command for one of the Python servers in test/fixtures. */
export function pythonServer(file: string, ...args: string[]): string {
  return ['python3', path.join(ROOT, 'test', 'fixtures', file), '--port', '{port}', ...args].join(' ');
}

/** The command in this process (no start-up to pay for usage errors): its exit code and what it printed. */
export async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const printed = { out: '', err: '' };
  const { log, error } = console;
  console.log = (...parts: unknown[]) => { printed.out += `${parts.join(' ')}\n`; };
  console.error = (...parts: unknown[]) => { printed.err += `${parts.join(' ')}\n`; };
  try {
    return { code: await main(args), ...printed };
  } finally {
    Object.assign(console, { log, error });
  }
}
