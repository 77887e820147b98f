import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Script, createContext, runInContext } from 'node:vm';
import fc from 'fast-check';
import { renderHtml } from '../../src/report/html';
import { REPLAY, sampleReport } from './sample';

const page = renderHtml(sampleReport());

function between(text: string, open: string, close: string): string {
  const start = text.indexOf(open);
  assert.ok(start >= 0, `missing ${open}`);
  const end = text.indexOf(close, start + open.length);
  assert.ok(end >= 0, `missing ${close} after ${open}`);
  return text.slice(start + open.length, end);
}

test('the page fetches nothing: no remote URL, src, import or url()', () => {
  assert.doesNotMatch(page, /https?:\/\//i);
  assert.doesNotMatch(page, /\bsrc\s*=/i);
  assert.doesNotMatch(page, /@import|url\(/i);
  for (const [, target] of page.matchAll(/\bhref="([^"]*)"/g)) assert.ok(target.startsWith('#'), `href ${target}`);
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
});

test('the CSP hashes allow exactly the inline style and script', () => {
  const csp = between(page, 'http-equiv="Content-Security-Policy" content="', '"').replace(/&#39;/g, "'");
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  assert.ok(csp.includes(`style-src ${hash(between(page, '<style>', '</style>'))}`), csp);
  assert.ok(csp.includes(`script-src ${hash(between(page, '<script>', '</script>'))}`), csp);
});

test('trace and message bytes are escaped, never markup', () => {
  assert.equal(page.match(/<script/g)?.length, 1, 'only the page script');
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\0\\xff'), 'trace chunk as escaped text');
  assert.ok(page.includes('3c 73 63 72 69 70 74 3e'), 'trace chunk as hex');
  assert.ok(page.includes('got &lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;\\x00 &quot;quoted&quot;'), 'message escaped');
  assert.ok(page.includes('a | b &lt;b&gt;bold&lt;/b&gt;'), 'requirement text escaped');
  assert.doesNotMatch(page, /[\x00-\x08\x0b\x0c\x0e-\x1f]/, 'no raw control characters');
});

test('each chunk is one trace row with its time, connection and direction', () => {
  assert.match(page, /<tr class="dir-RX"><td class="num">2\.500<\/td><td class="num">0<\/td><td>RX<\/td><td class="num">30<\/td>/);
  assert.match(page, /<tr class="dir-RX"><td class="num">2\.750<\/td><td class="num">0<\/td><td>RX<\/td><td class="num">3<\/td><td>00 ff 0a<\/td>/);
  assert.match(page, /<tr class="dir-EV">[^\n]*<td class="bytes">FIN received<\/td>/);
});

test('long traces are cut at 200 rows with a note', () => {
  const rows = between(page, 'id="failure-3"', '</article>').match(/<tr class="dir-/g) ?? [];
  assert.equal(rows.length, 200);
  assert.ok(page.includes('First 200 of 500 events shown'));
  assert.equal((renderHtml(sampleReport(), { maxTraceRows: 10 }).match(/<tr class="dir-/g) ?? []).length, 5 + 2 + 10);
});

test('failures come first: FAIL, ERROR, NON-STRICT before the rest, in the list and in the matrix', () => {
  const at = (text: string) => {
    const index = page.indexOf(text);
    assert.ok(index >= 0, text);
    return index;
  };
  assert.ok(at('id="failure-0"') < at('id="matrix"'));
  assert.ok(at('<a href="#req-SRS-ONELINE-002">') < at('<a href="#req-SRS-RPC-001">'));
  assert.ok(at('<a href="#req-SRS-RPC-001">') < at('<a href="#req-SRS-ONELINE-003">'));
  const matrix = page.slice(at('id="matrix"'));
  const order = [...matrix.matchAll(/id="req-(SRS-[A-Z]+-\d+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, [
    'SRS-ONELINE-002', 'SRS-LENMSG-002', 'SRS-RPC-001', 'SRS-ONELINE-003', 'SRS-ONELINE-004', 'SRS-LENMSG-003',
    'SRS-LENMSG-001', 'SRS-RPC-002', 'SRS-ONELINE-001',
  ]);
});

test('a property failure shows its counterexample and a copyable replay command', () => {
  const failure = between(page, 'id="failure-1"', '</article>');
  assert.ok(failure.includes('[{&quot;frames&quot;:[&quot;AA==&quot;],&quot;splits&quot;:[1]}]'));
  const replay = between(failure, '<pre id="replay-1">', '</pre>');
  assert.equal(replay.replace(/&#39;/g, "'"), REPLAY);
  assert.ok(failure.includes('<button type="button" data-copy="replay-1">Copy</button>'));
});

test('the header shows the run and the coverage percentage', () => {
  const header = between(page, '<header>', '</header>');
  for (const text of ['embedded', '424242', '0.1.0', 'abc1234', '2025-05-01T12:00:00.000Z', '12.3 s', 'exit 1', 'lines <b>87.5%</b>', 'FAIL 2', 'UNTRACED 2']) {
    assert.ok(header.includes(text), text);
  }
  const { coverage, ...withoutCoverage } = sampleReport();
  assert.ok(coverage);
  assert.ok(!renderHtml(withoutCoverage).includes('Coverage'));
});

/** Runs the page script against stand-ins for the few DOM calls it makes. */
function runFilters() {
  const items = [...page.matchAll(/<(tbody|article)[^>]* (data-filterable="[^>]*)>/g)].map(([, tag, attrs]) => {
    const values = Object.fromEntries([...attrs.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    return { tagName: tag.toUpperCase(), hidden: false, id: values['data-search'].slice(0, 15), getAttribute: (name: string) => values[name] };
  });
  const listeners: Record<string, () => void> = {};
  const fields = ['verdict', 'protocol', 'level'].map((name) => ({ name, type: 'select-one', value: '' }));
  fields.push({ name: 'search', type: 'search', value: '' });
  const elements = Object.fromEntries(fields.map((field) => [field.name, field]));
  const form = { querySelectorAll: () => fields, addEventListener: (type: string, fn: () => void) => { listeners[type] = fn; } };
  const shown = { textContent: '' };
  const document = {
    getElementById: (id: string) => (id === 'filters' ? form : shown),
    querySelectorAll: () => items,
    addEventListener: () => undefined,
  };
  const context = createContext({ document, window: {}, navigator: {}, setTimeout });
  runInContext(between(page, '<script>', '</script>'), context);
  const visible = () => items.filter((i) => !i.hidden).map((i) => `${i.tagName} ${i.id}`);
  return { elements, shown, visible, apply: () => listeners.input() };
}

test('the inline filter script parses and filters by verdict, protocol, level and text', () => {
  new Script(between(page, '<script>', '</script>'));
  const { elements, shown, visible, apply } = runFilters();
  assert.equal(shown.textContent, '4 failing cases, 9 requirements shown');
  elements.verdict.value = 'PASS';
  apply();
  assert.deepEqual(visible(), ['TBODY srs-oneline-002', 'TBODY srs-oneline-001']);
  elements.verdict.value = '';
  elements.protocol.value = 'rpc';
  apply();
  assert.deepEqual(visible(), ['ARTICLE srs-rpc-001 rpc', 'TBODY srs-rpc-001 rpc', 'TBODY srs-rpc-002 rpc']);
  elements.protocol.value = '';
  elements.level.value = 'should';
  elements.search.value = ' IDLE ';
  apply();
  assert.deepEqual(visible(), ['ARTICLE srs-oneline-003', 'TBODY srs-oneline-003']);
  assert.equal(shown.textContent, '1 failing cases, 1 requirements shown');
});

test('any server text or bytes stay text: only the page\'s own tags appear', () => {
  const pageTags = new Set([...page.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase()));
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
      const report = sampleReport();
      const failing = report.requirements[1];
      failing.text = text;
      failing.cases[1].name = text;
      failing.cases[1].message = text;
      failing.cases[1].trace = [{ t: 0, conn: 0, dir: 'RX', hex: Buffer.from(bytes).toString('hex'), note: text }];
      report.target = text;
      const rendered = renderHtml(report);
      const tags = new Set([...rendered.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase()));
      assert.deepEqual([...tags].filter((tag) => !pageTags.has(tag)), []);
      assert.equal(rendered.match(/<script/gi)?.length, 1);
      assert.doesNotMatch(rendered, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    }),
    { numRuns: 200 },
  );
});

test('the matrix shows what an INFO or UNSUPPORTED case observed', () => {
  const matrix = page.slice(page.indexOf('id="matrix"'));
  assert.ok(matrix.includes('version banner<div class="sub">server sent no banner</div>'));
  assert.ok(matrix.includes('compressed frame<div class="sub">no compression offered</div>'));
});
