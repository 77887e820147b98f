import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CobraClient } from '../../src/impl/cobra/client';
import { EndStatus, StandbyStatus } from '../../src/impl/cobra/protocol';
import { CobraServer, CobraServerOptions, startCobraServer } from '../../src/impl/cobra/server';

/** A fresh real (symlink-free) temporary directory. */
export async function tempDir(prefix = 'cobra-'): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
}

export async function writeProgram(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  return file;
}

/** A server on ephemeral ports rooted at `root`, and a client connected to it. */
export async function startPair(root: string, options: CobraServerOptions = {}): Promise<{ server: CobraServer; client: CobraClient }> {
  const server = await startCobraServer({ root, filePort: 0, controlPort: 0, ...options });
  const client = await CobraClient.connect({ filePort: server.filePort, controlPort: server.controlPort, timeoutMs: 5000 });
  return { server, client };
}

/** Steps until the program ends; returns every STANDBY status seen (the first one included). */
export async function stepToEnd(client: CobraClient, first: StandbyStatus | EndStatus, maxSteps = 20_000) {
  const steps: StandbyStatus[] = [];
  let status = first;
  while (status.state === 'STANDBY') {
    steps.push(status);
    if (steps.length > maxSteps) throw new Error(`more than ${maxSteps} steps`);
    status = await client.next();
  }
  return { steps, end: status };
}

export { freeTrace, runPython } from '../../src/conform/cobra/programs';

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
