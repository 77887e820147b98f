/**
 * junit.xml for CI test tabs (Jenkins, GitLab, GitHub test reporters): one <testsuite>
 * per protocol, one <testcase> per (requirement, case) pair with classname = requirement
 * id. Valid against the Jenkins/Ant JUnit schema (test/fixtures/junit.xsd).
 *
 * FAIL → <failure type="FAIL">, ERROR → <error>, UNSUPPORTED → <skipped>, NON-STRICT →
 * <failure> only with `strict` (otherwise a <system-out> note, as it does not fail the
 * run), an UNTRACED must → a testcase with <failure type="UNTRACED"> (other UNTRACED
 * levels are <skipped>).
 *
 * A run that ended in an error (report.error) gets a first suite "wireproof" whose testcase
 * "run" holds an <error> with the kind and the reason. With --baseline, the failing cases of
 * a known failure are <skipped message="known failure: REASON ...">, so that a CI system does
 * not count them as failures, those of a new one say "new failure" in their message, and
 * each fixed requirement gets a testcase "(baseline: fixed)":
 * a <failure type="FIXED"> with --baseline-strict, else a <system-out> note.
 */
import { distinct, FAILURE_TRACE_LIMITS, failureTrace, showHiddenCharacters, withDefaults } from './present';
import { figures as loadFigures } from '../robustness/judge';
import type { CaseResult, Report, RequirementResult, RobustnessSection, RunError, SecuritySection } from './types';

export interface JunitOptions {
  /** As `conform --strict`: a broken should fails. */
  strict?: boolean;
  /** Trace events in a failure body. */
  maxTraceRows?: number;
  /** Bytes shown per chunk in a failure body. */
  maxChunkBytes?: number;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\n': '&#10;', '\t': '&#9;',
};

/** Character data: markup escaped, characters XML 1.0 forbids (and other hidden ones) spelled out. */
export function escapeXmlText(text: string): string {
  return showHiddenCharacters(text).replace(/[&<>]/g, (ch) => XML_ESCAPES[ch]);
}

/** An attribute value in double quotes; tab and LF as references so parsers keep them. */
export function escapeXmlAttribute(text: string): string {
  return showHiddenCharacters(text).replace(/[&<>"'\n\t]/g, (ch) => XML_ESCAPES[ch]);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The `message` attribute: the first line of the message, short enough for a CI summary. */
function headline(text: string): string {
  const firstLine = text.split('\n', 1)[0];
  return firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine;
}

/** How a case shows in JUnit; `message` becomes the element's message attribute (not on system-out). */
type Outcome = { element: 'failure' | 'error' | 'skipped' | 'system-out'; type?: string; message: string };

interface TestCaseXml {
  xml: string;
  outcome?: Outcome['element'];
  durationMs: number;
}

function requirementLine(requirement: RequirementResult): string {
  return `${requirement.id} (${requirement.level}, ${requirement.protocol}, ${requirement.scope}; ${requirement.source}): ${requirement.text}`;
}

function caseBody(requirement: RequirementResult, testCase: CaseResult, options: Required<JunitOptions>): string {
  const lines = [
    requirementLine(requirement),
    `${testCase.verdict}: ${testCase.kind} "${testCase.name}"`,
  ];
  if (testCase.message !== undefined) lines.push(testCase.message);
  if (testCase.counterexample !== undefined) lines.push(`shrunk counterexample: ${testCase.counterexample}`);
  if (testCase.replay !== undefined) lines.push(`replay: ${testCase.replay}`);
  if (testCase.trace !== undefined && testCase.trace.length > 0) {
    lines.push(failureTrace(testCase.trace, options));
  }
  return lines.join('\n');
}

function caseOutcome(testCase: CaseResult, strict: boolean): Outcome | undefined {
  const message = testCase.message ?? testCase.verdict;
  switch (testCase.verdict) {
    case 'PASS':
      return undefined;
    case 'FAIL':
      return { element: 'failure', type: 'FAIL', message };
    case 'ERROR':
      return { element: 'error', type: 'ERROR', message };
    case 'UNSUPPORTED':
      return { element: 'skipped', message: `UNSUPPORTED: ${message}` };
    case 'NON-STRICT':
      return strict
        ? { element: 'failure', type: 'NON-STRICT', message }
        : { element: 'system-out', message };
    case 'INFO':
      return testCase.message === undefined ? undefined : { element: 'system-out', message };
  }
}

function outcomeXml(outcome: Outcome, body: string): string {
  if (outcome.element === 'system-out') return `<system-out>${escapeXmlText(body)}</system-out>`;
  const attrs = attributes({ message: headline(outcome.message), type: outcome.type });
  if (outcome.element === 'skipped') return `<skipped${attrs}/>`;
  return `<${outcome.element}${attrs}>${escapeXmlText(body)}</${outcome.element}>`;
}

function testCaseXml(name: string, classname: string, durationMs: number, inner: string): string {
  const open = `<testcase${attributes({ name, classname, time: seconds(durationMs) })}`;
  return inner === '' ? `${open}/>` : `${open}>${inner}</testcase>`;
}

function requirementTestCases(requirement: RequirementResult, options: Required<JunitOptions>): TestCaseXml[] {
  if (requirement.cases.length === 0) {
    const message = `UNTRACED: no selected case verifies this ${requirement.level} requirement`;
    const outcome = baselineOutcome(requirement,
      requirement.level === 'must' ? { element: 'failure', type: 'UNTRACED', message } : { element: 'skipped', message })!;
    const xml = testCaseXml('(untraced)', requirement.id, 0, outcomeXml(outcome, requirementLine(requirement)));
    return [{ xml, outcome: outcome.element, durationMs: 0 }];
  }
  return requirement.cases.map((testCase) => {
    const outcome = baselineOutcome(requirement, caseOutcome(testCase, options.strict));
    const inner = outcome === undefined ? '' : outcomeXml(outcome, caseBody(requirement, testCase, options));
    return { xml: testCaseXml(testCase.name, requirement.id, testCase.durationMs, inner), outcome: outcome?.element, durationMs: testCase.durationMs };
  });
}

/**
 * --baseline: a failing case of a known failure is skipped (it does not fail the run); one
 * of a new failure says so in its message.
 */
function baselineOutcome(requirement: RequirementResult, outcome: Outcome | undefined): Outcome | undefined {
  if (outcome?.element !== 'failure' && outcome?.element !== 'error') return outcome;
  const status = requirement.baseline?.status;
  if (status === 'new') return { ...outcome, message: `new failure (not in the baseline): ${outcome.message}` };
  if (status !== 'known') return outcome;
  return { element: 'skipped', message: `known failure: ${requirement.baseline?.reason ?? 'in the baseline'} (${outcome.type ?? outcome.element}: ${outcome.message})` };
}

/** A fixed requirement (--baseline): a testcase that fails with --baseline-strict until the baseline is updated. */
function fixedTestCase(requirement: RequirementResult, strict: boolean): TestCaseXml {
  const message = `fixed: a known failure of the baseline passes now (${requirement.baseline?.reason ?? 'no reason given'}); remove it from the baseline`;
  const outcome: Outcome = strict ? { element: 'failure', type: 'FIXED', message } : { element: 'system-out', message };
  return { xml: testCaseXml('(baseline: fixed)', requirement.id, 0, outcomeXml(outcome, `${requirementLine(requirement)}\n${message}`)), outcome: outcome.element, durationMs: 0 };
}

/** The run's own error (report.error) as one testcase, first in the document. */
function runErrorTestCase(error: RunError): TestCaseXml {
  const outcome: Outcome = { element: 'error', type: error.kind, message: error.message };
  return { xml: testCaseXml('run', 'wireproof', 0, outcomeXml(outcome, `${error.kind} (exit ${error.exit}): ${error.message}`)), outcome: 'error', durationMs: 0 };
}

/** A verdict of the robustness and security sections as a JUnit outcome: FAIL fails, ERROR errs, N/A and NOT RUN are skipped. */
function sectionOutcome(verdict: string, message: string): Outcome | undefined {
  if (verdict === 'FAIL') return { element: 'failure', type: 'FAIL', message };
  if (verdict === 'ERROR') return { element: 'error', type: 'ERROR', message };
  if (verdict === 'N/A' || verdict === 'NOT RUN') return { element: 'skipped', message: `${verdict}: ${message}` };
  return undefined;
}

function sectionTestCase(name: string, classname: string, durationMs: number, verdict: string, body: string): TestCaseXml {
  const outcome = sectionOutcome(verdict, body);
  return { xml: testCaseXml(name, classname, durationMs, outcome ? outcomeXml(outcome, body) : ''), outcome: outcome?.element, durationMs };
}

/** One testcase per hostile load: classname robustness.<protocol>, name the load. */
function robustnessTestCases(section: RobustnessSection): TestCaseXml[] {
  return section.runs.map((run) => {
    const memory = run.growthMiB === undefined ? run.memory ?? 'memory not read' : `RSS ${run.rssBeforeMiB} -> ${run.rssAfterMiB} MiB (growth ${run.growthMiB}, limit ${section.growthLimitMiB})`;
    const load = loadFigures(run);
    const figures = run.verdict === 'N/A'
      ? run.note
      : `${run.count} ${run.unit}; ${load ? `${load}; ` : ''}${memory}; alive before ${run.aliveBefore}, after ${run.aliveAfter}; lost accepted ${run.lostAccepted}\n${run.note}`;
    return sectionTestCase(run.load, `robustness.${run.protocol}`, run.durationMs, run.verdict, figures);
  });
}

/** One testcase per bind check, per family of hostile requests, and one for the evaluation scan. */
function securityTestCases(section: SecuritySection): TestCaseXml[] {
  return [
    ...section.bindAddresses.map((c) => sectionTestCase(c.protocol, 'security.bind-address', 0, c.verdict,
      `default host ${c.defaultHost}; listening ${c.listening.join(', ') || 'nothing'}${c.note ? `; ${c.note}` : ''}`)),
    ...section.attempts.map((a) => sectionTestCase(a.name, 'security.attempts', 0, a.verdict,
      `${a.refused} of ${a.variants} variants refused (at least ${a.minimumVariants}); ${a.requirements.join(', ')}${a.notRefused.length ? `\nnot refused: ${a.notRefused.join('; ')}` : ''}`)),
    sectionTestCase('no source evaluates received data', 'security.evaluation', 0, section.evaluation.verdict,
      section.evaluation.findings.map((f) => `${f.file}:${f.line} ${f.pattern}: ${f.explained ?? 'UNEXPLAINED'}`).join('\n') || 'no finding'),
  ];
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function countOutcomes(cases: readonly TestCaseXml[]): SuiteCounts {
  const countOf = (element: Outcome['element']) => cases.filter((c) => c.outcome === element).length;
  return { tests: cases.length, failures: countOf('failure'), errors: countOf('error'), skipped: countOf('skipped') };
}

/** xs:dateTime for the timestamp attribute, or nothing when `started` is not a date. */
function timestamp(started: string): string | undefined {
  const date = new Date(started);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const limits = withDefaults<JunitOptions>({ strict: false, ...FAILURE_TRACE_LIMITS }, options);
  const properties = [
    ['target', report.target],
    ['seed', String(report.seed)],
    ['suite.version', report.suite.version],
    ['suite.commit', report.suite.commit],
    ['strict', String(limits.strict)],
    ['exitCode', String(report.exitCode)],
  ]
    .map(([name, value]) => `      <property${attributes({ name, value })}/>`)
    .join('\n');
  const totals: SuiteCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const groups: [string, TestCaseXml[]][] = distinct(report.requirements.map((r) => r.protocol)).map((protocol) => [
    protocol,
    report.requirements.filter((r) => r.protocol === protocol).flatMap((r) => [
      ...requirementTestCases(r, limits),
      ...(r.baseline?.status === 'fixed' ? [fixedTestCase(r, report.baseline?.strict ?? false)] : []),
    ]),
  ]);
  if (report.error) groups.unshift(['wireproof', [runErrorTestCase(report.error)]]);
  if (report.robustness) groups.push(['robustness', robustnessTestCases(report.robustness)]);
  if (report.security) groups.push(['security', securityTestCases(report.security)]);
  const suites = groups.map(([protocol, cases], id) => {
    const counts = countOutcomes(cases);
    for (const key of Object.keys(totals) as (keyof SuiteCounts)[]) totals[key] += counts[key];
    const time = seconds(cases.reduce((sum, c) => sum + c.durationMs, 0));
    return [
      `  <testsuite${attributes({ name: protocol, id, ...counts, time, timestamp: timestamp(report.started) })}>`,
      `    <properties>\n${properties}\n    </properties>`,
      ...cases.map((c) => `    ${c.xml}`),
      '  </testsuite>',
    ].join('\n');
  });
  const rootAttributes = attributes({
    name: `wireproof ${report.suite.version} conformance: ${report.target}`,
    tests: totals.tests,
    failures: totals.failures,
    errors: totals.errors,
    time: seconds(report.durationMs),
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${rootAttributes}>`, ...suites, '</testsuites>', ''].join('\n');
}
