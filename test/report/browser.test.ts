/**
 * report.html and the compare page in a real browser: Debian's chromium driven by
 * playwright-core, each page opened from disk with every request that is not file://
 * blocked. Failures come first, the filters hide and show rows, a trace expands, and the
 * page's own script runs under its CSP without an error. Screenshots go to reports/browser/.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../../src/report/html';
import { renderCompareHtml } from '../../src/report/compare-html';
import { compareReports } from '../../src/report/compare';
import { laterReport, sampleReport } from './sample';

const CHROMIUM = process.env.WIREPROOF_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'reports', 'browser');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-browser-'));

let launched: Promise<Browser> | undefined;
function browser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    assert.fail(`the browser tests need chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it), or set WIREPROOF_CHROMIUM`);
  }
  launched ??= chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return launched;
}

after(async () => {
  await (await launched)?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens `markup` from disk; every request that is not file:// is blocked and recorded, and so is every page error. */
async function open(name: string, markup: string): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, markup);
  const context = await (await browser()).newContext({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    problems.push(`request to ${url}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  await page.goto(pathToFileURL(file).href);
  return { page, problems, close: () => context.close() };
}

/** The requirement rows of either page (not the rows of a trace inside a cell). */
const ROWS = '#matrix > table > tbody';
const visible = (page: Page, selector: string) => page.locator(selector).filter({ visible: true });

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 10_000, `${file} holds a real screenshot`);
}

test('report.html: failures first, the verdict, protocol and baseline filters, a trace that expands', async () => {
  const report = sampleReport();
  report.requirements[1].baseline = { status: 'known', reason: 'answers PONG (#12)' };
  report.requirements[0].baseline = { status: 'fixed', reason: 'was broken' };
  report.baseline = { source: 'known.json', strict: false, new: 0, known: 1, fixed: 1 };
  const { page, problems, close } = await open('report.html', renderHtml(report));
  try {
    const order = await page.locator('main > section').evaluateAll((sections) => sections.map((s) => s.id));
    assert.ok(order.indexOf('failures') < order.indexOf('matrix'), order.join(' '));
    assert.match((await page.locator('#failures article').first().getAttribute('class')) ?? '', /\bf-FAIL\b/, 'a FAIL first');
    assert.match((await page.locator(ROWS).first().getAttribute('data-verdict')) ?? '', /^FAIL\b/);
    assert.equal(await visible(page, ROWS).count(), 9);
    assert.equal(await page.locator('#shown').textContent(), '4 failing cases, 9 requirements shown');

    await page.selectOption('select[name=verdict]', 'PASS');
    assert.equal(await visible(page, ROWS).count(), 2, 'requirements with a PASS (one of them also fails a case)');
    assert.equal(await visible(page, '#failures article').count(), 0);
    await page.selectOption('select[name=verdict]', '');
    await page.selectOption('select[name=protocol]', 'rpc');
    assert.deepEqual(await visible(page, ROWS).evaluateAll((els) => els.map((el) => el.getAttribute('data-protocol'))), ['rpc', 'rpc']);
    assert.equal(await visible(page, '#failures article').count(), 1);
    await page.selectOption('select[name=protocol]', '');
    await page.selectOption('select[name=baseline]', 'known');
    assert.deepEqual(await visible(page, ROWS + ' td.mono').evaluateAll((els) => els.map((el) => el.id)), ['req-SRS-ONELINE-002']);
    await page.click('button[type=reset]');
    // The form resets its fields after the event; the page filters again right after.
    // (a locator's wait: a waitForFunction predicate is evaluated by eval, which the page's CSP forbids)
    await page.locator('#shown', { hasText: /^4 failing cases, 9 requirements shown$/ }).waitFor();
    assert.equal(await visible(page, ROWS).count(), 9, 'Clear shows every row again');

    const failure = page.locator('#failures article', { hasText: 'hostile reply is reported' });
    const trace = failure.locator('details.trace-box');
    assert.equal(await trace.locator('table').isVisible(), false, 'a trace starts folded');
    await trace.locator('summary').click();
    assert.equal(await trace.locator('table').isVisible(), true);
    assert.equal(await visible(page, '#failures table.trace tbody tr').count(), 5);
    assert.match((await trace.locator('tr.dir-RX').first().textContent()) ?? '', /<script>alert\(1\)<\/script>/, 'hostile bytes shown as text');
    await screenshot(page, 'report.png');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the compare page: differences first, the verdict, protocol and change filters, a trace that expands', async () => {
  const runs = [sampleReport(), laterReport()].map((report, i) => ({ report, source: `run${i}.json`, label: ['v1', 'v2'][i] }));
  const { page, problems, close } = await open('compare.html', renderCompareHtml(compareReports(runs)));
  try {
    const order = await page.locator('main > section').evaluateAll((sections) => sections.map((s) => s.id));
    assert.deepEqual(order, ['differences', 'matrix']);
    assert.deepEqual(await page.locator('#differences h3').allTextContents(), ['Regressions (1)', 'Fixes (1)']);
    assert.deepEqual(await page.locator(ROWS).evaluateAll((els) => els.slice(0, 3).map((el) => el.getAttribute('data-change'))), ['regression', 'fix', 'same']);

    await page.selectOption('select[name=verdict]', 'FAIL');
    assert.deepEqual(await visible(page, ROWS + ' td.mono').evaluateAll((els) => els.map((el) => el.id)), ['cmp-SRS-ONELINE-001', 'cmp-SRS-ONELINE-002', 'cmp-SRS-LENMSG-002']);
    await page.selectOption('select[name=verdict]', '');
    await page.selectOption('select[name=protocol]', 'lenmsg');
    assert.equal(await visible(page, ROWS).count(), 3);
    await page.selectOption('select[name=protocol]', '');
    await page.selectOption('select[name=change]', 'fix');
    assert.deepEqual(await visible(page, ROWS + ' td.mono').evaluateAll((els) => els.map((el) => el.id)), ['cmp-SRS-ONELINE-002']);
    await page.selectOption('select[name=change]', '');
    assert.equal(await visible(page, ROWS).count(), 9);

    const cell = page.locator(ROWS).first().locator('td.chg-regression');
    await cell.locator('details.cell-cases > summary').click();
    const trace = cell.locator('details.trace-box');
    assert.equal(await trace.locator('table').isVisible(), false);
    await trace.locator('summary').click();
    assert.deepEqual(await trace.locator('tbody tr td:nth-child(3)').allTextContents(), ['TX', 'RX']);
    await screenshot(page, 'compare.png');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
