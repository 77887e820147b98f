/** The robustness and security sections in every report format: schema, exit code, escaping, JUnit validity. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withSections } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { reportSchemaErrors } from '../../src/report/json';
import { renderJunit } from '../../src/report/junit';
import { renderMarkdown } from '../../src/report/markdown';
import type { Report, RobustnessSection, SecuritySection } from '../../src/report/types';
import { HOSTILE_CHUNK, sampleReport } from '../report/sample';

const robustness = (verdict: 'PASS' | 'FAIL'): RobustnessSection => ({
  seed: 42,
  growthLimitMiB: 64,
  durationMs: 1234,
  verdict,
  runs: [
    {
      protocol: 'oneline', load: 'oversized-line', count: 1 << 30, unit: 'bytes without LF', durationMs: 800,
      rssBeforeMiB: 100, rssAfterMiB: verdict === 'FAIL' ? 600 : 101.5, growthMiB: verdict === 'FAIL' ? 500 : 1.5,
      aliveBefore: true, aliveAfter: true, lostAccepted: 0, verdict, note: `answers ${HOSTILE_CHUNK}`,
    },
    { protocol: 'oneline', load: 'slowloris', count: 0, unit: '', durationMs: 0, verdict: 'N/A', note: 'not applicable (one client at a time)' },
    {
      protocol: 'oneline', load: 'volume', count: 10_000, unit: 'messages on one connection', durationMs: 400, verdict: 'PASS', note: 'volume',
      aliveBefore: true, aliveAfter: true, lostAccepted: 0, memory: 'not measured: no --pid', startedAt: '2025-05-01T12:00:00.000Z',
      messages: { sent: 10_000, answered: 10_000, lost: 0, duplicated: 0, corrupted: 0, reordered: 0, unsent: 0 },
      throughput: { messagesPerSecond: 25_000, mibPerSecond: 36.5 },
      latency: { count: 10_000, p50Ms: 1.046, p99Ms: 16.7, maxMs: 27.4, histogram: [[160, 4000], [161, 5000], [224, 990], [236, 10]] },
    },
  ],
});

const security: SecuritySection = {
  verdict: 'PASS',
  bindAddresses: [{ protocol: 'oneline', defaultHost: '127.0.0.1', listening: ['127.0.0.1:5005'], verdict: 'PASS' }],
  attempts: [{
    name: 'rpc exposure', requirements: ['SRS-RPC-017'], variants: 20, refused: 20, minimumVariants: 20,
    byRequirement: [{ id: 'SRS-RPC-017', variants: 20, refused: 20 }], variantNames: [`calling "${HOSTILE_CHUNK}"`], notRefused: [],
    properties: [{ name: 'rpc live: forbidden names', verdict: 'PASS' }], verdict: 'PASS',
  }, {
    name: 'cobra root jail', requirements: ['SRS-COBRA-004'], variants: 0, refused: 0, minimumVariants: 20,
    byRequirement: [], variantNames: [], notRefused: [], properties: [], verdict: 'NOT RUN',
  }],
  evaluation: {
    files: 3,
    patterns: ['eval (js, py)'],
    findings: [{ file: 'src/impl/cobra/tracer.py', line: 160, pattern: 'exec', text: 'exec(code, <globals>)', explained: 'runs the debugged program' }],
    verdict: 'PASS',
  },
};

const passing = (): Report => ({ ...sampleReport(), exitCode: 0 });

test('the sections are optional fields of schema 1: a report with them validates, and an unknown field in them does not', () => {
  const report = withSections(passing(), { robustness: robustness('PASS'), security });
  assert.equal(report.schema, 1);
  assert.deepEqual(reportSchemaErrors(JSON.parse(JSON.stringify(report))), []);
  assert.deepEqual(reportSchemaErrors(sampleReport()), [], 'and a report without them still does');
  const broken = JSON.parse(JSON.stringify(report));
  broken.robustness.runs[0].extra = 1;
  assert.match(reportSchemaErrors(broken).join('\n'), /\/robustness\/runs\/0: must NOT have additional properties \(extra\)/);
});

test('a failed load or security check makes a passing run exit 1; a worse exit code stays', () => {
  assert.equal(withSections(passing(), { robustness: robustness('PASS'), security }).exitCode, 0);
  assert.equal(withSections(passing(), { robustness: robustness('FAIL'), security }).exitCode, 1);
  assert.equal(withSections(passing(), { security: { ...security, verdict: 'FAIL' } }).exitCode, 1);
  assert.equal(withSections({ ...sampleReport(), exitCode: 2 }, { robustness: robustness('FAIL') }).exitCode, 2);
});

test('report.html and report.md show both sections, with every value escaped', () => {
  const report = withSections(passing(), { robustness: robustness('FAIL'), security });
  const page = renderHtml(report);
  assert.match(page, /<section id="robustness">/);
  assert.match(page, /<section id="security">/);
  assert.match(page, /<span class="v v-NA">N\/A<\/span>/);
  assert.match(page, /<span class="v v-NOTRUN">NOT RUN<\/span>/);
  assert.match(page, /answers &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; /);
  assert.match(page, /src\/impl\/cobra\/tracer\.py:160/);
  assert.equal(page.includes('<script>alert'), false);
  // The volume run: its counts, throughput and latency, and an inline SVG histogram (nothing fetched).
  assert.match(page, /10000\/10000 answered; lost 0, duplicated 0, corrupted 0, reordered 0/);
  assert.match(page, /25000 msg\/s, 36\.5 MiB\/s/);
  assert.match(page, /1\.05 ms \/ 16\.7 ms \/ 27\.4 ms/);
  assert.match(page, /<svg class="chart" [^>]*role="img" aria-label="latency histogram of 10000 answers: p50 1\.05 ms, p99 16\.7 ms, max 27\.4 ms"/);
  assert.equal((page.match(/<rect /g) ?? []).length, 3, 'one bar per quarter doubling that holds answers');
  assert.doesNotMatch(page, /(src|href)="https?:/);
  assert.match(page, /not measured: no --pid/);

  const markdown = renderMarkdown(report);
  assert.match(markdown, /### Load and robustness: FAIL/);
  assert.match(markdown, /\| oneline \| oversized-line \| 1073741824 bytes without LF \| FAIL \|/);
  assert.match(markdown, /\| oneline \| volume \| 10000 messages on one connection \| PASS \| 400 ms \| 10000\/10000 answered; lost 0, duplicated 0, corrupted 0, reordered 0 \| 25000 msg\/s, 36\.5 MiB\/s \| 1\.05 ms \/ 16\.7 ms \/ 27\.4 ms \| not measured: no --pid \|/);
  assert.match(markdown, /### Security: PASS/);
  assert.match(markdown, /answers &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp;/);
  assert.equal(markdown.includes('answers <script>'), false);
});

test('junit.xml holds a robustness suite (FAIL a failure, N/A skipped) and a security suite, and stays schema-valid', () => {
  const xml = renderJunit(withSections(passing(), { robustness: robustness('FAIL'), security }));
  const suite = (name: string) => new RegExp(`<testsuite name="${name}"[^>]*>([\\s\\S]*?)</testsuite>`).exec(xml)?.[1] ?? '';
  assert.match(suite('robustness'), /<testcase name="oversized-line" classname="robustness\.oneline"[^>]*><failure message="[^"]*" type="FAIL">/);
  assert.match(suite('robustness'), /<testcase name="slowloris" classname="robustness\.oneline"[^>]*><skipped message="N\/A: /);
  assert.match(suite('security'), /classname="security\.attempts"[^>]*><skipped message="NOT RUN: /);
  assert.match(xml, /<testsuite name="robustness"[^>]* tests="3" failures="1" errors="0" skipped="1"/);

  const dir = mkdtempSync(path.join(tmpdir(), 'wireproof-junit-'));
  try {
    const file = path.join(dir, 'junit.xml');
    writeFileSync(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--schema', path.join(__dirname, '..', 'fixtures', 'junit.xsd'), file], { encoding: 'utf8' });
    if (run.error) assert.fail(`xmllint is needed: apt-get install -y libxml2-utils (${run.error.message})`);
    assert.equal(run.status, 0, run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
