import net from 'node:net';
import { spawn, ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseHostPort } from '../impl/common/net';
import type { Endpoint } from './driver';
import type { ProtocolPlugin } from './protocol';
import { TargetUnreachableError } from './errors';
import { shellQuote } from './bytes-text';
import { ClientCase, fillPorts } from './client/case';
import type { TraceRecorder } from './trace';

/** One running server under test. */
export interface TargetInstance {
  endpoint: Endpoint;
  /** The server's root directory, when the suite prepared it and may write into it (ProtocolPlugin.prepareRoot). */
  root?: string;
  /** Why the server is gone, when a spawned one exited on its own. */
  exited(): string | undefined;
  /** The process the suite spawned (`sh -c COMMAND`): the root of the tree whose memory the load profile reads. */
  pid?: number;
  stop(): Promise<void>;
}

export interface Target {
  /** For the report: "embedded", "HOST:PORT" or "spawn: COMMAND". */
  label: string;
  kind: 'embedded' | 'external' | 'spawn';
  main: TargetInstance;
  /** An instance a case may stop (shutdown, close): a new one where the suite starts servers, else the target. */
  fresh(): Promise<TargetInstance>;
  stop(): Promise<void>;
}

/**
 * A client under test (`conform --client`): the suite plays the server. Each case starts
 * a scripted server of its own and a fresh client process told where it is (src/conform/client).
 */
export interface ClientTarget {
  /** For the report: "client: COMMAND". */
  label: string;
  kind: 'client';
  command: string;
  /** One case: the suite's server on a free 127.0.0.1 port, a fresh client process, its ready line read. */
  start(trace: TraceRecorder): Promise<ClientCase>;
  /** Kills any client process a case left running (a run cut short). */
  stop(): Promise<void>;
}

export function openClientTarget(plugin: ProtocolPlugin, command: string, waits: { timeoutMs: number; timeoutScale: number }): ClientTarget {
  const live = new Set<ClientCase>();
  return {
    label: targetLabel({ client: command }),
    kind: 'client',
    command,
    async start(trace) {
      return ClientCase.start(trace, {
        command,
        ports: plugin.client?.ports ?? 1,
        halfOpen: plugin.client?.halfOpen ?? true,
        defaultMaxBytes: plugin.client?.defaultMaxBytes,
        live,
        ...waits,
      });
    },
    async stop() {
      await Promise.all([...live].map((c) => c.stop()));
    },
  };
}

export interface TargetSpec {
  target?: string;
  spawn?: string;
}

/** Parses `HOST:PORT` or, for two-port protocols, `HOST:PORT,PORT2`. */
export function parseEndpoint(text: string): Endpoint {
  const [first, second] = text.split(',');
  const endpoint: Endpoint = parseHostPort(first);
  if (second !== undefined) {
    const port2 = Number(second);
    if (!/^\d{1,5}$/.test(second) || port2 > 65535) throw new Error(`expected HOST:PORT,PORT2, got ${JSON.stringify(text)}`);
    endpoint.port2 = port2;
  }
  return endpoint;
}

/** How the report names a target: "embedded", "HOST:PORT", "spawn: COMMAND", or with `client` "client: COMMAND". */
export function targetLabel(spec: TargetSpec & { client?: string }): string {
  if (spec.client !== undefined) return `client: ${spec.client}`;
  return spec.target ?? (spec.spawn ? `spawn: ${spec.spawn}` : 'embedded');
}

export async function openTarget(plugin: ProtocolPlugin, spec: TargetSpec, timeoutMs: number): Promise<Target> {
  if (spec.target && spec.spawn) throw new Error('--target and --spawn exclude each other');
  if (spec.target) {
    const instance: TargetInstance = { endpoint: parseEndpoint(spec.target), exited: () => undefined, stop: async () => undefined };
    return { label: targetLabel(spec), kind: 'external', main: instance, fresh: async () => instance, stop: async () => undefined };
  }
  const start = async (): Promise<TargetInstance> => {
    const owned = plugin.prepareRoot && (!spec.spawn || spec.spawn.includes('{root}')) ? await ownedRoot(plugin) : undefined;
    try {
      const instance = spec.spawn ? await spawnServer(spec.spawn, timeoutMs, owned?.root) : await startEmbedded(plugin, owned?.root);
      if (!owned) return instance;
      return { ...instance, root: owned.root, stop: () => instance.stop().finally(owned.remove) };
    } catch (err) {
      await owned?.remove();
      throw err;
    }
  };
  const instances: TargetInstance[] = [];
  const track = async () => {
    const instance = await start();
    instances.push(instance);
    return instance;
  };
  const main = await track();
  return {
    label: targetLabel(spec),
    kind: spec.spawn ? 'spawn' : 'embedded',
    main,
    fresh: track,
    stop: async () => { await Promise.all(instances.map((i) => i.stop())); },
  };
}

async function startEmbedded(plugin: ProtocolPlugin, root: string | undefined): Promise<TargetInstance> {
  const server = await plugin.startEmbedded(root);
  const endpoint: Endpoint = { host: server.host, port: server.port, ...(server.port2 ? { port2: server.port2 } : {}) };
  return { endpoint, exited: () => undefined, stop: () => server.close() };
}

/** A fresh directory for one server's root, filled by the plugin; removed with the server. */
async function ownedRoot(plugin: ProtocolPlugin): Promise<{ root: string; remove: () => Promise<void> }> {
  const base = await mkdtemp(path.join(os.tmpdir(), `wireproof-${plugin.name}-`));
  const remove = () => rm(base, { recursive: true, force: true });
  try {
    return { root: await plugin.prepareRoot!(base), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** A port free right now on 127.0.0.1, for a spawned server's {port}. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function spawnServer(template: string, timeoutMs: number, root: string | undefined): Promise<TargetInstance> {
  const port = await freePort();
  const port2 = template.includes('{port2}') ? await freePort() : undefined;
  const withPorts = fillPorts(template, { host: '127.0.0.1', port, port2 });
  const command = root === undefined ? withPorts : withPorts.replaceAll('{root}', shellQuote(root));
  const child = spawn('sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-2000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitReason: string | undefined;
  let stopping = false;
  const exited = once(child, 'exit').then(([code, signal]) => {
    if (stopping) return;
    exitReason = `the spawned server exited (${signal ?? `code ${code}`})${output ? `; its last output: ${output.trim()}` : ''}`;
  });
  const endpoint: Endpoint = { host: '127.0.0.1', port, ...(port2 ? { port2 } : {}) };
  const waitMs = Math.max(timeoutMs, 10_000);
  const deadline = Date.now() + waitMs;
  while (!(await listening(endpoint))) {
    if (exitReason) throw new TargetUnreachableError(exitReason);
    if (Date.now() > deadline) {
      kill(child);
      throw new TargetUnreachableError(`the spawned server did not accept on port ${port} within ${waitMs} ms: ${command}`);
    }
    await delay(50); // the child gives no signal of readiness but the port itself
  }
  return {
    endpoint,
    exited: () => exitReason,
    pid: child.pid,
    async stop() {
      if (exitReason || stopping) return;
      stopping = true;
      kill(child);
      const stopped = await Promise.race([exited.then(() => true), delay(3000, false)]);
      if (!stopped) kill(child, 'SIGKILL');
    },
  };
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(-child.pid!, signal); // the whole process group: sh and the server it started
  } catch {
    /* already gone */
  }
}

/**
 * Whether the spawned server listens yet. On Linux the kernel's socket table says so
 * without connecting: a connection of ours could itself be the first thing the server
 * mishandles, before any case ran. Elsewhere, a connection attempt.
 */
async function listening(endpoint: Endpoint): Promise<boolean> {
  const ports = [endpoint.port, endpoint.port2].filter((p): p is number => p !== undefined);
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return (await Promise.all(ports.map((port) => accepts({ ...endpoint, port })))).every(Boolean);
  const listeningPorts = new Set(
    tables.join('\n').split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A') // TCP_LISTEN
      .map((cols) => parseInt(cols[1].split(':')[1], 16)),
  );
  return ports.every((port) => listeningPorts.has(port));
}

function accepts(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
