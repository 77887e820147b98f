/**
 * A server under load runs as a child process of its own (node spawned directly, no
 * shell between), so that its resident memory and its listening sockets can be read
 * from /proc/<pid> while the load runs from this process. The conformance suite's
 * in-process embedded server is never measured: its memory is the suite's too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Endpoint } from '../conform/driver';
import { PROGRAMS_DIR } from '../conform/cobra/programs';
import { FIXTURE_ROOT } from '../conform/http/fixture';
import { PROJECT_ROOT } from '../conform/srs';
import { treeMemory, type MemoryMeter } from './memory';

/** How to start a server: node with these arguments; it prints `... listening on HOST:PORT` once per port. */
export interface ServerCommand {
  args: string[];
  ports: number;
}

const WIREPROOF = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');

/**
 * `wireproof serve <protocol>` with its defaults, on ephemeral ports: cobra's control
 * port too, and the suite's own file trees as the roots of cobra and http.
 */
export function referenceServer(protocol: string): ServerCommand {
  const serve = [WIREPROOF, 'serve', protocol];
  switch (protocol) {
    case 'cobra':
      return { args: [...serve, '--file-port', '0', '--control-port', '0', '--root', PROGRAMS_DIR], ports: 2 };
    case 'http':
      return { args: [...serve, '--port', '0', '--root', FIXTURE_ROOT], ports: 1 };
    default:
      return { args: [...serve, '--port', '0'], ports: 1 };
  }
}

const LISTENING = /listening on (\[[^\]]+\]|[^\s\[\]]+):(\d+)\s*$/;

export class ServerProcess {
  private exitReason: string | undefined;
  private readonly exit: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly endpoint: Endpoint, output: () => string) {
    this.exit = once(child, 'exit').then(([code, signal]) => {
      this.exitReason = `the server process exited (${signal ?? `code ${code}`}); its last output: ${output().trim()}`;
    });
  }

  /** Starts the command and waits until it printed all its ports. */
  static async start(command: ServerCommand, timeoutMs = 20_000): Promise<ServerProcess> {
    // Not measured for coverage: the coverage figure is the conformance run's (npm run ver).
    const { NODE_V8_COVERAGE: _coverage, ...env } = process.env;
    const child = spawn(process.execPath, command.args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ports: { host: string; port: number }[] = [];
    let announced: () => void;
    const ready = new Promise<void>((resolve) => { announced = resolve; });
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const m = LISTENING.exec(line);
        if (m) ports.push({ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) });
      }
      if (ports.length >= command.ports) announced();
    });
    child.stderr!.on('data', (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-4000); });
    const exited = once(child, 'exit').then(([code, signal]) => `exited (${signal ?? `code ${code}`}) before listening: ${output.trim()}`);
    const outcome = await Promise.race([ready.then(() => 'ready'), exited, delay(timeoutMs, `printed no port within ${timeoutMs} ms`, { ref: false })]);
    if (outcome !== 'ready') {
      child.kill('SIGKILL');
      throw new Error(`the server ${command.args.slice(1).join(' ')} ${outcome}`);
    }
    const [first, second] = ports;
    return new ServerProcess(child, { host: first.host, port: first.port, ...(second ? { port2: second.port } : {}) }, () => output);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Why the process is gone, or undefined while it runs. */
  exited(): string | undefined {
    return this.exitReason;
  }

  /** Its resident memory (with any process it starts, such as cobra's tracer). */
  memory(): MemoryMeter {
    return treeMemory(this.pid, 'the reference server, a child process of the suite');
  }

  /** HOST:PORT of every socket the process listens on. */
  listening(): string[] {
    return listeningAddresses(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 3 s. */
  async stop(): Promise<void> {
    if (this.exitReason !== undefined) return;
    this.child.kill('SIGTERM');
    if ((await Promise.race([this.exit.then(() => true), delay(3000, false, { ref: false })])) === false) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}

/** /proc/net/tcp's local address: IPv4 as one little-endian word, IPv6 as four. */
function decodeAddress(hex: string): string {
  const [address, port] = hex.split(':');
  const words = address.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  const host = words.length === 1
    ? words[0].match(/../g)!.map((byte) => parseInt(byte, 16)).join('.')
    : `[${words.join('').match(/.{4}/g)!.map((group) => group.replace(/^0+(?=.)/, '')).join(':')}]`;
  return `${host}:${parseInt(port, 16)}`;
}

const TCP_LISTEN = '0A';

/** The listening TCP sockets the process holds: its fds' socket inodes matched in its namespace's tables. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* the fd closed meanwhile */
    }
  }
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === TCP_LISTEN && inodes.has(cols[9])) found.push(decodeAddress(cols[1]));
    }
  }
  return found;
}
