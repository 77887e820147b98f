/** Pyro4's default name server port (config.NS_PORT). */
export const DEFAULT_NS_PORT = 9090;
/** Object ids every Pyro4 daemon and name server use (Pyro4 constants). */
export const DAEMON_OBJECT_ID = 'Pyro.Daemon';
export const NAMESERVER_OBJECT_ID = 'Pyro.NameServer';

export type UriProtocol = 'PYRO' | 'PYRONAME';

/** Same pattern as Pyro4's URI.uriRegEx; the protocol is case-insensitive. */
const URI_PATTERN = /^([Pp][Yy][Rr][Oo][a-zA-Z]*):(\S+?)(?:@(.+))?$/;
const IPV6_LOCATION = /^\[([0-9a-fA-F:%]+)\](?::(\d+))?$/;

/** A Pyro4 URI: `PYRO:objectId@host:port` or `PYRONAME:name[@host[:port]]`. TCP locations only. */
export class PyroURI {
  constructor(
    readonly protocol: UriProtocol,
    readonly object: string,
    /** Undefined only for a PYRONAME without location (the name server is then looked for on 127.0.0.1). */
    readonly host: string | undefined,
    readonly port: number | undefined,
  ) {}

  static parse(text: string): PyroURI {
    const match = URI_PATTERN.exec(text);
    if (!match) throw new TypeError(`invalid Pyro URI ${JSON.stringify(text)}`);
    const protocol = match[1].toUpperCase();
    const [, , object, location] = match;
    if (protocol !== 'PYRO' && protocol !== 'PYRONAME') {
      throw new TypeError(`unsupported Pyro URI protocol ${protocol} in ${JSON.stringify(text)}`);
    }
    if (location === undefined) {
      if (protocol === 'PYRO') throw new TypeError(`a PYRO URI needs @host:port: ${JSON.stringify(text)}`);
      return new PyroURI(protocol, object, undefined, undefined);
    }
    const { host, port } = parseLocation(location, protocol === 'PYRONAME' ? DEFAULT_NS_PORT : undefined);
    return new PyroURI(protocol, object, host, port);
  }

  static direct(object: string, host: string, port: number): PyroURI {
    return new PyroURI('PYRO', object, host, port);
  }

  /** `host:port`, IPv6 hosts in brackets, as Pyro4's URI.location. */
  get location(): string | undefined {
    if (this.host === undefined) return undefined;
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  toString(): string {
    const location = this.location;
    return location === undefined ? `${this.protocol}:${this.object}` : `${this.protocol}:${this.object}@${location}`;
  }

  equals(other: PyroURI): boolean {
    return this.toString() === other.toString();
  }
}

function parseLocation(location: string, defaultPort: number | undefined): { host: string; port: number } {
  if (location.startsWith('./u:')) throw new TypeError('Unix domain socket URIs are not supported');
  let host: string;
  let portText: string | undefined;
  if (location.startsWith('[')) {
    const match = IPV6_LOCATION.exec(location);
    if (!match) throw new TypeError(`invalid IPv6 location ${JSON.stringify(location)}`);
    [, host, portText] = match;
  } else {
    const colon = location.indexOf(':');
    host = colon === -1 ? location : location.slice(0, colon);
    portText = colon === -1 ? undefined : location.slice(colon + 1);
  }
  if (!portText) {
    if (defaultPort === undefined) throw new TypeError(`missing port in location ${JSON.stringify(location)}`);
    return { host, port: defaultPort };
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port <= 65535)) throw new TypeError(`invalid port in location ${JSON.stringify(location)}`);
  return { host, port };
}
