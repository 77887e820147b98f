/** Runs the wireproof CLI as a user would, and reads the report it wrote. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Report, RequirementVerdict } from '../../src/report/types';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'wireproof.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** report.json, when the run wrote one. */
  report?: Report;
  /** The size of report.json in bytes, when the run wrote one. */
  reportBytes?: number;
}

export function runCli(args: string[], timeoutMs = 180_000): Promise<CliRun> {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-test-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--report-dir', reportDir], { cwd: ROOT, timeout: timeoutMs }, (err, stdout, stderr) => {
      const file = path.join(reportDir, 'report.json');
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      fs.rmSync(reportDir, { recursive: true, force: true });
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, ...(text === undefined ? {} : { report: JSON.parse(text) as Report, reportBytes: Buffer.byteLength(text) }) });
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
