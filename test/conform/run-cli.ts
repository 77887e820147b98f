/** Runs the wireproof CLI as a user would, and reads the report it wrote. */
import assert from 'node:assert/strict';
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
  /** Every file the run wrote into its report directory, by name (junit.xml, report.md, ...). */
  files: Record<string, string>;
  /** The size of report.json in bytes, when the run wrote one. */
  reportBytes?: number;
  /** The CLI process's peak resident memory in bytes (with `measureRss`). */
  maxRssBytes?: number;
}

/** Preloaded into the CLI with `measureRss`: writes its peak resident memory at exit. */
const MAX_RSS_HOOK = path.join(__dirname, 'max-rss.js');

export function runCli(args: string[], timeoutMs = 180_000, { measureRss = false } = {}): Promise<CliRun> {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-test-'));
  // Beside the report directory, not in it: the run lists every file it wrote there.
  const rssFile = `${reportDir}.rss`;
  const env = measureRss ? { ...process.env, NODE_OPTIONS: `--require ${MAX_RSS_HOOK}`, WIREPROOF_MAX_RSS_FILE: rssFile } : process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--report-dir', reportDir], { cwd: ROOT, timeout: timeoutMs, env }, (err, stdout, stderr) => {
      const file = path.join(reportDir, 'report.json');
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      const written = fs.readdirSync(reportDir, { withFileTypes: true }).filter((entry) => entry.isFile());
      const files = Object.fromEntries(written.map(({ name }) => [name, fs.readFileSync(path.join(reportDir, name), 'utf8')]));
      fs.rmSync(reportDir, { recursive: true, force: true });
      const maxRss = measureRss && fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined;
      fs.rmSync(rssFile, { force: true });
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({
        code, stdout, stderr, files,
        ...(text === undefined ? {} : { report: JSON.parse(text) as Report, reportBytes: Buffer.byteLength(text) }),
        ...(maxRss === undefined ? {} : { maxRssBytes: maxRss }),
      });
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

/** A witness's verdict per requirement, as observed (README, "Witnesses"). */
export type VerdictTable = Record<string, RequirementVerdict>;

/**
 * Holds a run to its pinned verdicts: each requirement of the table has exactly its
 * verdict, and one the table does not name (added since) passes. Every requirement that
 * moved is named at once, with the message of its first case that did not pass, so that
 * a rule change that flips a witness's verdict is a conscious edit of its table.
 */
export function assertVerdicts(run: CliRun, pinned: VerdictTable): void {
  assert.ok(run.report, `no report.json: ${run.stdout}${run.stderr}`);
  const results = new Map(run.report.requirements.map((r) => [r.id, r]));
  const why = (id: string) => results.get(id)?.cases.find((c) => c.verdict !== 'PASS')?.message?.split('\n')[0] ?? '';
  const moved = [
    ...Object.entries(pinned)
      .filter(([id, verdict]) => results.get(id)?.verdict !== verdict)
      .map(([id, verdict]) => `${id}: pinned ${verdict}, now ${results.get(id)?.verdict ?? 'not in the report'} ${why(id)}`),
    ...run.report.requirements
      .filter((r) => !(r.id in pinned) && r.verdict !== 'PASS')
      .map((r) => `${r.id}: not pinned, so PASS expected, now ${r.verdict} ${why(r.id)}`),
  ];
  assert.deepEqual(moved, [], `verdicts that moved:\n${moved.join('\n')}`);
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
