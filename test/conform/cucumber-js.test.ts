/**
 * The features under cucumber-js alone (cucumber.js): a profile per protocol, the target from
 * the environment through the same session as `wireproof conform`, verdicts in cucumber's terms
 * and cucumber's own formatters. Each run's results are read from cucumber's message stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { CLIENT_TARGET, listScenarios } from '../../src/conform/cucumber';

const ROOT = path.resolve(__dirname, '..', '..');
/** What `npx cucumber-js` runs. */
const CUCUMBER = path.join(ROOT, 'node_modules', '.bin', 'cucumber-js');

interface Scenario { uri: string; name: string; tags: string[]; status: string; messages: string[] }
interface CucumberRun { code: number; output: string; scenarios: Scenario[]; dir: string }

/** `npx cucumber-js ARGS` in the project, with a message formatter to read what ran and how it ended. */
function cucumber(t: { after(fn: () => void): void }, args: string[], env: Record<string, string> = {}): Promise<CucumberRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-cucumber-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const messages = path.join(dir, 'messages.ndjson');
  return new Promise((resolve) => {
    execFile(process.execPath, [CUCUMBER, ...args, '--format', `message:${messages}`], {
      cwd: ROOT, env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, output: stdout + stderr, scenarios: fs.existsSync(messages) ? scenarios(messages) : [], dir });
    });
  });
}

const RANK = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/** Every scenario that started, with its worst step status and the messages of its failed steps and text attachments. */
function scenarios(file: string): Scenario[] {
  const pickles = new Map<string, { uri: string; name: string; tags: string[] }>();
  const testCases = new Map<string, string>();
  const started = new Map<string, Scenario>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const m = JSON.parse(line) as Envelope;
    if (m.pickle) pickles.set(m.pickle.id, { uri: m.pickle.uri, name: m.pickle.name, tags: m.pickle.tags.map((t) => t.name) });
    if (m.testCase) testCases.set(m.testCase.id, m.testCase.pickleId);
    if (m.testCaseStarted) started.set(m.testCaseStarted.id, { ...pickles.get(testCases.get(m.testCaseStarted.testCaseId)!)!, status: 'PASSED', messages: [] });
    if (m.testStepFinished) {
      const scenario = started.get(m.testStepFinished.testCaseStartedId)!;
      const { status, message } = m.testStepFinished.testStepResult;
      if (RANK.indexOf(status) > RANK.indexOf(scenario.status)) scenario.status = status;
      if (message) scenario.messages.push(message);
    }
    if (m.attachment?.testCaseStartedId && m.attachment.mediaType === 'text/plain') started.get(m.attachment.testCaseStartedId)!.messages.push(m.attachment.body);
  }
  return [...started.values()];
}

/** The Python oneline fixture on a free port, one rule broken; resolves with its HOST:PORT once it listens. */
async function fixtureServer(t: { after(fn: () => void): void }, broken: string): Promise<string> {
  const server = spawn('python3', [path.join(ROOT, 'test', 'fixtures', 'oneline_server.py'), '--port', '0', '--break', broken], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (server.exitCode === null) server.kill('SIGKILL'); });
  let output = '';
  return new Promise((resolve, reject) => {
    // Read on to the end: a pipe closed early would make the server's next write fail.
    server.stdout!.on('data', (chunk) => {
      output += chunk;
      const m = /listening on (\S+)\n/.exec(output);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before listening: ${output}`)));
  });
}

test('npx cucumber-js -p oneline runs every oneline scenario against the embedded server, and no other protocol\'s', async (t) => {
  const run = await cucumber(t, ['-p', 'oneline']);
  assert.equal(run.code, 0, run.output);
  // All but the client cases, which only `conform --client` runs.
  assert.equal(run.scenarios.length, (await listScenarios('oneline')).filter((s) => !s.tags.includes(CLIENT_TARGET)).length);
  for (const s of run.scenarios) {
    assert.match(s.uri, /^features\/oneline\//);
    assert.equal(s.status, 'PASSED', `${s.name}: ${s.messages.join('\n')}`);
  }
  assert.doesNotMatch(run.output, /paths in both your configuration file and as CLI arguments/);
});

test('WIREPROOF_TARGET at a server that breaks one rule: exit 1, the failing scenarios named with their wire trace in cucumber\'s JUnit and HTML', async (t) => {
  const target = await fixtureServer(t, 'utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-formats-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = await cucumber(t, ['-p', 'oneline', '--format', 'summary', '--format', `junit:${dir}/junit.xml`, '--format', `html:${dir}/cucumber.html`],
    { WIREPROOF_TARGET: target });
  assert.equal(run.code, 1, run.output);
  const failed = run.scenarios.filter((s) => s.status !== 'PASSED' && s.status !== 'SKIPPED');
  assert.ok(failed.length > 0);
  for (const s of failed) {
    assert.ok(s.tags.includes('@SRS-ONELINE-007'), `only SRS-ONELINE-007 is broken, yet ${s.name} is ${s.status}: ${s.messages.join('\n')}`);
    assert.equal(s.status, 'FAILED');
    assert.match(s.messages.join('\n'), /wire trace \(\d+ events\):[\s\S]* TX /);
    assert.ok(run.output.includes(s.name), `the summary names ${s.name}`);
  }
  // The core profile, as conform against a target: app scenarios skipped, the shutdown scenario last (it stops the target).
  assert.ok(run.scenarios.some((s) => s.status === 'SKIPPED'));
  const last = run.scenarios[run.scenarios.length - 1];
  assert.ok(last.tags.includes('@stops-server'), `last: ${last.name}`);
  assert.ok(run.scenarios.slice(0, -1).every((s) => !s.tags.includes('@stops-server')));
  const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
  assert.equal((junit.match(/<failure /g) ?? []).length, failed.length);
  assert.match(junit, /wire trace \(\d+ events\)/);
  assert.ok(fs.readFileSync(path.join(dir, 'cucumber.html'), 'utf8').includes(failed[0].name.replace(/[<>&"]/g, '')));
});

test('--tags "@SRS-ONELINE-007" runs exactly the scenarios tagged so, and no scenario of another protocol starts', async (t) => {
  const run = await cucumber(t, ['--tags', '@SRS-ONELINE-007']);
  assert.equal(run.code, 0, run.output);
  const tagged = (await listScenarios('oneline')).filter((s) => s.tags.includes('@SRS-ONELINE-007'));
  assert.ok(tagged.length > 0);
  assert.deepEqual(run.scenarios.map((s) => s.name).sort(), tagged.map((s) => s.scenario).sort());
  assert.ok(run.scenarios.every((s) => s.uri.startsWith('features/oneline/') && s.status === 'PASSED'));
});

test('a broken SHOULD is cucumber\'s pending: the run passes, and fails with --strict, as conform and conform --strict', async (t) => {
  // The same break, every requirement of the scenarios tagged SRS-ONELINE-007 made a SHOULD in a
  // requirements file of the test's own (conform's --srs): a case is NON-STRICT when no MUST it verifies is broken.
  const ids = new Set((await listScenarios('oneline')).filter((s) => s.ids.includes('SRS-ONELINE-007')).flatMap((s) => s.ids));
  const srs = JSON.parse(fs.readFileSync(path.join(ROOT, 'srs.json'), 'utf8'));
  for (const r of srs.requirements) if (ids.has(r.id)) r.level = 'should';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-srs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'srs.json'), JSON.stringify(srs));
  const env = { WIREPROOF_TARGET: await fixtureServer(t, 'utf8'), WIREPROOF_SRS: path.join(dir, 'srs.json') };
  const lenient = await cucumber(t, ['-p', 'oneline', '--tags', '@SRS-ONELINE-007'], env);
  assert.equal(lenient.code, 0, lenient.output);
  assert.ok(lenient.scenarios.length > 0);
  const broken = lenient.scenarios.filter((s) => s.status !== 'PASSED');
  assert.ok(broken.length > 0);
  for (const s of broken) {
    assert.equal(s.status, 'PENDING', s.name);
    assert.match(s.messages.join('\n'), /^NON-STRICT: expected the line "invalid"[\s\S]*wire trace/m);
  }
  const strict = await cucumber(t, ['-p', 'oneline', '--tags', '@SRS-ONELINE-007', '--strict'], env);
  assert.equal(strict.code, 1, strict.output);
  assert.deepEqual(strict.scenarios.map((s) => s.status), lenient.scenarios.map((s) => s.status));
});
