/**
 * What the `conform --client` tests share (test/conform/client*.test.ts): the Python that runs
 * the fixtures and examples, and a client run through conformProtocol in this process, which
 * is what `wireproof conform --client` runs, without a CLI start each. The runs of one process
 * are sequential: the session is one per process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, verdictOf } from './run-cli';
import { conformProtocol } from '../../src/conform/run';
import { loadSrs } from '../../src/conform/srs';
import { buildReport } from '../../src/report/build';
import type { Report } from '../../src/report/types';

/** The interpreter itself, not a version manager's shim: a client process starts per case. */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || 'python3';
export const python = (file: string, ...args: string[]) => [PYTHON, path.join(ROOT, file), '{host}', '{port}', ...args].join(' ');
/** The ports a fixture is told beyond {port}: cobra's control port (rpc's daemon port the client learns from the lookup only). */
const MORE_PORTS: Record<string, string[]> = { cobra: ['{port2}'] };
/** The independent client of test/fixtures for a protocol, broken in one way or not. */
export const fixture = (protocol: string, broken?: string) =>
  python(`test/fixtures/${protocol}_client.py`, ...(MORE_PORTS[protocol] ?? []), ...(broken ? ['--break', broken] : []));

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

/**
 * One test per break of test/fixtures/<protocol>_client.py: [its name, the number of the
 * requirement it breaks, the scenario that shows it]. The client so broken must exit 1 with
 * that requirement FAIL; the one scenario keeps CI short (the conforming runs take every case).
 */
export function breakTests(protocol: string, breaks: [string, number, string][]): void {
  for (const [broken, n, scenario] of breaks) {
    const id = `SRS-${protocol.toUpperCase()}-${n}`;
    test(`${protocol}_client.py --break ${broken} exits 1 with ${id} FAIL`, async () => {
      const report = await conformClient(protocol, fixture(protocol, broken), { req: [id], cases: [scenario] });
      assert.equal(report.exitCode, 1, failures(report));
      assert.equal(verdictOf(report, id), 'FAIL');
    });
  }
}
