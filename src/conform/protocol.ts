import type fc from 'fast-check';
import type { RunningServer } from '../impl/common/net';
import type { MessagingFactory } from '../robustness/conversation';
import type { KeeperFactory } from '../robustness/keepers';
import type { Load } from '../robustness/loads';
import type { LoadSizes, NotApplicable } from '../robustness/profiles';
import type { Endpoint } from './driver';
import type { TraceRecorder } from './trace';
import type { ClientTarget } from './target';

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
  /** In a --client run: starts the client under test against a scripted server, one process per run (ClientSupport.properties). */
  client?: ClientTarget;
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
  /** What `conform --client` needs beyond the protocol's @client-target features; a protocol without it has no client runs. */
  client?: ClientSupport;
  /** What the load profile (`conform --load`, `wireproof robustness`; src/conform/load.ts) needs; a protocol without it has no load cases. */
  load?: LoadSupport;
}

/**
 * A protocol's part in client runs (`conform --client`, src/conform/client/): the suite plays
 * the server and judges a client process driven through the contract of
 * src/conform/client/contract.ts. Its cases are the scenarios of features/<p>/client-target/
 * (tagged @client-target) and these properties; their requirements are those of srs.json
 * with `"target": "client"` (SRS-<P>-100 to 139).
 */
export interface ClientSupport {
  /** Ports the suite's server listens on: {port}, and {port2} when 2. Default 1. */
  ports?: 1 | 2;
  /**
   * Whether the suite's server keeps its sending side open once the client closed its own
   * (default true: an echo client ends its sending side and still reads the echo). False
   * closes it then, as a lenmsg central does: its remote's client only sends.
   */
  halfOpen?: boolean;
  /** The protocol's maximum unit (a oneline response line) assumed when the client announces no maxBytes. */
  defaultMaxBytes?: number;
  /** Live fuzzing: fast-check scripts what the suite's server sends; each run starts a client process (LiveContext.client). */
  properties: PropertyCase[];
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

/**
 * A protocol's part in the load profile. Its requirements are SRS-<P>-093 to 099
 * (loadIds in src/conform/load.ts); the loads themselves are src/robustness/'s, the same
 * for every protocol.
 */
export interface LoadSupport {
  /** How one client sends the volume and many-clients messages and tells whose each answer is. */
  messaging: MessagingFactory;
  /** Whether the server serves one client at a time: its many clients then come one after another. */
  oneClientAtATime(endpoint: Endpoint, timeoutMs: number): Promise<boolean>;
  /** The protocol's hostile loads at these sizes, and those that do not apply with the reason. */
  hostile(sizes: LoadSizes): (Load | NotApplicable)[];
  /**
   * Requests placed before each load and answered after it ("nothing accepted is lost").
   * None where the server serves one client at a time: a keeper would hold it, and its
   * loads check every answer of their own instead.
   */
  keeper?: KeeperFactory;
}
