/** Steps of the cobra features beyond the raw wire steps: control client, programs, reference server, client and CLI. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { lineParse } from '../conform/driver';
import { NonConformance, Unsupported } from '../conform/errors';
import { CobraControl, controlEndpoint, MAX_STEPS, expectOk, expectRefused, readFileReply, sendPath } from '../conform/cobra/control';
import { freeTrace, outsideOf, plainRun, opcodeMap, PROGRAMS_DIR, stdlibModule, stepKey } from '../conform/cobra/programs';
import { TimeoutError } from '../impl/common/errors';
import { listenTcp } from '../impl/common/net';
import { CobraClient } from '../impl/cobra/client';
import { DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT, EndStatus } from '../impl/cobra/protocol';
import { CobraServer, startCobraServer } from '../impl/cobra/server';
import { runCobraTui } from '../impl/cobra/tui';
import { resolveServeOptions } from '../cli/serve';
import type { WireWorld } from './world';

/** What the cobra scenarios keep beside the raw clients. */
interface CobraWorld extends WireWorld {
  control?: CobraControl;
  /** The absolute path the server reported for the latest program it accepted. */
  program?: string;
  reference?: CobraServer;
  refClient?: CobraClient;
  failure?: Error;
  /** Set by the CLI steps (src/steps/cli.ts): what `wireproof ...` printed. */
  command?: { child: ChildProcess; output: () => string };
  /** What the terminal client drew, escape sequences removed. */
  screen?: string;
}

function control(world: CobraWorld): CobraControl {
  if (!world.control) throw new Error('no cobra control client in this scenario');
  return world.control;
}

/** The suite's programs as the target sees them: its root when the suite owns it, else the shipped directory. */
const programFile = (world: CobraWorld, name: string) => path.join(world.root ?? PROGRAMS_DIR, name);

function needsOwnedRoot(world: CobraWorld, why: string): string {
  if (world.root === undefined) {
    throw new Unsupported(`${why} needs the suite to own the server's root (the embedded server, or --spawn with {root}); not run against --target`);
  }
  return world.root;
}

/** Placeholders in a path: {outside} the directory beside the root, {root} the root, {stdlib} os.py of this machine's python3. */
async function expandPath(world: CobraWorld, text: string): Promise<Buffer> {
  let expanded = text.replaceAll('{outside}', outsideOf(world.root)).replaceAll('{root}', world.root ?? PROGRAMS_DIR);
  if (expanded.includes('{stdlib}')) expanded = expanded.replaceAll('{stdlib}', await stdlibModule());
  return unescapeBytes(expanded);
}

// ---- connections -----------------------------------------------------------------------------

Given('a cobra control client {word} is attached', async function (this: CobraWorld, name: string) {
  const attached = await CobraControl.attach(this.endpoint, this.trace, this.timeoutMs, this.caseName);
  this.clients.get(name)?.destroy();
  this.clients.set(name, attached.driver);
  this.control = attached;
  this.finishers.push(() => attached.finish());
});

Given('client {word} is connected to the cobra control port', async function (this: CobraWorld, name: string) {
  await this.connect(name, controlEndpoint(this.endpoint));
});

Given('the cobra server\'s root holds the symlinks of the suite', function (this: CobraWorld) {
  needsOwnedRoot(this, 'a symlink case');
});

// ---- the file port ---------------------------------------------------------------------------

When('client {word} sends the cobra path {string}', async function (this: CobraWorld, name: string, text: string) {
  await this.client(name).write(Buffer.concat([await expandPath(this, text), Buffer.from('\n')]));
});

When('client {word} sends the cobra path {string} in {int}-byte writes', async function (this: CobraWorld, name: string, text: string, size: number) {
  await this.client(name).write(Buffer.concat([await expandPath(this, text), Buffer.from('\n')]), { pieceSize: size });
});

Then('client {word} receives a cobra JSON line', async function (this: CobraWorld, name: string) {
  const line = await this.client(name).read(lineParse, this.timeoutMs, 'a JSON line');
  try {
    assert.equal(typeof JSON.parse(line.toString('utf8')), 'object');
  } catch (err) {
    throw new NonConformance(`expected a JSON object line, received "${escapeBytes(line.subarray(0, 200))}": ${(err as Error).message}`);
  }
});

Then('client {word} receives a cobra ok answer for {string}', async function (this: CobraWorld, name: string, program: string) {
  const reply = await readFileReply(this.client(name), this.timeoutMs, `the answer to "${program}"`);
  this.program = expectOk(reply, program, this.root);
});

Then('client {word} receives a cobra error answer', async function (this: CobraWorld, name: string) {
  expectRefused(await readFileReply(this.client(name), this.timeoutMs, 'an {"error"} answer'), 'the path');
});

When('client {word} loads the cobra program {string}', async function (this: CobraWorld, name: string, program: string) {
  this.program = expectOk(await sendPath(this.client(name), Buffer.from(program), this.timeoutMs), program, this.root);
  const first = await control(this).status(`the first status of ${program}`);
  if (first.state !== 'STANDBY') throw new NonConformance(`${program} did not stop before its first instruction: ${JSON.stringify(first)}`);
});

Then('the cobra control client receives the first status of the program', async function (this: CobraWorld) {
  const first = await control(this).status('the first status of the program');
  if (first.state !== 'STANDBY') throw new NonConformance(`the program did not stop before its first instruction: ${JSON.stringify(first)}`);
  if (first.file !== this.program) throw new NonConformance(`STANDBY names the file ${JSON.stringify(first.file)}, the server accepted ${this.program}`);
});

Then('no cobra program runs', async function (this: CobraWorld) {
  const c = control(this);
  await c.driver.write(Buffer.from('next\n'));
  const reply = await c.reply('the {"error"} answer to next with no program');
  if ('state' in reply) throw new NonConformance(`a program started: the control client received ${JSON.stringify(reply)}`);
});

// ---- the control port ------------------------------------------------------------------------

When('the cobra control client steps the program to its end', async function (this: CobraWorld) {
  await control(this).stepToEnd();
});

When('the cobra control client steps the program {int} times', async function (this: CobraWorld, times: number) {
  for (let i = 0; i < times; i++) {
    const status = await control(this).next();
    if (status.state !== 'STANDBY') throw new NonConformance(`the program ended after ${i + 1} steps: ${JSON.stringify(status)}`);
  }
});

When('the cobra control client steps the program until it has printed', async function (this: CobraWorld) {
  const c = control(this);
  for (let steps = 0; c.output.length === 0; steps++) {
    if (steps >= MAX_STEPS || !c.stopped) throw new NonConformance(`no output after ${steps} steps`);
    await c.next();
  }
});

Then('the cobra control client receives an error reply', async function (this: CobraWorld) {
  await control(this).errorReply('an {"error"} reply');
});

Then('the cobra control client receives the replies {string}', async function (this: CobraWorld, kinds: string) {
  for (const kind of kinds.split(',')) {
    const reply = await control(this).reply(`a reply of kind ${kind}`);
    const got = 'state' in reply ? reply.state : 'error';
    if (got !== kind) throw new NonConformance(`expected the replies ${kinds}, received ${got} where ${kind} was due: ${JSON.stringify(reply)}`);
  }
});

// ---- what the program did ----------------------------------------------------------------------

Then('the cobra steps are those of an untouched run of {string}', async function (this: CobraWorld, program: string) {
  const c = control(this);
  const { trace: expected } = await freeTrace(programFile(this, program));
  const stepped = c.statuses.map(stepKey);
  assert.deepEqual(stepped, expected, `stepped instructions (offset opname) of ${program} differ from the reference tracer's untouched run`);
  const elsewhere = c.statuses.find((s) => s.file !== this.program);
  if (elsewhere) throw new NonConformance(`a status names ${JSON.stringify(elsewhere.file)}, not the program ${this.program}`);
});

Then('the cobra output is that of a plain python3 run of {string}', async function (this: CobraWorld, program: string) {
  const plain = await plainRun(programFile(this, program));
  assert.equal(control(this).text('stdout'), plain.stdout, 'stdout output events');
  assert.equal(control(this).text('stderr'), plain.stderr, 'stderr output events');
});

Then('the first cobra status is {word} with arg {int} and argrepr {string} at line {int}',
  async function (this: CobraWorld, opname: string, arg: number, argrepr: string, line: number) {
    const first = control(this).statuses[0];
    const want = { opname, opcode: (await opcodeMap())[opname], arg, argrepr, line };
    const got = { opname: first.opname, opcode: first.opcode, arg: first.arg, argrepr: first.argrepr, line: first.line };
    assert.deepEqual(got, want, 'the first instruction of the program');
  });

Then('every cobra STANDBY has the opcode of its opname', async function (this: CobraWorld) {
  const opmap = await opcodeMap();
  const wrong = control(this).statuses.find((s) => opmap[s.opname] !== s.opcode);
  if (wrong) throw new NonConformance(`${wrong.opname} has opcode ${opmap[wrong.opname]}, the status says ${wrong.opcode}`);
});

function expectEnd(world: CobraWorld, accept: (end: EndStatus) => boolean, want: string): void {
  const end = control(world).end;
  if (!end || !accept(end)) throw new NonConformance(`expected the program to end with ${want}, it ended with ${JSON.stringify(end)}`);
}

Then('the cobra program ends with FINISHED and exit code {int}', function (this: CobraWorld, code: number) {
  expectEnd(this, (e) => e.state === 'FINISHED' && e.exitCode === code, `{"state":"FINISHED","exitCode":${code}}`);
});

Then('the cobra program ends with ERROR', function (this: CobraWorld) {
  expectEnd(this, (e) => e.state === 'ERROR', '{"state":"ERROR","error":TEXT}');
});

Then('the cobra program ends with FINISHED and a non-zero exit code, or with ERROR', function (this: CobraWorld) {
  expectEnd(this, (e) => e.state === 'ERROR' || e.exitCode !== 0, 'FINISHED with a non-zero exit code, or ERROR');
});

Then('each cobra output event arrives right after the status of the call that wrote it', function (this: CobraWorld) {
  const { arrivals } = control(this);
  arrivals.forEach((item, i) => {
    if (!('event' in item)) return;
    const before = arrivals.slice(0, i).reverse().find((a) => 'state' in a);
    if (!before || !('opname' in before) || !before.opname.startsWith('CALL')) {
      throw new NonConformance(`the output ${JSON.stringify(item.text)} arrived after ${JSON.stringify(before)}, not right after the call that wrote it`);
    }
  });
});

// ---- close ----------------------------------------------------------------------------------------

Then('the cobra control port stops accepting connections', async function (this: CobraWorld) {
  const { host, port } = controlEndpoint(this.endpoint);
  const deadline = Date.now() + this.timeoutMs;
  while (await accepts(host, port)) {
    if (Date.now() > deadline) throw new NonConformance(`the control port still accepts connections ${this.timeoutMs} ms after close`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // a closed listener gives a client no event: poll
  }
});

/** Only a server the suite started (it owns its root) runs on this machine: another one's pid names nothing here. */
Then('the cobra program\'s process is gone, where the suite started the server', async function (this: CobraWorld) {
  if (this.root === undefined) return;
  const pid = Number(control(this).text('stdout').trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `the program printed its pid: ${control(this).text('stdout')}`);
  const deadline = Date.now() + this.timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new NonConformance(`the program (pid ${pid}) still runs ${this.timeoutMs} ms after close`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // no event tells another process's end
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// ---- the reference server, client and CLI --------------------------------------------------------

Given('a reference cobra server on ephemeral ports', async function (this: CobraWorld) {
  const server = await startCobraServer({ root: PROGRAMS_DIR, filePort: 0, controlPort: 0 });
  this.reference = server;
  this.cleanups.push(() => server.close());
});

Given('a reference cobra server on {string} and ephemeral ports', async function (this: CobraWorld, host: string) {
  const server = await startCobraServer({ root: PROGRAMS_DIR, host, filePort: 0, controlPort: 0 });
  this.reference = server;
  this.cleanups.push(() => server.close());
});

Then('the reference cobra server is bound to {string} on both ports', async function (this: CobraWorld, host: string) {
  const server = this.reference!;
  assert.equal(server.host, host);
  for (const port of [server.filePort, server.controlPort]) {
    assert.ok(port > 0 && (await accepts(host, port)), `${host}:${port} accepts connections`);
  }
  assert.notEqual(server.filePort, server.controlPort);
});

Then('the reference cobra server\'s root is its working directory by default', async function (this: CobraWorld) {
  const server = await startCobraServer({ filePort: 0, controlPort: 0 });
  try {
    assert.equal(server.root, await fs.realpath(process.cwd()));
  } finally {
    await server.close();
  }
});

Then('`wireproof serve cobra` without ports would listen on file port {int} and control port {int}',
  function (this: CobraWorld, filePort: number, controlPort: number) {
    assert.equal(resolveServeOptions('cobra', {}).port, filePort);
    assert.deepEqual([DEFAULT_FILE_PORT, DEFAULT_CONTROL_PORT], [filePort, controlPort]);
  });

When('client {word} connects to the cobra control port it printed', async function (this: CobraWorld, name: string) {
  const { child, output } = this.command!;
  const printed = () => /cobra control port listening on (\S+):(\d+)/.exec(output());
  // The file port's line came first (the CLI step waited for it); this one may still be on its way.
  const m = printed() ?? await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new NonConformance(`no "cobra control port listening on HOST:PORT" line: ${output()}`)), this.timeoutMs);
    child.stdout!.on('data', () => {
      const found = printed();
      if (found) { clearTimeout(timer); resolve(found); }
    });
  });
  await this.connect(name, { host: m[1], port: Number(m[2]) });
});

Given('a reference cobra client connected to it', async function (this: CobraWorld) {
  const server = this.reference!;
  const client = await CobraClient.connect({ filePort: server.filePort, controlPort: server.controlPort, timeoutMs: this.timeoutMs });
  this.cleanups.push(() => client.disconnect());
  this.refClient = client;
});

When('the reference cobra client loads {string}, steps it to its end and closes the server', async function (this: CobraWorld, program: string) {
  const client = this.refClient!;
  let status = await client.load(program);
  assert.equal(status.state, 'STANDBY');
  let steps = 0;
  while (status.state === 'STANDBY') {
    status = await client.next();
    steps++;
  }
  assert.deepEqual(status, { state: 'FINISHED', exitCode: 0 });
  assert.ok(steps > 0);
  await client.close();
  await this.reference!.closed;
});

When('a reference cobra client waits for a status from a server that never answers, with a timeout of {int} ms',
  async function (this: CobraWorld, ms: number) {
    const silent = await listenTcp((socket) => socket.resume());
    this.cleanups.push(() => silent.close());
    const client = await CobraClient.connect({ filePort: silent.port, controlPort: silent.port, timeoutMs: ms });
    this.cleanups.push(() => client.disconnect());
    const started = Date.now();
    try {
      await client.load('assign.py');
    } catch (err) {
      this.failure = err as Error;
    }
    assert.ok(Date.now() - started < ms + this.timeoutMs, 'the timeout was kept');
  });

Then('the reference cobra client call fails with a TimeoutError', function (this: CobraWorld) {
  assert.ok(this.failure instanceof TimeoutError, `failed with ${this.failure?.name}: ${this.failure?.message}`);
});

When('the cobra terminal client runs {string} with the keys {string}', async function (this: CobraWorld, program: string, keys: string) {
  const server = this.reference!;
  const input = new PassThrough();
  let screen = '';
  const output = new Writable({ write(chunk, _encoding, done) { screen += chunk.toString(); done(); } });
  const exitCode = runCobraTui({
    file: path.join(PROGRAMS_DIR, program), filePort: server.filePort, controlPort: server.controlPort, timeoutMs: this.timeoutMs, input, output,
  });
  input.end(unescapeBytes(keys));
  assert.equal(await exitCode, 0, `the terminal client's exit code; its screen: ${screen.slice(-500)}`);
  this.screen = screen.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
});

Then('the cobra terminal client showed {string}', function (this: CobraWorld, text: string) {
  assert.ok(this.screen!.includes(text), `the screen shows "${text}": ${this.screen!.slice(-800)}`);
});

Then('the reference cobra server has stopped', async function (this: CobraWorld) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new NonConformance('the server did not stop')), this.timeoutMs); });
  await Promise.race([this.reference!.closed, timeout]).finally(() => clearTimeout(timer));
});
