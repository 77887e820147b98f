import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderJunit } from '../../src/report/junit';
import { sampleReport } from './sample';
import { validate } from './junit-schema';

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

interface SuiteCounts { name: string; tests: number; failures: number; errors: number; skipped: number }

/** Each suite's declared counts next to the elements it actually holds. */
function suites(xml: string): { declared: SuiteCounts; actual: SuiteCounts }[] {
  return [...xml.matchAll(/(<testsuite [^>]*>)([\s\S]*?)<\/testsuite>/g)].map(([, open, body]) => {
    const name = attribute(open, 'name') ?? '';
    const count = (pattern: RegExp) => body.match(pattern)?.length ?? 0;
    return {
      declared: {
        name,
        tests: Number(attribute(open, 'tests')),
        failures: Number(attribute(open, 'failures')),
        errors: Number(attribute(open, 'errors')),
        skipped: Number(attribute(open, 'skipped')),
      },
      actual: { name, tests: count(/<testcase /g), failures: count(/<failure /g), errors: count(/<error /g), skipped: count(/<skipped /g) },
    };
  });
}

test('junit.xml is valid against the Jenkins/Ant JUnit schema', () => {
  const { ok, output } = validate(renderJunit(sampleReport()));
  assert.ok(ok, output);
  assert.ok(validate(renderJunit(sampleReport(), { strict: true })).ok);
});

test('the schema check can fail: a testcase without a name is rejected', () => {
  const broken = renderJunit(sampleReport()).replace('<testcase name="echo returns the line"', '<testcase');
  assert.equal(validate(broken).ok, false);
});

test('one suite per protocol whose counts match its testcases', () => {
  const xml = renderJunit(sampleReport());
  const counted = suites(xml);
  for (const { declared, actual } of counted) assert.deepEqual(declared, actual);
  assert.deepEqual(counted.map((s) => s.declared), [
    { name: 'oneline', tests: 5, failures: 2, errors: 0, skipped: 0 },
    { name: 'lenmsg', tests: 3, failures: 1, errors: 0, skipped: 2 },
    { name: 'rpc', tests: 2, failures: 0, errors: 1, skipped: 0 },
  ]);
  const root = /<testsuites [^>]*>/.exec(xml)?.[0] ?? '';
  assert.equal(attribute(root, 'name'), 'wireproof 0.1.0 conformance: embedded');
  assert.deepEqual(['tests', 'failures', 'errors', 'time'].map((a) => attribute(root, a)), ['10', '3', '1', '12.345']);
});

test('each (requirement, case) pair is a testcase with the verdict\'s element', () => {
  const xml = renderJunit(sampleReport());
  const testcase = (classname: string, name: string) => {
    const match = new RegExp(`<testcase name="${name}" classname="${classname}" time="[\\d.]+"(/>|>([\\s\\S]*?)</testcase>)`).exec(xml);
    assert.ok(match, `${classname} ${name}`);
    return match[2] ?? '';
  };
  assert.equal(testcase('SRS-ONELINE-001', 'echo returns the line'), '');
  assert.match(testcase('SRS-ONELINE-002', 'hostile reply is reported'), /^<failure message="expected &quot;ok&quot; but got &lt;\/pre&gt;&lt;script&gt;x\(\)&lt;\/script&gt;\\x00 &quot;quoted&quot; &amp; more" type="FAIL">/);
  assert.match(testcase('SRS-ONELINE-003', 'idle close'), /^<system-out>SRS-ONELINE-003/);
  assert.match(testcase('SRS-ONELINE-004', '\\(untraced\\)'), /^<failure message="UNTRACED: no selected case verifies this must requirement" type="UNTRACED">/);
  assert.match(testcase('SRS-LENMSG-001', 'compressed frame'), /^<skipped message="UNSUPPORTED: no compression offered"\/>$/);
  assert.match(testcase('SRS-LENMSG-002', 'split invariance \\(property\\)'), /shrunk counterexample: \[\{"frames":\["AA=="\],"splits":\[1\]\}\]\nreplay: npx wireproof conform/);
  assert.match(testcase('SRS-LENMSG-003', '\\(untraced\\)'), /^<skipped /);
  assert.match(testcase('SRS-RPC-001', 'handshake &quot;\\]\\]&gt; &amp; &lt;x&gt;'), /^<error message="connect ECONNREFUSED 127.0.0.1:9\\x07" type="ERROR">/);
  assert.match(testcase('SRS-RPC-002', 'version banner'), /^<system-out>[\s\S]*server sent no banner<\/system-out>$/);
});

test('with strict, a NON-STRICT case is a failure', () => {
  const xml = renderJunit(sampleReport(), { strict: true });
  assert.match(xml, /<testcase name="idle close" classname="SRS-ONELINE-003" time="0.030"><failure message="still open after ```the``` timeout" type="NON-STRICT">/);
  assert.equal(suites(xml)[0].declared.failures, 3);
  assert.match(xml, /<property name="strict" value="true"\/>/);
});

test('wire bytes reach the XML as escaped text only: no character XML 1.0 forbids', () => {
  const xml = renderJunit(sampleReport());
  assert.doesNotMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/);
  assert.ok(xml.includes('"&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\0\\xff"  [3c 73'));
  assert.ok(!xml.includes('<script'));
});

test('arbitrary names, messages and bytes still give a schema-valid document', () => {
  const texts = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { numRuns: 60, seed: 7 });
  const report = sampleReport();
  const template = report.requirements[1].cases[1];
  report.requirements[1].cases = texts.map((text, i) => ({
    ...template,
    name: text,
    message: text,
    trace: [{ t: i, conn: 0, dir: 'RX', hex: Buffer.from(text, 'utf8').toString('hex'), note: text }],
  }));
  report.target = texts.join('');
  const xml = renderJunit(report);
  const { ok, output } = validate(xml);
  assert.ok(ok, output);
  assert.equal(suites(xml)[0].actual.tests, texts.length + 3);
});
