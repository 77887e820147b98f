/**
 * A protocol's step files load only when that protocol runs, and one process can run
 * several protocols one after another (do_ver.ts does): cucumber registers a step while
 * its file is required, and Node requires a file once per process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { listScenarios, stepFiles } from '../../src/conform/cucumber';
import { PROTOCOL_NAMES } from '../../src/conform/protocols';
import { conformProtocol } from '../../src/conform/run';
import { loadSrs } from '../../src/conform/srs';

const names = (files: string[]) => files.map((file) => path.basename(file));

test('a protocol loads the common step files and its own, no other protocol\'s', () => {
  const oneline = names(stepFiles(['oneline']));
  for (const common of ['world.ts', 'hooks.ts', 'wire.ts', 'reference.ts', 'cli.ts']) assert.ok(oneline.includes(common), `${common} in ${oneline}`);
  assert.ok(oneline.includes('oneline.ts'));
  for (const other of ['echo.ts', 'rpc.ts', 'rpc_reference.ts', 'http.ts', 'cobra.ts']) assert.ok(!oneline.includes(other), `${other} in ${oneline}`);
  const rpc = names(stepFiles(['rpc']));
  assert.ok(rpc.includes('rpc.ts') && rpc.includes('rpc_reference.ts') && !rpc.includes('oneline.ts'), String(rpc));
  assert.deepEqual(stepFiles(['oneline', 'rpc']).length, new Set([...stepFiles(['oneline']), ...stepFiles(['rpc'])]).size);
});

test('one process runs oneline, then echo, then oneline again, each with every step defined', async () => {
  const srs = loadSrs();
  const runs = [];
  for (const [protocol, id] of [['oneline', 'SRS-ONELINE-002'], ['echo', 'SRS-ECHO-002'], ['oneline', 'SRS-ONELINE-004']]) {
    // The scenarios alone (no property): each of them must find every one of its steps.
    const scenarios = (await listScenarios(protocol)).filter((s) => s.ids.includes(id));
    const run = await conformProtocol(srs, {
      protocol, profile: 'core', req: [id], cases: scenarios.map((s) => s.name), seed: 1, timeoutScale: 2, replayBase: '', log: () => undefined,
    });
    const cases = run.requirements.flatMap((r) => r.cases);
    assert.ok(cases.length > 0 && cases.every((c) => c.kind === 'scenario'), `${protocol}: ${JSON.stringify(cases)}`);
    for (const c of cases) assert.equal(c.verdict, 'PASS', `${protocol} ${c.name}: ${c.verdict} ${c.message ?? ''}`);
    runs.push(protocol);
  }
  assert.deepEqual(runs, ['oneline', 'echo', 'oneline']);
});

test('the compiled suite lists every scenario from the build\'s index exactly as parsing the features does', async () => {
  // npm run unit builds dist/ first; the compiled module reads dist/conform/scenario-index.json, this one parses.
  const dist = path.resolve(__dirname, '..', '..', 'dist', 'conform');
  assert.ok(fs.existsSync(path.join(dist, 'scenario-index.json')), 'no scenario index in dist/: run npm run build');
  const compiled = require(path.join(dist, 'cucumber.js')) as typeof import('../../src/conform/cucumber');
  for (const protocol of PROTOCOL_NAMES) assert.deepEqual(await compiled.listScenarios(protocol), await listScenarios(protocol), protocol);
});
