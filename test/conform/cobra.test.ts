/**
 * The cobra suite against spawned servers: the reference as `wireproof serve cobra` must
 * pass the core profile, and the reference with one rule broken (test/fixtures/cobra_broken.ts)
 * must exit 1 with that rule's requirement FAIL. Against a --target whose root the suite
 * does not own, the cases that need to write into the root are UNSUPPORTED, not failed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ROOT, runCli, verdictOf } from './run-cli';

const PORTS = '--file-port {port} --control-port {port2} --root {root}';
const broken = (name: string) =>
  `TS_NODE_TRANSPILE_ONLY=true ${process.execPath} -r ts-node/register ${path.join(ROOT, 'test', 'fixtures', 'cobra_broken.ts')} ${PORTS} --break ${name}`;

const BREAKS: [string, string][] = [
  ['jail-symlinks', 'SRS-COBRA-005'],
  ['jail-dotdot', 'SRS-COBRA-004'],
  ['next-twice', 'SRS-COBRA-011'],
  ['stdlib-stepped', 'SRS-COBRA-012'],
  ['unknown-closes', 'SRS-COBRA-019'],
  ['close-keeps-listening', 'SRS-COBRA-018'],
];

// Each run mostly waits on its servers: run them side by side.
describe('the cobra suite against spawned servers and a --target', { concurrency: 4 }, () => {
  test('the reference cobra server, spawned with a root the suite owns, passes the core profile', async () => {
    const run = await runCli(['conform', '--protocol', 'cobra', '--spawn', `${process.execPath} ${path.join(ROOT, 'bin', 'wireproof.js')} serve cobra ${PORTS}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const { report } = run;
    assert.ok(report && report.requirements.length >= 25, `${report?.requirements.length} requirements`);
    for (const r of report.requirements) assert.equal(r.verdict, 'PASS', `${r.id}: ${JSON.stringify(r.cases.find((c) => c.verdict !== 'PASS'))}`);
  });

  test('against a --target the suite cannot write into, symlinks and generated programs are UNSUPPORTED and the rest passes', async () => {
    const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'wireproof.js'), 'serve', 'cobra', '--file-port', '0', '--control-port', '0',
      '--root', path.join(ROOT, 'features', 'cobra', 'programs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let printed = '';
      const ports = await new Promise<string>((resolve, reject) => {
        server.stdout!.on('data', (chunk) => {
          printed += chunk;
          const file = /cobra file port listening on [^:]+:(\d+)/.exec(printed);
          const control = /cobra control port listening on [^:]+:(\d+)/.exec(printed);
          if (file && control) resolve(`${file[1]},${control[1]}`);
        });
        server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${printed}`)));
      });
      const run = await runCli(['conform', '--protocol', 'cobra', '--target', `127.0.0.1:${ports}`, '--req', 'SRS-COBRA-004', '--req', 'SRS-COBRA-005', '--req', 'SRS-COBRA-028']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, 'SRS-COBRA-004'), 'PASS');
      assert.equal(verdictOf(run.report, 'SRS-COBRA-005'), 'UNSUPPORTED');
      assert.equal(verdictOf(run.report, 'SRS-COBRA-028'), 'UNSUPPORTED');
    } finally {
      server.kill();
      if (server.exitCode === null) await once(server, 'exit');
    }
  });

  for (const [name, id] of BREAKS) {
    test(`a server that breaks "${name}" exits 1 with ${id} FAIL`, async () => {
      const run = await runCli(['conform', '--protocol', 'cobra', '--spawn', broken(name), '--req', id]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(verdictOf(run.report, id), 'FAIL', run.stdout);
    });
  }
});
