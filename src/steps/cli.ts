/** Steps that run the `wireproof` command itself, as a user would. */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { PROJECT_ROOT } from '../conform/srs';
import { NonConformance } from '../conform/errors';
import type { WireWorld } from './world';

interface CliWorld extends WireWorld {
  command?: { child: ChildProcess; host: string; port: number; output: () => string };
}

const BIN = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');

Given('`wireproof {}` is running', async function (this: CliWorld, args: string) {
  await startCommand(this, args.split(/\s+/));
});

/** Starts `wireproof ARGS...` and waits for its "listening on HOST:PORT" line (the port it got). */
export async function startCommand(world: WireWorld, args: string[]): Promise<{ host: string; port: number }> {
  const self = world as CliWorld;
  // In the suite's folder: a path in a scenario's command names the suite's own files (features/...), wherever it is installed.
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  self.cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  // The command says where it listens on its first lines; wait for that, not for a time.
  const address = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on HOST:PORT" line: ${output}`)), 20_000);
    const look = () => {
      const m = /listening on (\S+):(\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before listening: ${output}`)); });
  });
  self.command = { child, host: address[1], port: Number(address[2]), output: () => output };
  return self.command;
}

When('client {word} connects to the port it printed', async function (this: CliWorld, name: string) {
  assert.ok(this.command!.port > 0, `printed port ${this.command!.port}`);
  await this.connect(name, { host: this.command!.host, port: this.command!.port });
});

Then('the command exits with code {int}', async function (this: CliWorld, code: number) {
  const { child } = this.command!;
  if (child.exitCode === null) {
    const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs * 2);
    await once(child, 'exit');
    clearTimeout(timer);
  }
  if (child.exitCode !== code) {
    throw new NonConformance(`exited with ${child.exitCode ?? child.signalCode}, expected ${code}; output: ${this.command!.output()}`);
  }
});

When('the command receives {word}', function (this: CliWorld, signal: string) {
  this.command!.child.kill(signal as NodeJS.Signals);
});
