/**
 * What the client-run tests share (test/conform/client*.test.ts): the Python clients as
 * `--client` commands, one client run in this process as `wireproof conform --client` runs
 * it, and its verdicts. In-process runs go one at a time (the session is one per process).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './run-cli';
import { conformProtocol } from '../../src/conform/run';
import { protocolPlugin } from '../../src/conform/protocols';
import { loadSrs } from '../../src/conform/srs';
import { buildReport } from '../../src/report/build';
import type { Report } from '../../src/report/types';

/** The interpreter itself, not a version manager's shim: a client process starts per case. */
export const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || 'python3';

/** A Python client of this checkout as a --client command: `FILE {host} {port}`, then `args` ({port2} where a protocol has two). */
export const python = (file: string, ...args: string[]) => [PYTHON, path.join(ROOT, file), '{host}', '{port}', ...args].join(' ');

/** The independent client of test/fixtures for a protocol (given {port2} where it has two), broken in one way or not. */
export const fixture = (protocol: string, broken?: string) =>
  python(`test/fixtures/${protocol}_client.py`, ...(protocolPlugin(protocol).client?.ports === 2 ? ['{port2}'] : []), ...(broken ? ['--break', broken] : []));

/** Runs per client property here: the CI budget (a process each); users get each property's own. */
export const RUNS = 3;
const srs = loadSrs();

/** One client run, as `wireproof conform --client` runs it; its report (with the exit code the CLI would give). */
export async function conformClient(protocol: string, client: string, select: { req?: string[]; cases?: string[]; seed?: number } = {}): Promise<Report> {
  const started = new Date();
  const part = await conformProtocol(srs, {
    protocol, client, req: select.req, cases: select.cases, seed: select.seed ?? 1, runs: RUNS, timeoutScale: 1,
    replayBase: `npx wireproof conform --protocol ${protocol} --client '${client}'`, log: () => undefined,
  });
  return buildReport([part], { seed: 1, started, strict: false });
}

export const verdicts = (report: Report) => Object.fromEntries(report.requirements.map((r) => [r.id, r.verdict]));
export const numbered = (protocol: string, numbers: number[]) => numbers.map((n) => `SRS-${protocol.toUpperCase()}-${n}`);
export const failures = (report: Report) => report.requirements.flatMap((r) => r.cases.filter((c) => c.verdict !== 'PASS').map((c) => `${r.id} ${c.name}: ${c.message}`)).join('\n');

export function assertAllPass(report: Report, ids: string[]): void {
  assert.equal(report.exitCode, 0, failures(report));
  assert.deepEqual(verdicts(report), Object.fromEntries(ids.map((id) => [id, 'PASS'])));
}
