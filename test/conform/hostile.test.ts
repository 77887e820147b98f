/**
 * The suite stays bounded against hostile targets (test/fixtures/hostile_server.js): one
 * that floods every connection with 64 KiB units of its protocol's framing, and one that
 * never writes a byte. Whatever they send, the run ends in a verdict that is no pass
 * (exit 1, or 2 when the target does not answer its liveness probe), every trace keeps at
 * most its cap and says what it left out, report.json stays within what those caps allow,
 * and the suite's process stays under SUITE_RSS_BOUND.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TRACE_BYTES, TRACE_ROWS } from '../../src/conform/trace';
import type { CaseResult } from '../../src/report/types';
import { ROOT, runCli } from './run-cli';

const hostile = (protocol: string, mode: 'flood' | 'mute') =>
  [process.execPath, path.join(ROOT, 'test', 'fixtures', 'hostile_server.js'), '--protocol', protocol, '--mode', mode,
    '--port', '{port}', ...(protocol === 'cobra' ? ['--port2', '{port2}'] : [])].join(' ');

/**
 * What one case listing in report.json may take: its trace's bytes as hex, both directions,
 * its rows (each under 200 bytes of JSON besides its bytes), and 8 KiB for the rest (name,
 * message, counterexample). A case verifying several requirements is listed under each.
 */
const LISTING_BYTES = 2 * 2 * TRACE_BYTES + TRACE_ROWS * 200 + 8 * 1024;

/** The suite's peak resident memory against a hostile target: issue 12's bound (about 60 MiB of it is Node and the suite loaded). */
const SUITE_RSS_BOUND = 256 * 1024 * 1024;
const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function checkTraces(cases: CaseResult[]): number {
  let capped = 0;
  for (const c of cases) {
    const events = c.trace ?? [];
    const bytes = { TX: 0, RX: 0 };
    for (const e of events) if (e.dir !== 'EV') bytes[e.dir] += (e.hex ?? '').length / 2;
    assert.ok(bytes.TX <= TRACE_BYTES && bytes.RX <= TRACE_BYTES, `${c.name}: ${bytes.TX} TX and ${bytes.RX} RX bytes in its trace`);
    const notes = events.filter((e) => /^trace cap of /.test(e.note ?? ''));
    assert.ok(events.length <= TRACE_ROWS + notes.length, `${c.name}: ${events.length} rows`);
    for (const note of notes) assert.match(note.note!, new RegExp(`^trace cap of (${TRACE_BYTES} (TX|RX) bytes per case reached: \\d+ more|${TRACE_ROWS} rows reached)`));
    capped += notes.length;
  }
  return capped;
}

// Each run is a CLI process with servers of its own: a few at once.
describe('conform against hostile targets', { concurrency: 3 }, () => {
  for (const protocol of ['oneline', 'channel', 'lenmsg', 'echo', 'http', 'rpc', 'cobra']) {
    test(`${protocol}: a target that floods every connection fails, with capped traces, a bounded report and the suite under 256 MiB`, async () => {
      const run = await runCli(['conform', '--protocol', protocol, '--spawn', hostile(protocol, 'flood')], undefined, { measureRss: true });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.ok(run.maxRssBytes! < SUITE_RSS_BOUND, `the suite's peak resident memory was ${MiB(run.maxRssBytes!)} (bound ${MiB(SUITE_RSS_BOUND)})`);
      const report = run.report!;
      assert.ok(report.summary.fail > 0, JSON.stringify(report.summary));
      const listings = report.requirements.flatMap((r) => r.cases);
      assert.ok(run.reportBytes! <= listings.length * LISTING_BYTES,
        `report.json of ${run.reportBytes} bytes for ${listings.length} case listings (at most ${LISTING_BYTES} each)`);
      assert.ok(checkTraces(listings) > 0, 'no trace states its cap, yet the target sent more than any cap');
    });
  }

  for (const [protocol, codes] of [['oneline', [2]], ['lenmsg', [1]]] as const) {
    test(`${protocol}: a target that never writes a byte is judged (exit ${codes.join(' or ')})`, async () => {
      const run = await runCli(['conform', '--protocol', protocol, '--spawn', hostile(protocol, 'mute')], undefined, { measureRss: true });
      assert.ok((codes as readonly number[]).includes(run.code), `exit ${run.code}: ${run.stdout}${run.stderr}`);
      assert.ok(run.maxRssBytes! < SUITE_RSS_BOUND, `the suite's peak resident memory was ${MiB(run.maxRssBytes!)} (bound ${MiB(SUITE_RSS_BOUND)})`);
      if (run.report) checkTraces(run.report.requirements.flatMap((r) => r.cases));
    });
  }
});
