/**
 * The fault profile (`conform --faults`): the target behind the chaos proxy.
 *
 * Transparent faults (slicer, latency) change nothing a conforming peer may rely on: TCP
 * promises the bytes in order, not their write boundaries nor their timing. Every core
 * scenario that passes directly is run again through each of them and must pass again.
 * Disruptive faults (reset, stall) cut one exchange of the reference client short after
 * its first bytes: the client must end with a typed error within its timeout, and the
 * server must serve the next client.
 */
import { startChaosProxy, type ChaosProxy } from '../chaos/proxy';
import type { ToxicSpec } from '../chaos/toxics';
import { ConnectionClosedError, TimeoutError } from '../impl/common/errors';
import { CLIENT_TARGET, DESTRUCTIVE, runScenarios, STOPS_SERVER, type ScenarioInfo } from './cucumber';
import type { Endpoint } from './driver';
import { shellQuote } from './bytes-text';
import type { ProtocolPlugin } from './protocol';
import { serverTarget, setSession, type Session } from './session';
import type { CaseOutcome, Outcome } from './verdict';

export const FAULT_NAMES = ['slicer', 'latency', 'reset', 'stall'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Tags a scenario that checks what any proxy changes (the peer's address, how a connection ends), so not run through one. */
export const NO_FAULTS = '@no-faults';

/**
 * Not run again through a proxy: cases that stop or may break the server (they have
 * their own instance or liveness probes), INFO cases (nothing to compare), @no-faults, and
 * @client-target ones (they judge a client under test, not the server).
 */
const NOT_RERUN = [STOPS_SERVER, DESTRUCTIVE, '@info', NO_FAULTS, CLIENT_TARGET];

/** Bytes of an exchange that pass before a disruptive fault strikes: the request is cut short. */
const DISRUPT_AFTER_BYTES = 3;

/**
 * The toxics of each fault. The slicer cuts what the server reads into pieces of 1 to 3
 * bytes, 1 ms apart, so every piece is a read of its own (without the delay a server reads
 * back-to-back pieces whole). It cuts the client-bound direction not at all: what the server
 * writes is read by the suite, and bytes held in the proxy would let a reset from the server
 * overtake them, which no network does. Latency delays both directions.
 */
const TOXICS: Record<FaultName, ToxicSpec[]> = {
  slicer: [{ type: 'slicer', averageSize: 2, sizeVariation: 1, delayMs: 1, direction: 'upstream' }],
  latency: [{ type: 'latency', ms: 20, jitter: 10 }],
  reset: [{ type: 'reset', afterBytes: DISRUPT_AFTER_BYTES }],
  stall: [{ type: 'stall', afterBytes: DISRUPT_AFTER_BYTES }],
};

const TRANSPARENT: ReadonlySet<FaultName> = new Set(['slicer', 'latency']);

/** A case the fault profile adds: a scenario again through a transparent fault, or one side of a disrupted exchange. */
export type FaultCase = { name: string; ids: string[]; fault: FaultName } & (
  | { scenario: ScenarioInfo }
  | { side: 'client' | 'server' }
);

/**
 * The requirements only --faults verifies, the same numbers for every protocol: through a
 * slicing or slow proxy every core case that passes directly passes again (core); after a
 * reset or during a stall the server serves the next client (core); the reference client
 * ends with a typed error within its timeout (client).
 */
export function faultIds(protocol: string): { sameVerdict: string; serverRecovers: string; clientFails: string } {
  const id = (n: number) => `SRS-${protocol.toUpperCase()}-${String(n).padStart(3, '0')}`;
  return { sameVerdict: id(90), serverRecovers: id(91), clientFails: id(92) };
}

/**
 * Every case --faults adds for a protocol, before selection. `isCore` says whether a
 * requirement id is of scope core: only scenarios that verify core requirements alone
 * run again (an app or client case through a proxy tells nothing of the server).
 */
export function faultCases(plugin: ProtocolPlugin, scenarios: ScenarioInfo[], isCore: (id: string) => boolean, faults: readonly FaultName[] = FAULT_NAMES): FaultCase[] {
  if (!plugin.faults) return [];
  const ids = faultIds(plugin.name);
  const rerun = scenarios.filter((s) => s.ids.length > 0 && s.ids.every(isCore) && !s.tags.some((t) => NOT_RERUN.includes(t)));
  return FAULT_NAMES.filter((fault) => faults.includes(fault)).flatMap((fault): FaultCase[] =>
    TRANSPARENT.has(fault)
      ? rerun.map((scenario) => ({ name: `${scenario.name} [through ${fault}]`, ids: [...scenario.ids, ids.sameVerdict], fault, scenario }))
      : [
        { name: `faults: the reference client ends with a typed error under a ${fault}`, ids: [ids.clientFails], fault, side: 'client' },
        { name: `faults: the server serves the next client after a ${fault === 'stall' ? 'stalled client leaves' : fault}`, ids: [ids.serverRecovers], fault, side: 'server' },
      ],
  );
}

/** The requirement ids the given faults verify (the other fault ids are left out of the run). */
export function faultRequirementIds(plugin: ProtocolPlugin, faults: readonly FaultName[] = FAULT_NAMES): string[] {
  if (!plugin.faults) return [];
  const ids = faultIds(plugin.name);
  return [...new Set(faults.flatMap((f) => (TRANSPARENT.has(f) ? [ids.sameVerdict] : [ids.serverRecovers, ids.clientFails])))];
}

export interface FaultRunContext {
  protocol: string;
  session: Session;
  /** Seeds the proxies' random choices (slice sizes, jitter). */
  seed: number;
  /** The command line a failing case's replay command starts with (ConformOptions.replayBase). */
  replayBase: string;
  /** How each scenario ended in this run's direct pass: one that did not pass is not run again. */
  direct: ReadonlyMap<string, Outcome>;
  onCase(outcome: CaseOutcome): void;
}

/** Runs the selected fault cases, one proxy (per port) for each fault. */
export async function runFaultCases(cases: FaultCase[], context: FaultRunContext): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const fault of FAULT_NAMES) {
    const mine = cases.filter((c) => c.fault === fault);
    if (mine.length === 0) continue;
    const { hungSince } = context.session;
    if (hungSince) {
      for (const c of mine) {
        outcomes.push({ name: c.name, kind: 'scenario', ids: c.ids, durationMs: 0, outcome: 'error', message: `not run: the target stopped answering after "${hungSince}"` });
        context.onCase(outcomes[outcomes.length - 1]);
      }
      continue;
    }
    const proxy = await proxyInFront(serverTarget(context.session).main.endpoint, TOXICS[fault], context.seed);
    try {
      outcomes.push(...(TRANSPARENT.has(fault) ? await runThrough(mine, proxy.endpoint, context) : await disrupt(mine, proxy, context)));
    } finally {
      await proxy.close();
    }
  }
  return outcomes;
}

/** A chaos proxy in front of each port of `endpoint` (two for cobra); the endpoint to use instead. */
async function proxyInFront(endpoint: Endpoint, toxics: ToxicSpec[], seed: number): Promise<{ endpoint: Endpoint; close(): Promise<void> }> {
  const ports = [endpoint.port, endpoint.port2].filter((p): p is number => p !== undefined);
  const proxies: ChaosProxy[] = [];
  const close = async () => { await Promise.all(proxies.map((p) => p.close())); };
  try {
    for (const [i, port] of ports.entries()) proxies.push(await startChaosProxy({ upstream: { host: endpoint.host, port }, toxics, seed: seed + i }));
  } catch (err) {
    await close();
    throw err;
  }
  const [main, second] = proxies;
  return { endpoint: { host: main.host, port: main.port, ...(second ? { port2: second.port } : {}) }, close };
}

/** The scenarios again, with the session's target pointing at the proxy. */
async function runThrough(cases: FaultCase[], endpoint: Endpoint, context: FaultRunContext): Promise<CaseOutcome[]> {
  const byScenario = new Map<string, FaultCase & { scenario: ScenarioInfo }>();
  for (const c of cases) {
    if ('scenario' in c && (context.direct.get(c.scenario.name) ?? 'passed') === 'passed') byScenario.set(c.scenario.name, c);
  }
  if (byScenario.size === 0) return [];
  const { session } = context;
  const target = serverTarget(session);
  setSession({ ...session, target: { ...target, main: { ...target.main, endpoint } } });
  const outcomes: CaseOutcome[] = [];
  try {
    const scenarios = [...byScenario.values()].map((c) => c.scenario);
    await runScenarios(context.protocol, scenarios, (o) => {
      const c = byScenario.get(o.name)!;
      // The same slices and delays again: the same seed, the same connection order.
      const replay = `${context.replayBase} --fault ${c.fault} --case ${shellQuote(c.name)} --seed ${context.seed}`;
      outcomes.push({ ...o, name: c.name, ids: c.ids, ...(o.outcome === 'passed' ? {} : { replay }) });
      context.onCase(outcomes[outcomes.length - 1]);
    });
  } finally {
    setSession(session);
  }
  return outcomes;
}

/**
 * One call of the reference client through the disrupted proxy; once the client gave up,
 * the proxy drops the server's side of that connection (a stalled client that leaves), and
 * the liveness probe goes straight to the target. Not while the stall lasts: a server may
 * serve one client at a time (oneline), so a stalled one legitimately holds the next.
 */
async function disrupt(cases: FaultCase[], proxy: { endpoint: Endpoint; close(): Promise<void> }, context: FaultRunContext): Promise<CaseOutcome[]> {
  const { plugin, timeoutMs } = context.session;
  const target = serverTarget(context.session);
  const support = plugin.faults!;
  const fault = cases[0].fault;
  const outcomes: CaseOutcome[] = [];
  const record = (c: FaultCase | undefined, started: number, result: Pick<CaseOutcome, 'outcome' | 'message'>) => {
    if (!c) return;
    outcomes.push({ name: c.name, kind: 'scenario', ids: c.ids, durationMs: Math.round(performance.now() - started), ...result });
    context.onCase(outcomes[outcomes.length - 1]);
  };
  const client = cases.find((c) => 'side' in c && c.side === 'client');
  const server = cases.find((c) => 'side' in c && c.side === 'server');

  const control = await settle(support.clientCall(target.main.endpoint, timeoutMs), 2 * timeoutMs);
  let started = performance.now();
  const ended = await settle(support.clientCall(proxy.endpoint, timeoutMs), 2 * timeoutMs);
  if (control.kind === 'resolved') record(client, started, judgeClient(ended, fault, timeoutMs));
  else {
    // Without a call that works undisturbed, failing under the fault would prove nothing.
    const why = control.kind === 'hung' ? `still waiting after ${2 * timeoutMs} ms` : `${control.error.name}: ${control.error.message}`;
    record(client, started, { outcome: 'error', message: `not judged: the reference client's call fails without a fault too (${why})` });
  }

  await proxy.close();
  started = performance.now();
  try {
    await plugin.probe(target.main.endpoint, timeoutMs);
    record(server, started, { outcome: 'passed' });
  } catch (err) {
    if (server) context.session.hungSince = server.name;
    record(server, started, { outcome: 'broken', message: `after a client's connection ${fault === 'stall' ? 'stalled and was dropped' : 'was reset'} ${DISRUPT_AFTER_BYTES} bytes in, the server did not serve the next client: ${(err as Error).message}` });
  }
  return outcomes;
}

type Settled = { kind: 'resolved' } | { kind: 'rejected'; error: Error } | { kind: 'hung' };

/** How a call ended, or 'hung' when it did not within `boundMs`. */
function settle(call: Promise<void>, boundMs: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'hung' }), boundMs);
    call
      .then(() => resolve({ kind: 'resolved' }), (error: Error) => resolve({ kind: 'rejected', error }))
      .finally(() => clearTimeout(timer));
  });
}

function judgeClient(ended: Settled, fault: FaultName, timeoutMs: number): Pick<CaseOutcome, 'outcome' | 'message'> {
  const what = `its connection ${fault === 'stall' ? 'stalled' : 'was reset'} ${DISRUPT_AFTER_BYTES} bytes in`;
  switch (ended.kind) {
    case 'hung':
      return { outcome: 'broken', message: `the reference client hangs: ${what}, and its call (timeout ${timeoutMs} ms) is still waiting after ${2 * timeoutMs} ms` };
    case 'resolved':
      return { outcome: 'broken', message: `the reference client reports success although ${what}` };
    case 'rejected':
      if (ended.error instanceof TimeoutError || ended.error instanceof ConnectionClosedError) return { outcome: 'passed' };
      return { outcome: 'broken', message: `${what}, and the reference client ended with ${ended.error.name}: ${ended.error.message}, not a TimeoutError or ConnectionClosedError` };
  }
}
