import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown';
import { REPLAY, sampleReport } from './sample';

const markdown = renderMarkdown(sampleReport());

/** The markdown outside code fences, where escaping matters. */
function outsideFences(text: string): string {
  return text.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

/** Cells of a table row, split at pipes not escaped with a backslash. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

test('escapeMarkdown neutralises pipes, newlines, markup and HTML', () => {
  assert.equal(escapeMarkdown('a|b\nc'), 'a\\|b<br>c');
  assert.equal(escapeMarkdown('<script>*x*_`y`_[z]\\'), '&lt;script&gt;\\*x\\*\\_\\`y\\`\\_\\[z\\]&#92;');
  assert.equal(escapeMarkdown('a\r\nb', ' '), 'a&#92;x0d b');
});

test('starts with the run and a summary table of every verdict', () => {
  const lines = markdown.split('\n');
  assert.equal(lines[0], '## wireproof verification report (exit 1: non-conformant)');
  assert.ok(lines[2].includes('**Target** embedded') && lines[2].includes('**seed** 424242') && lines[2].includes('abc1234'));
  assert.equal(lines[4], '| FAIL | ERROR | NON-STRICT | UNTRACED | UNSUPPORTED | INFO | PASS |');
  assert.equal(lines[6], '| 2 | 1 | 1 | 2 | 1 | 1 | 1 |');
  assert.ok(markdown.includes('lines **87.5%**'));
});

test('failures come before the requirement table, worst first, with message, trace excerpt and replay', () => {
  const failures = markdown.slice(markdown.indexOf('### Failures (4)'), markdown.indexOf('<details>'));
  const headings = [...failures.matchAll(/^#### (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(headings, ['FAIL SRS-ONELINE-002', 'FAIL SRS-LENMSG-002', 'ERROR SRS-RPC-001', 'NON-STRICT SRS-ONELINE-003']);
  assert.ok(failures.includes('UNTRACED must requirements (no selected case verifies them): SRS-ONELINE-004'));
  assert.ok(failures.includes('```sh\n' + REPLAY + '\n```'));
  assert.ok(failures.includes('[{"frames":["AA=="],"splits":[1]}]'));
  assert.ok(failures.includes('"<script>alert(1)</script> & \\0\\xff"  [3c 73'), 'trace excerpt inside a code fence');
  assert.ok(failures.includes('... 488 more events (full trace in report.json)'));
  assert.ok(failures.includes('````\nstill open after ```the``` timeout\n````'), 'fence longer than backticks inside');
});

test('outside code fences nothing is raw HTML or a raw control character', () => {
  const prose = outsideFences(markdown);
  assert.ok(!prose.includes('<script'), prose);
  assert.ok(!prose.includes('<b>'));
  assert.doesNotMatch(markdown, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
});

test('the requirement table escapes pipes and newlines and keeps its columns', () => {
  const table = markdown.slice(markdown.indexOf('| Requirement |')).split('\n').filter((line) => line.startsWith('|'));
  assert.equal(table.length, 2 + 9);
  for (const row of table) assert.equal(cells(row).length, 7, row);
  assert.ok(table.includes('| SRS-ONELINE-002 | oneline | must | FAIL | 2 | Replies use a \\| b &lt;b&gt;bold&lt;/b&gt; syntax<br>across two lines | PROTOCOLS.md §1 |'));
  assert.equal(table[2].split(' | ')[0], '| SRS-ONELINE-002', 'failures first');
  assert.equal(table.at(-1)?.split(' | ')[0], '| SRS-ONELINE-001', 'passes last');
});

test('failures past the limit are counted, not detailed', () => {
  const short = renderMarkdown(sampleReport(), { maxFailures: 1 });
  assert.equal(short.match(/^#### /gm)?.length, 1);
  assert.ok(short.includes('… and 3 more failing cases: see report.html.'));
});

test('any requirement text keeps the table row at seven cells and out of HTML', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const report = sampleReport();
      report.requirements[0].text = text;
      const row = renderMarkdown(report).split('\n').find((line) => line.startsWith('| SRS-ONELINE-001 |'));
      assert.ok(row);
      assert.equal(cells(row).length, 7);
      assert.ok(!/<(?!br>)/.test(row), row);
    }),
    { numRuns: 200 },
  );
});
