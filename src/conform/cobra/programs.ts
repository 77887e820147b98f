/**
 * The programs the cobra cases run, and what an untouched run of each looks like on
 * this machine: the reference tracer run freely (every instruction it would stop at)
 * and a plain `python3 FILE` run. The target serves PROGRAMS_DIR, or the copy of it
 * the suite makes and owns (prepareCobraRoot).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { TRACER_PATH } from '../../impl/cobra/session';
import { PROJECT_ROOT } from '../srs';
import { SuiteError } from '../errors';

/** The root a --target must serve. */
export const PROGRAMS_DIR = path.join(PROJECT_ROOT, 'features', 'cobra', 'programs');
/** Beside the root: programs a path must never reach (`../outside/escape.py`). */
export const OUTSIDE_DIR = path.join(PROJECT_ROOT, 'features', 'cobra', 'outside');

/** Symlinks the suite puts in a root it owns: name in the root → where it points. */
export const SYMLINKS: Record<string, (outside: string) => string> = {
  'link_out.py': () => '../outside/escape.py', // relative, to a file outside
  'abs_link.py': (outside) => path.join(outside, 'escape.py'), // absolute, to a file outside
  link_dir: () => '../outside', // to a directory outside: link_dir/escape.py
  'chain.py': () => 'link_out.py', // inside, then outside
  'alias.py': () => 'assign.py', // stays inside: followed
};

/**
 * Fills `base` with programs/ (a copy of PROGRAMS_DIR plus SYMLINKS) and outside/ (a copy
 * of OUTSIDE_DIR) and returns the real path of programs/, the root to serve.
 */
export async function prepareCobraRoot(base: string): Promise<string> {
  const root = path.join(base, 'programs');
  const outside = path.join(base, 'outside');
  await fs.cp(PROGRAMS_DIR, root, { recursive: true });
  await fs.cp(OUTSIDE_DIR, outside, { recursive: true });
  for (const [name, target] of Object.entries(SYMLINKS)) await fs.symlink(target(outside), path.join(root, name));
  return fs.realpath(root);
}

/** The outside directory beside a root (the suite's own, or the copy beside an owned root). */
export function outsideOf(root: string | undefined): string {
  return root === undefined ? OUTSIDE_DIR : path.join(path.dirname(root), 'outside');
}

export interface PlainRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** What the process wrote on fd 3: the free-running tracer's report. */
  channel: string;
}

/** Runs python3 with `args` in `cwd` to its end, stdin closed (as the server runs programs). */
export function runPython(args: string[], cwd: string, timeoutMs = 20_000): Promise<PlainRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const collected: Buffer[][] = [[], [], []];
    [1, 2, 3].forEach((fd, i) => child.stdio[fd]!.on('data', (chunk: Buffer) => collected[i].push(chunk)));
    child.once('error', (err) => reject(new SuiteError(`cannot run python3 on the suite's machine: ${err.message}`)));
    child.once('close', (exitCode) => {
      const [stdout, stderr, channel] = collected.map((chunks) => Buffer.concat(chunks).toString('utf8'));
      resolve({ stdout, stderr, channel, exitCode });
    });
  });
}

/** One instruction as the cases compare them. */
export const stepKey = (s: { offset: number; opname: string }) => `${s.offset} ${s.opname}`;

/** The instructions the reference tracer stops at when FILE runs untouched (as stepKey strings), and that run. */
export async function freeTrace(file: string): Promise<{ trace: string[]; run: PlainRun }> {
  const run = await runPython([TRACER_PATH, '--free', file], path.dirname(file));
  return { trace: run.channel.split('\n').filter((line) => line !== '').map((line) => stepKey(JSON.parse(line))), run };
}

/** A plain `python3 FILE` run, in the file's directory. */
export function plainRun(file: string): Promise<PlainRun> {
  return runPython([file], path.dirname(file));
}

let opcodes: Promise<Record<string, number>> | undefined;

/** CPython's opcode numbers by name (dis.opmap) on this machine. */
export function opcodeMap(): Promise<Record<string, number>> {
  opcodes ??= runPython(['-c', 'import dis, json, os; os.write(3, json.dumps(dis.opmap).encode())'], PROJECT_ROOT)
    .then((run) => JSON.parse(run.channel) as Record<string, number>);
  return opcodes;
}

let stdlibFile: Promise<string> | undefined;

/** A real .py file of the standard library (os.py), certainly outside any root of programs. */
export function stdlibModule(): Promise<string> {
  stdlibFile ??= runPython(['-c', 'import os; os.write(3, os.__file__.encode())'], PROJECT_ROOT).then((run) => run.channel);
  return stdlibFile;
}
