import path from 'node:path';
import { Writable } from 'node:stream';
import { loadSupport, runCucumber } from '@cucumber/cucumber/api';
import type { Envelope, TestStepResult } from '@cucumber/messages';
import type { TraceEvent } from '../report/types';
import { PROJECT_ROOT } from './srs';
import { ERROR_TYPES } from './errors';
import type { CaseOutcome } from './verdict';

/** Media types the steps attach to a case (src/steps/hooks.ts). */
export const TRACE_MEDIA = 'application/vnd.wireproof.trace+json';
export const OBSERVED_MEDIA = 'text/vnd.wireproof.observed';

/** Tags that change how a scenario runs, beside its @SRS- ids. */
export const STOPS_SERVER = '@stops-server';
/** A case whose input may take the target down: the liveness probe runs before and after it. */
export const DESTRUCTIVE = '@destructive';

export interface ScenarioInfo {
  /** "feature-file: scenario name", the case name in reports. */
  name: string;
  /** The scenario's own name, as cucumber's name filter sees it. */
  scenario: string;
  uri: string;
  tags: string[];
  /** The @SRS- ids among the tags. */
  ids: string[];
}

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
const environment = () => ({ cwd: PROJECT_ROOT, stdout: quiet(), stderr: process.stderr });

function options(protocol: string, tagExpression: string, dryRun: boolean, names: string[] = [], worldParameters: { lane?: number } = {}) {
  return {
    sources: {
      defaultDialect: 'en',
      paths: [path.join('features', protocol, '**/*.feature')],
      names,
      tagExpression,
      order: 'defined' as const,
    },
    runtime: {
      dryRun,
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

let support: Awaited<ReturnType<typeof loadSupport>> | undefined;

/** Loads the step definitions once per process (they are shared by every protocol). */
async function supportCode() {
  const alreadyTs = Boolean((process as any)[Symbol.for('ts-node.register.instance')]);
  support ??= await loadSupport(
    {
      sources: options('*', '', true).sources,
      support: { requireModules: alreadyTs ? [] : ['ts-node/register'], requirePaths: ['src/steps/**/*.ts'] },
    },
    environment(),
  );
  return support;
}

export const scenarioName = (uri: string, name: string): string => `${path.basename(uri, '.feature')}: ${name}`;

/** One pickle, the same in every cucumber run of the process (pickle ids are not): its file and line. */
export const pickleKey = (pickle: { uri: string; location?: { line: number } }): string => `${pickle.uri}:${pickle.location?.line}`;

/** A lane of cases side by side (src/conform/lanes.ts): its number, and whether it runs a pickle. */
export interface Lane {
  id: number;
  owns(pickleKey: string): boolean;
}

/** Every scenario of a protocol with its tags, without running anything. */
export async function listScenarios(protocol: string): Promise<ScenarioInfo[]> {
  const scenarios: ScenarioInfo[] = [];
  await runCucumber({ ...options(protocol, '', true), support: await supportCode() }, environment(), (envelope) => {
    const pickle = envelope.pickle;
    if (!pickle) return;
    const tags = pickle.tags.map((t) => t.name);
    scenarios.push({
      name: scenarioName(pickle.uri, pickle.name),
      scenario: pickle.name,
      uri: pickle.uri,
      tags,
      ids: tags.filter((t) => t.startsWith('@SRS-')).map((t) => t.slice(1)),
    });
  });
  return scenarios;
}

const exactName = (name: string) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;

/**
 * Runs the given scenarios (those of the tag expression among them) and turns cucumber's messages
 * (pickle → testCase → testCaseStarted → testStepFinished → testCaseFinished) into
 * case outcomes, with the trace the steps attached.
 */
export async function runScenarios(
  protocol: string,
  scenarios: ScenarioInfo[],
  tagExpression: string,
  onCase: (outcome: CaseOutcome) => void,
  lane?: Lane,
): Promise<CaseOutcome[]> {
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
  const names = [...new Set(scenarios.map((s) => exactName(s.scenario)))];
  const worldParameters = lane ? { lane: lane.id } : {};
  await runCucumber({ ...options(protocol, tagExpression, false, names, worldParameters), support: await supportCode() }, environment(), onMessage);
  return outcomes;
}

function toOutcome(pickle: { tags: string[] }, results: TestStepResult[], observed: string[]): Pick<CaseOutcome, 'outcome' | 'message'> {
  const bad = results.find((r) => r.status !== 'PASSED');
  if (!bad) {
    if (pickle.tags.includes('@info')) return { outcome: 'info', message: observed.join('\n') || 'observed: as specified' };
    return { outcome: 'passed' };
  }
  const type = bad.exception?.type ?? '';
  const message = bad.exception?.message ?? bad.message ?? bad.status;
  if (bad.status === 'UNDEFINED' || bad.status === 'AMBIGUOUS' || bad.status === 'PENDING') {
    return { outcome: 'error', message: `suite error: a step is ${bad.status.toLowerCase()}` };
  }
  if (type === 'Unsupported') return { outcome: 'unsupported', message };
  if (pickle.tags.includes('@info')) return { outcome: 'info', message: `observed: ${message}` };
  if (type === 'NonConformance' || type === 'AssertionError') return { outcome: 'broken', message };
  if (ERROR_TYPES.has(type)) return { outcome: 'error', message };
  return { outcome: 'error', message: `${type || bad.status}: ${message}` };
}
