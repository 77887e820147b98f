import { DaemonOptions, RpcDaemon, startDaemon } from './daemon';
import { Exposure } from './exposed';
import { RemoteError } from './json';
import { DEFAULT_NS_PORT, NAMESERVER_OBJECT_ID, PyroURI } from './uri';
import { tuple } from './values';

interface Registration {
  uri: string;
  metadata: Set<string>;
}

function namingError(message: string): RemoteError {
  return new RemoteError('Pyro4.errors.NamingError', [message]);
}

function typeError(message: string): RemoteError {
  return new RemoteError('builtins.TypeError', [message]);
}

/** A collection of strings, as Pyro4 wants metadata (a str itself is refused). */
function metadataSet(metadata: unknown, what: string): Set<string> {
  if (metadata === null || metadata === undefined) return new Set();
  if (typeof metadata === 'string') throw typeError(`${what} should not be a str, but another iterable (set, list, etc)`);
  if (!Array.isArray(metadata) && !(metadata instanceof Set)) throw typeError(`${what} must be a list of strings`);
  return new Set(Array.from(metadata, (item) => String(item)));
}

/** Pyro4's re.match: the pattern anchored at the start of the name. */
function prefixRegex(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})`, 'u');
  } catch (error) {
    throw namingError(`invalid regex: ${(error as Error).message}`);
  }
}

/**
 * Pyro4's naming.NameServer: a flat map from names to URIs, with the same method
 * signatures and return shapes (lookup → URI, list → {name: uri string}, remove → count).
 */
export class NameServer {
  private readonly entries = new Map<string, Registration>();

  count(): number {
    return this.entries.size;
  }

  /** The URI; with returnMetadata the tuple (uri, metadata list), as Pyro4 returns it. */
  lookup(name: unknown, returnMetadata = false): PyroURI | readonly [PyroURI, string[]] {
    const entry = typeof name === 'string' ? this.entries.get(name) : undefined;
    if (!entry) throw namingError(`unknown name: ${String(name)}`);
    const uri = PyroURI.parse(entry.uri);
    return returnMetadata ? tuple<unknown>(uri, [...entry.metadata]) as readonly [PyroURI, string[]] : uri;
  }

  register(name: unknown, uri: unknown, safe = false, metadata: unknown = null): null {
    let text: string;
    if (uri instanceof PyroURI) text = uri.toString();
    else if (typeof uri === 'string') text = validUri(uri).toString();
    else throw typeError('only URIs or strings can be registered');
    if (typeof name !== 'string') throw typeError('name must be a str');
    const tags = metadataSet(metadata, 'metadata');
    if (safe && this.entries.has(name)) throw namingError(`name already registered: ${name}`);
    this.entries.set(name, { uri: text, metadata: tags });
    return null;
  }

  set_metadata(name: unknown, metadata: unknown): null {
    if (typeof name !== 'string') throw typeError('name must be a str');
    const entry = this.entries.get(name);
    if (!entry) throw namingError(`unknown name: ${name}`);
    entry.metadata = metadataSet(metadata, 'metadata');
    return null;
  }

  remove(name: unknown = null, prefix: unknown = null, regex: unknown = null): number {
    if (typeof name === 'string' && name !== NAMESERVER_OBJECT_ID && this.entries.delete(name)) return 1;
    const filter = prefix ? { prefix } : regex ? { regex } : undefined;
    if (!filter) return 0;
    const names = Object.keys(this.list(filter.prefix ?? null, filter.regex ?? null)).filter((n) => n !== NAMESERVER_OBJECT_ID);
    for (const n of names) this.entries.delete(n);
    return names.length;
  }

  list(
    prefix: unknown = null,
    regex: unknown = null,
    metadataAll: unknown = null,
    metadataAny: unknown = null,
    returnMetadata = false,
  ): Record<string, string | readonly [string, string[]]> {
    const filters = [prefix, regex, metadataAll, metadataAny].filter((f) => f !== null && f !== undefined);
    if (filters.length > 1) throw new RemoteError('builtins.ValueError', ['you can only filter on one thing at a time']);
    let accept: (name: string, entry: Registration) => boolean = () => true;
    if (prefix) {
      const text = String(prefix);
      accept = (name) => name.startsWith(text);
    } else if (regex) {
      const pattern = prefixRegex(String(regex));
      accept = (name) => pattern.test(name);
    } else if (metadataAll) {
      const wanted = [...metadataSet(metadataAll, 'metadata_all')];
      accept = (_, entry) => wanted.every((tag) => entry.metadata.has(tag));
    } else if (metadataAny) {
      const wanted = [...metadataSet(metadataAny, 'metadata_any')];
      accept = (_, entry) => wanted.some((tag) => entry.metadata.has(tag));
    }
    const result: Record<string, string | readonly [string, string[]]> = {};
    for (const [name, entry] of this.entries) {
      if (!accept(name, entry)) continue;
      const value = returnMetadata ? tuple<unknown>(entry.uri, [...entry.metadata]) as readonly [string, string[]] : entry.uri;
      Object.defineProperty(result, name, { value, writable: true, enumerable: true, configurable: true });
    }
    return result;
  }

  ping(): null {
    return null;
  }
}

function validUri(text: string): PyroURI {
  try {
    return PyroURI.parse(text);
  } catch (error) {
    throw new RemoteError('Pyro4.errors.PyroError', [(error as Error).message]);
  }
}

/** Pyro4's parameter names, so that Pyro4 clients can pass them as keywords. */
export const NAMESERVER_EXPOSURE: Exposure = {
  methods: {
    count: [],
    lookup: ['name', 'return_metadata?'],
    register: ['name', 'uri', 'safe?', 'metadata?'],
    set_metadata: ['name', 'metadata'],
    remove: ['name?', 'prefix?', 'regex?'],
    list: ['prefix?', 'regex?', 'metadata_all?', 'metadata_any?', 'return_metadata?'],
    ping: [],
  },
};

export interface RunningNameServer {
  readonly daemon: RpcDaemon;
  readonly nameServer: NameServer;
  /** `PYRO:Pyro.NameServer@host:port`. */
  readonly uri: PyroURI;
}

/**
 * Starts a daemon hosting the name server as `Pyro.NameServer` (port 9090 by default,
 * 0 for an ephemeral one), registered in itself as Pyro4's NameServerDaemon does.
 */
export async function startNameServer(options: DaemonOptions = {}): Promise<RunningNameServer> {
  const daemon = await startDaemon({ ...options, port: options.port ?? DEFAULT_NS_PORT });
  const nameServer = new NameServer();
  const uri = daemon.register(NAMESERVER_OBJECT_ID, nameServer, NAMESERVER_EXPOSURE);
  nameServer.register(NAMESERVER_OBJECT_ID, uri, false, ['class:Pyro4.naming.NameServer']);
  return { daemon, nameServer, uri };
}
