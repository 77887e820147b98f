import type fc from 'fast-check';
import type { RunningServer } from '../impl/common/net';
import type { Endpoint } from './driver';
import type { TraceRecorder } from './trace';

/** What a live property gets: where the target is, the scaled timeouts, a trace to record into. */
export interface LiveContext {
  endpoint: Endpoint;
  /** The server's root directory when the suite owns it (see ProtocolPlugin.prepareRoot); else undefined. */
  root?: string;
  timeoutMs: number;
  /** The property's name, for messages that cite the case which found something. */
  caseName: string;
  /** A fresh recorder per run, so a failure shows the trace of the failing run only. */
  trace(): TraceRecorder;
}

/** A fast-check property and the requirements it verifies. */
export interface PropertyCase {
  name: string;
  ids: string[];
  /** pure: checks the reference framer/model in-process; live: drives the target over TCP. */
  kind: 'pure' | 'live';
  /** Default number of runs (the CLI's --runs overrides it for every property). */
  runs?: number;
  build(ctx: LiveContext): fc.IProperty<any> | fc.IAsyncProperty<any>;
  /** Renders a counterexample for the report (packets as escaped text, chunk sizes, ...). */
  describe?(counterexample: unknown[]): string;
}

/** The embedded server: a reference server, and its second port for two-port protocols. */
export type EmbeddedServer = RunningServer & { readonly port2?: number };

/**
 * Everything the conformance suite knows of one protocol. A new protocol is one of
 * these, its features under features/<name>/, and its steps under src/steps/.
 */
export interface ProtocolPlugin {
  name: string;
  /**
   * Starts the reference server on ephemeral 127.0.0.1 port(s): the embedded target.
   * `root` is the directory prepareRoot filled, for protocols that serve files.
   */
  startEmbedded(root?: string): Promise<EmbeddedServer>;
  /**
   * For protocols whose server serves files from a root directory (cobra's programs):
   * fills a fresh directory under `base` and returns the root to serve. The suite calls
   * it for every server it starts (embedded, or --spawn with `{root}`), owns that root
   * (cases may write into it) and removes `base` when the server stops.
   */
  prepareRoot?(base: string): Promise<string>;
  /** The simplest request the target must answer; throws when it does not. */
  probe(endpoint: Endpoint, timeoutMs: number): Promise<void>;
  properties: PropertyCase[];
  /**
   * The protocol's cases may run side by side (src/conform/lanes.ts): its servers serve many
   * clients at once (the spec says so), and no case sees what another does to the target. Not
   * rpc: its cases share the name server's registry and the echo object's last record.
   */
  casesSideBySide?: boolean;
  /** What the fault profile (`conform --faults`, src/conform/faults.ts) needs; a protocol without it has no fault cases. */
  faults?: FaultSupport;
}

/**
 * A protocol's part in the fault profile. Its requirements are SRS-<P>-090 to 092
 * (faultIds in src/conform/faults.ts).
 */
export interface FaultSupport {
  /**
   * One request and its answer with the protocol's reference client at `endpoint`:
   * resolves once answered as the protocol says, rejects as the client does (a typed
   * TimeoutError or ConnectionClosedError is what the suite expects when the connection
   * fails). Closes what it opened; that may finish after the call settles.
   */
  clientCall(endpoint: Endpoint, timeoutMs: number): Promise<void>;
}
