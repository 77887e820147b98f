/**
 * wireproof as another project installs it: `npm pack`, the tarball installed into an empty
 * directory with nothing of this repository around it (no TypeScript, no sources), and there
 * `npx wireproof conform`, `serve`, `client` and `list`, as a user would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Report } from '../../src/report/types';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs a command; resolves with its exit code and output (a non-zero exit is not an error here). */
async function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(err) };
  }
}

/** One request line to a oneline server and the line it answers. */
async function ask(port: number, line: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    socket.write(`${line}\n`);
    let received = '';
    for await (const chunk of socket) {
      received += chunk;
      if (received.includes('\n')) return received.slice(0, received.indexOf('\n'));
    }
    return received;
  } finally {
    socket.destroy();
  }
}

test('the packed tarball installs into an empty directory and runs conform, serve, client and list without TypeScript', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-pack-'));
  t.after(() => fs.rmSync(work, { recursive: true, force: true }));

  // The tarball carries dist/ as built (npm test builds it first); --if-stale leaves a fresh one alone.
  const build = await run(process.execPath, [path.join(ROOT, 'build.js'), '--if-stale'], ROOT);
  assert.equal(build.code, 0, build.stderr);
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  assert.equal(pack.code, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed.files.map((f) => f.path);
  for (const needed of ['bin/wireproof.js', 'dist/cli/main.js', 'dist/steps/oneline.js', 'dist/conform/srs-schema.js', 'dist/impl/cobra/tracer.py',
    'dist/impl/rpc/pyro4/echo_server.py', 'srs.json', 'srs.schema.json', 'features/oneline/commands.feature', 'features/http/root/hello.txt',
    'features/cobra/programs/hello.py', 'README.md']) {
    assert.ok(files.includes(needed), `${needed} is not in the package`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|bench)\/|\.ts$/.test(f)), [], 'no sources, tests or TypeScript in the package');

  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'someone-elses-server', private: true }));
  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, packed.filename)], project);
  assert.equal(install.code, 0, install.stderr);
  for (const absent of ['typescript', 'ts-node']) assert.ok(!fs.existsSync(path.join(project, 'node_modules', absent)), `${absent} was installed`);

  // conform against an independent server, spawned from the project's own folder.
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'oneline_server.py'), path.join(project, 'oneline_server.py'));
  const conform = await run('npx', ['--no', 'wireproof', 'conform', '--protocol', 'oneline', '--spawn', 'python3 oneline_server.py --port {port}',
    '--timeout-scale', '2'], project);
  assert.equal(conform.code, 0, conform.stdout + conform.stderr);
  for (const file of ['report.json', 'report.html', 'report.md', 'junit.xml']) assert.ok(fs.existsSync(path.join(project, 'reports', file)), `reports/${file}`);
  const report = JSON.parse(fs.readFileSync(path.join(project, 'reports', 'report.json'), 'utf8')) as Report;
  assert.ok(report.requirements.length > 15 && report.requirements.every((r) => r.verdict === 'PASS' || r.verdict === 'INFO'));
  assert.equal(report.suite.commit, 'unknown', 'an installed package names no commit (the project around it is not wireproof)');

  // serve on an ephemeral port, ping it, the reference client against it, then stop it.
  const server = spawn(path.join(project, 'node_modules', '.bin', 'wireproof'), ['serve', 'oneline', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (server.exitCode === null) server.kill('SIGKILL'); });
  let output = '';
  server.stderr!.on('data', (chunk) => { output += chunk; });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on('data', (chunk) => {
      output += chunk;
      const m = /listening on [\d.]+:(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${output}`)));
  });
  assert.equal(await ask(port, 'ping'), 'pong');
  const client = await run('npx', ['--no', 'wireproof', 'client', 'oneline', '--port', String(port), 'ping'], project);
  assert.equal(client.code, 0, client.stderr);
  assert.equal(client.stdout.trim(), 'pong');
  server.kill('SIGINT');
  const [code] = await once(server, 'exit');
  assert.equal(code, 0, output);

  // Through a pipe, whole: over 200 KB, where a process.exit() before the pipe drained cut it at 64 KiB.
  const list = await run('npx', ['--no', 'wireproof', 'list'], project);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /scenario: commands: /);
  const { requirements } = JSON.parse(fs.readFileSync(path.join(ROOT, 'srs.json'), 'utf8')) as { requirements: { id: string }[] };
  const listed = list.stdout.split('\n').filter((line) => /^SRS-/.test(line)).map((line) => line.split(' ')[0]);
  assert.deepEqual(listed.sort(), requirements.map((r) => r.id).sort());
});
