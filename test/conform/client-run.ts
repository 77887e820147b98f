/**
 * One `conform --client` run in the test's own process, as `wireproof conform --client` runs
 * it, and how the client tests judge its report (test/conform/client*.test.ts). The runs of
 * one test process go one at a time: the session is one per process.
 */
import assert from 'node:assert/strict';
import { conformProtocol } from '../../src/conform/run';
import { loadSrs } from '../../src/conform/srs';
import { buildReport } from '../../src/report/build';
import type { Report } from '../../src/report/types';

/** Runs per client property in the tests: the CI budget (a process each); users get each property's own. */
export const RUNS = 3;
const srs = loadSrs();

/** A client run's report (with the exit code the CLI would give). */
export async function conformClient(protocol: string, client: string, select: { req?: string[]; cases?: string[]; seed?: number } = {}): Promise<Report> {
  const started = new Date();
  const part = await conformProtocol(srs, {
    protocol, client, req: select.req, cases: select.cases, seed: select.seed ?? 1, runs: RUNS, timeoutScale: 1,
    replayBase: `npx wireproof conform --protocol ${protocol} --client '${client}'`, log: () => undefined,
  });
  return buildReport([part], { seed: 1, started, strict: false });
}

export const verdicts = (report: Report) => Object.fromEntries(report.requirements.map((r) => [r.id, r.verdict]));

/** Every case that did not pass, with its message: what an assertion shows. */
export const failures = (report: Report) =>
  report.requirements.flatMap((r) => r.cases.filter((c) => c.verdict !== 'PASS').map((c) => `${r.id} ${c.name}: ${c.message}`)).join('\n');

export function assertAllPass(report: Report, ids: string[]): void {
  assert.equal(report.exitCode, 0, failures(report));
  assert.deepEqual(verdicts(report), Object.fromEntries(ids.map((id) => [id, 'PASS'])));
}
