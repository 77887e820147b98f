/**
 * Beside each requirement, report.html and report.md show its source, every RFC section
 * it names a link to that section, so that the reader of a FAIL reaches the sentence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml } from '../../src/report/html';
import { renderMarkdown } from '../../src/report/markdown';
import { sourceParts } from '../../src/report/sources';
import { sampleReport } from './sample';

const SOURCE = 'PROTOCOLS.md §7; RFC 9110 §15.5.6, §10.2.1; RFC 862';
const ALLOW = 'https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6';

test('a source is cut into text and links, one per RFC section, and a bare RFC links to the RFC', () => {
  assert.deepEqual(sourceParts(SOURCE), [
    { text: 'PROTOCOLS.md §7; ' },
    { text: 'RFC 9110 §15.5.6', href: ALLOW },
    { text: ', ' },
    { text: '§10.2.1', href: 'https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1' },
    { text: '; ' },
    { text: 'RFC 862', href: 'https://www.rfc-editor.org/rfc/rfc862' },
  ]);
  assert.deepEqual(sourceParts('PROTOCOLS.md §0, §5'), [{ text: 'PROTOCOLS.md §0, §5' }]);
  assert.equal(sourceParts(SOURCE).map((p) => p.text).join(''), SOURCE, 'nothing of the text lost');
});

function reportWithRfcSource() {
  const report = sampleReport();
  const failing = report.requirements.find((r) => r.verdict === 'FAIL')!;
  failing.source = SOURCE;
  return { report, id: failing.id };
}

test('report.html links the RFC sections of a failing requirement, in its failure and in the matrix, and still fetches nothing', () => {
  const { report } = reportWithRfcSource();
  const page = renderHtml(report);
  const links = [...page.matchAll(/<a href="(https:[^"]*)">([^<]*)<\/a>/g)];
  assert.equal(links.filter(([, href, text]) => href === ALLOW && text === 'RFC 9110 §15.5.6').length, 2, 'failure and matrix');
  for (const [, href] of page.matchAll(/\bhref="([^"]*)"/g)) assert.ok(href.startsWith('#') || href.startsWith('https://www.rfc-editor.org/rfc/'), href);
  assert.doesNotMatch(page, /\bsrc\s*=|@import|url\(/i);
});

test('report.md links the RFC sections of a failing requirement, in its failure and in the table', () => {
  const { report, id } = reportWithRfcSource();
  const markdown = renderMarkdown(report);
  const link = `[RFC 9110 §15.5.6](${ALLOW})`;
  assert.equal(markdown.split(link).length - 1, 2, markdown);
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${id} |`));
  assert.ok(row?.includes(link), row);
});
