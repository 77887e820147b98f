/**
 * Debian's Pyro4 (python3-pyro4, for /usr/bin/python3) as a peer: the conformance test
 * object served by echo_server.py, for interop tests, the bench and the suite's own tests.
 */
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

import { withTimeout } from '../../common/errors';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const ECHO_SERVER = path.join(__dirname, 'echo_server.py');

/** Debian's Pyro4 for /usr/bin/python3; installed on first use when missing (the tests run as root). */
export function ensurePyro4(): void {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import Pyro4'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', 'python3-pyro4'], { stdio: 'ignore', timeout: 300_000 });
  }
}

/** The environment without PYRO_* settings: Pyro4 reads its configuration from them. */
export function withoutPyroSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('PYRO_')));
}

export interface Pyro4EchoServer {
  nsHost: string;
  nsPort: number;
  echoUri: string;
  stop(): Promise<void>;
}

/**
 * Starts echo_server.py on ephemeral ports; ready once it printed both URIs. With
 * `pyro4Defaults`, Pyro4's configuration stays as shipped (see echo_server.py).
 */
export async function startPyro4EchoServer(options: { pyro4Defaults?: boolean } = {}): Promise<Pyro4EchoServer> {
  const args = [ECHO_SERVER, '--ns-port', '0', ...(options.pyro4Defaults ? ['--pyro4-defaults'] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(SYSTEM_PYTHON, args, { env: withoutPyroSettings(process.env) });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill();
    await exited;
  };
  const ready = new Promise<{ ns: string; echo: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ns = /^NS (\S+)$/m.exec(output);
      const echo = /^ECHO (\S+)$/m.exec(output);
      if (ns && echo) resolve({ ns: ns[1], echo: echo[1] });
    });
    void exited.then(() => reject(new Error(`echo_server.py exited early: ${errors}`)));
  });
  try {
    const { ns, echo } = await withTimeout(ready, 10_000, 'echo_server.py start');
    const [, nsHost, nsPort] = /@(.+):(\d+)$/.exec(ns)!;
    return { nsHost, nsPort: Number(nsPort), echoUri: echo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
