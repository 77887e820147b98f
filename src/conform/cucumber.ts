import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { loadSupport as LoadSupport } from '@cucumber/cucumber/api';
import type { Envelope, TestStepResult } from '@cucumber/messages';
import type { TraceEvent } from '../report/types';
import { PROJECT_ROOT } from './srs';
import { ERROR_TYPES } from './errors';
import { PROTOCOL_NAMES } from './protocols';
import type { CaseOutcome } from './verdict';

/** Media types the steps attach to a case (src/steps/hooks.ts). */
export const TRACE_MEDIA = 'application/vnd.wireproof.trace+json';
export const OBSERVED_MEDIA = 'text/vnd.wireproof.observed';

/** Tags that change how a scenario runs, beside its @SRS- ids. */
export const STOPS_SERVER = '@stops-server';
/** A scenario that judges a client under test (`conform --client`): the suite plays the server. */
export const CLIENT_TARGET = '@client-target';
/** A case whose input may take the target down: the liveness probe runs before and after it. */
export const DESTRUCTIVE = '@destructive';
/** A case that measures the suite's own process (its memory): no other case runs beside it. */
export const ALONE = '@alone';

export interface ScenarioInfo {
  /** "feature-file: scenario name", the case name in reports. */
  name: string;
  /** The scenario's own name (an outline's example values filled in), as cucumber reports it. */
  scenario: string;
  uri: string;
  /** Its line in the file (an outline example's row): with `uri`, how a run selects exactly this scenario. */
  line: number;
  tags: string[];
  /** The @SRS- ids among the tags. */
  ids: string[];
}

/** The step files beside this module's folder: dist/steps/*.js when compiled, src/steps/*.ts under ts-node. */
const STEPS_DIR = path.join(__dirname, '..', 'steps');
const CODE_EXTENSION = path.extname(__filename);

/**
 * The step files a run of these protocols loads. A protocol's own are steps/<protocol>.* and
 * steps/<protocol>_*.*; every other file (world, hooks, raw wire steps, reference, cli) serves
 * every protocol.
 */
export function stepFiles(protocols: readonly string[]): string[] {
  const owner = (base: string) => PROTOCOL_NAMES.find((p) => base === p || base.startsWith(`${p}_`));
  return fs.readdirSync(STEPS_DIR)
    .filter((file) => file.endsWith(CODE_EXTENSION) && !file.endsWith(`.d${CODE_EXTENSION}`))
    .filter((file) => {
      const protocol = owner(path.basename(file, CODE_EXTENSION));
      return protocol === undefined || protocols.includes(protocol);
    })
    .sort()
    .map((file) => path.join(STEPS_DIR, file));
}

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
const environment = () => ({ cwd: PROJECT_ROOT, stdout: quiet(), stderr: process.stderr });
const featureGlob = (protocol: string) => path.join('features', protocol, '**/*.feature');

function options(paths: string[], worldParameters: { lane?: number } = {}) {
  return {
    sources: {
      defaultDialect: 'en',
      paths,
      names: [],
      tagExpression: '',
      order: 'defined' as const,
    },
    runtime: {
      dryRun: false,
      failFast: false,
      filterStacktraces: true,
      parallel: 0,
      retry: 0,
      retryTagFilter: '',
      strict: true,
      worldParameters,
    },
    formats: { stdout: 'summary', files: {}, publish: false as const, options: {} },
  };
}

// Cucumber's API and its Gherkin compiler are required where they are used: `wireproof list`
// loads the compiler alone, and `--help` neither (start-up, bench/startup.ts).
type SupportCode = Awaited<ReturnType<typeof LoadSupport>>;
const supports = new Map<string, Promise<SupportCode>>();

/**
 * A protocol's support code: the common step files and its own, loaded when it first runs.
 * Cucumber registers a step while its file is being required, and Node requires a file once
 * per process, so the step files are dropped from require's cache before each load: every
 * protocol gets a library of its own, also where one process runs them all (do_ver.ts).
 */
function supportCode(protocol: string): Promise<SupportCode> {
  let library = supports.get(protocol);
  if (!library) {
    const { loadSupport } = require('@cucumber/cucumber/api') as typeof import('@cucumber/cucumber/api');
    for (const file of Object.keys(require.cache)) if (path.dirname(file) === STEPS_DIR) delete require.cache[file];
    library = loadSupport(
      { sources: options([featureGlob(protocol)]).sources, support: { requireModules: [], requirePaths: stepFiles([protocol]) } },
      environment(),
    );
    supports.set(protocol, library);
  }
  return library;
}

export const scenarioName = (uri: string, name: string): string => `${path.basename(uri, '.feature')}: ${name}`;

/** One pickle, the same in every cucumber run of the process (pickle ids are not): its file and line. */
export const pickleKey = (pickle: { uri: string; location?: { line: number } }): string => `${pickle.uri}:${pickle.location?.line}`;

/** A lane of cases side by side (src/conform/lanes.ts): its number, and whether it runs a pickle. */
export interface Lane {
  id: number;
  owns(pickleKey: string): boolean;
}

/** What a feature file's scenarios are, the file's path aside: each one's name (outlines expanded), line and tags. */
type Pickled = { scenario: string; line: number; tags: string[] };

/** The scenarios of a feature file's text, by cucumber's own Gherkin compiler (pickles, as a run sees them). */
function pickle(text: string, uri: string): Pickled[] {
  const { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } = require('@cucumber/gherkin') as typeof import('@cucumber/gherkin');
  const { IdGenerator } = require('@cucumber/messages') as typeof import('@cucumber/messages');
  const newId = IdGenerator.incrementing();
  const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(text);
  return compile(document, uri, newId).map((p) => ({ scenario: p.name, line: p.location!.line, tags: p.tags.map((t) => t.name) }));
}

/**
 * The scenarios of every feature file the build read, by the SHA-1 of its text (build.js writes it
 * beside the compiled module): parsing every feature costs `wireproof list` a third of its start,
 * reading this a few milliseconds. A file whose text is not in it (edited since, or no build: ts-node)
 * is parsed.
 */
const SCENARIO_INDEX = path.join(__dirname, 'scenario-index.json');
let scenarioIndex: Record<string, Pickled[]> | undefined;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function featureUris(protocol: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, 'features', protocol), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.feature'))
    .map((file) => path.join('features', protocol, file))
    .sort();
}

/** The index build.js writes: every feature file of every protocol, parsed. */
export function buildScenarioIndex(): Record<string, Pickled[]> {
  const index: Record<string, Pickled[]> = {};
  for (const uri of PROTOCOL_NAMES.flatMap(featureUris)) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, uri), 'utf8');
    index[sha1(text)] = pickle(text, uri);
  }
  return index;
}

/**
 * Every scenario of a protocol with its tags, in cucumber's order (files sorted, scenarios as
 * written), as cucumber's Gherkin compiler reads them: no step code is loaded, nothing runs.
 */
export async function listScenarios(protocol: string): Promise<ScenarioInfo[]> {
  scenarioIndex ??= fs.existsSync(SCENARIO_INDEX) ? (JSON.parse(fs.readFileSync(SCENARIO_INDEX, 'utf8')) as Record<string, Pickled[]>) : {};
  return featureUris(protocol).flatMap((uri) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, uri), 'utf8');
    return (scenarioIndex![sha1(text)] ?? pickle(text, uri)).map(({ scenario, line, tags }) => ({
      name: scenarioName(uri, scenario),
      scenario,
      uri,
      line,
      tags,
      ids: tags.filter((t) => t.startsWith('@SRS-')).map((t) => t.slice(1)),
    }));
  });
}

/** Cucumber paths that select exactly these scenarios: each file once, with the lines of its scenarios ("features/p/f.feature:12:30"). */
function scenarioPaths(scenarios: readonly ScenarioInfo[]): string[] {
  const lines = new Map<string, number[]>();
  for (const s of scenarios) lines.set(s.uri, [...(lines.get(s.uri) ?? []), s.line]);
  return [...lines].map(([uri, chosen]) => `${uri}:${chosen.join(':')}`);
}

/**
 * Runs exactly the given scenarios (by file and line: a namesake elsewhere does not run) and turns cucumber's messages
 * (pickle → testCase → testCaseStarted → testStepFinished → testCaseFinished) into
 * case outcomes, with the trace the steps attached.
 */
export async function runScenarios(
  protocol: string,
  scenarios: readonly ScenarioInfo[],
  onCase: (outcome: CaseOutcome) => void,
  lane?: Lane,
): Promise<CaseOutcome[]> {
  if (scenarios.length === 0) return []; // no path would be every feature file
  const pickles = new Map<string, { name: string; tags: string[]; key: string }>();
  const testCases = new Map<string, string>(); // testCase id → pickle id
  interface Attempt { pickleId: string; started: number; results: TestStepResult[]; trace?: TraceEvent[]; observed: string[] }
  const attempts = new Map<string, Attempt>();
  const outcomes: CaseOutcome[] = [];

  const onMessage = (m: Envelope) => {
    if (m.pickle) pickles.set(m.pickle.id, { name: scenarioName(m.pickle.uri, m.pickle.name), tags: m.pickle.tags.map((t) => t.name), key: pickleKey(m.pickle) });
    else if (m.testCase) testCases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) {
      attempts.set(m.testCaseStarted.id, {
        pickleId: testCases.get(m.testCaseStarted.testCaseId)!,
        started: performance.now(),
        results: [],
        observed: [],
      });
    } else if (m.testStepFinished) attempts.get(m.testStepFinished.testCaseStartedId)?.results.push(m.testStepFinished.testStepResult);
    else if (m.attachment?.testCaseStartedId) {
      const attempt = attempts.get(m.attachment.testCaseStartedId);
      if (attempt && m.attachment.mediaType === TRACE_MEDIA) attempt.trace = JSON.parse(m.attachment.body);
      if (attempt && m.attachment.mediaType === OBSERVED_MEDIA) attempt.observed.push(m.attachment.body);
    } else if (m.testCaseFinished) {
      const attempt = attempts.get(m.testCaseFinished.testCaseStartedId);
      if (!attempt || m.testCaseFinished.willBeRetried) return;
      const pickle = pickles.get(attempt.pickleId)!;
      if (lane && !lane.owns(pickle.key)) return; // another lane ran it
      const outcome = toOutcome(pickle, attempt.results, attempt.observed);
      outcomes.push({
        ...outcome,
        name: pickle.name,
        kind: 'scenario',
        ids: pickle.tags.filter((t) => t.startsWith('@SRS-')).map((t) => t.slice(1)),
        durationMs: Math.round(performance.now() - attempt.started),
        ...(attempt.trace && outcome.outcome !== 'passed' ? { trace: attempt.trace } : {}),
      });
      onCase(outcomes[outcomes.length - 1]);
    }
  };
  const { runCucumber } = require('@cucumber/cucumber/api') as typeof import('@cucumber/cucumber/api');
  const worldParameters = lane ? { lane: lane.id } : {};
  await runCucumber({ ...options(scenarioPaths(scenarios), worldParameters), support: await supportCode(protocol) }, environment(), onMessage);
  return outcomes;
}

function toOutcome(pickle: { tags: string[] }, results: TestStepResult[], observed: string[]): Pick<CaseOutcome, 'outcome' | 'message'> {
  const bad = results.find((r) => r.status !== 'PASSED');
  if (!bad) {
    if (pickle.tags.includes('@info')) return { outcome: 'info', message: observed.join('\n') || 'observed: as specified' };
    return { outcome: 'passed' };
  }
  if (bad.status === 'UNDEFINED' || bad.status === 'AMBIGUOUS' || bad.status === 'PENDING') {
    return { outcome: 'error', message: `suite error: a step is ${bad.status.toLowerCase()}` };
  }
  return thrownOutcome(pickle.tags, bad.exception?.type || bad.status, bad.exception?.message ?? bad.message ?? bad.status);
}

/**
 * How a case ends that threw: by the type of what it threw (cucumber's exception type, the
 * error's class name) and the case's tags. `wireproof conform` and `npx cucumber-js` both judge so.
 */
export function thrownOutcome(tags: readonly string[], type: string, message: string): Pick<CaseOutcome, 'outcome' | 'message'> {
  if (type === 'Unsupported') return { outcome: 'unsupported', message };
  if (tags.includes('@info')) return { outcome: 'info', message: `observed: ${message}` };
  if (type === 'NonConformance' || type === 'AssertionError') return { outcome: 'broken', message };
  if (ERROR_TYPES.has(type)) return { outcome: 'error', message };
  return { outcome: 'error', message: `${type}: ${message}` };
}
