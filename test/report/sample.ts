/**
 * A sample report for the writer tests: three protocols, every verdict, an untraced
 * must and should, a property failure with counterexample and replay, and traces and
 * messages carrying the bytes a hostile server would send (markup, &, NUL, 0xff).
 */
import type { Report, TraceEvent } from '../../src/report/types';

/** Latin-1 text (one byte per character, so \u00ff is the byte 0xff) or byte values, as trace hex. */
const hex = (bytes: string | number[]) => (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).toString('hex');

export const HOSTILE_CHUNK = '<script>alert(1)</script> & \u0000\u00ff';
export const REPLAY = "npx wireproof conform --protocol lenmsg --req 'SRS-LENMSG-002' --seed 424242 --path '7:0:1'";

export const HOSTILE_TRACE: TraceEvent[] = [
  { t: 0, conn: 0, dir: 'EV', note: 'connect' },
  { t: 1.25, conn: 0, dir: 'TX', hex: hex('hello\n') },
  { t: 2.5, conn: 0, dir: 'RX', hex: hex(HOSTILE_CHUNK) },
  { t: 2.75, conn: 0, dir: 'RX', hex: hex([0x00, 0xff, 0x0a]) },
  { t: 3, conn: 0, dir: 'EV', note: 'FIN received' },
];

/** Trace events of a case whose trace is longer than the HTML shows. */
export function longTrace(events: number): TraceEvent[] {
  return Array.from({ length: events }, (_, i) => ({ t: i, conn: 1, dir: i % 2 ? 'RX' : 'TX', hex: hex(`line ${i}\n`) }));
}

export function sampleReport(): Report {
  return {
    schema: 1,
    suite: { version: '0.1.0', commit: 'abc1234' },
    target: 'embedded',
    seed: 424242,
    started: '2025-05-01T12:00:00.000Z',
    durationMs: 12_345,
    requirements: [
      {
        id: 'SRS-ONELINE-001', protocol: 'oneline', level: 'must', scope: 'core',
        text: 'A packet is the bytes before LF', source: 'PROTOCOLS.md §1', verdict: 'PASS',
        cases: [{ name: 'echo returns the line', kind: 'scenario', verdict: 'PASS', durationMs: 4 }],
      },
      {
        id: 'SRS-ONELINE-002', protocol: 'oneline', level: 'must', scope: 'core',
        text: 'Replies use a | b <b>bold</b> syntax\nacross two lines', source: 'PROTOCOLS.md §1', verdict: 'FAIL',
        cases: [
          { name: 'split packets are reassembled', kind: 'scenario', verdict: 'PASS', durationMs: 3 },
          {
            name: 'hostile reply is reported', kind: 'scenario', verdict: 'FAIL', durationMs: 9,
            message: 'expected "ok" but got </pre><script>x()</script>\u0000 "quoted" & more\nsecond line',
            trace: HOSTILE_TRACE,
          },
        ],
      },
      {
        id: 'SRS-ONELINE-003', protocol: 'oneline', level: 'should', scope: 'core',
        text: 'Closes idle connections', source: 'PROTOCOLS.md §1', verdict: 'NON-STRICT',
        cases: [{ name: 'idle close', kind: 'scenario', verdict: 'NON-STRICT', durationMs: 30, message: 'still open after ```the``` timeout', trace: longTrace(500) }],
      },
      {
        id: 'SRS-ONELINE-004', protocol: 'oneline', level: 'must', scope: 'app',
        text: 'multi answers each line', source: 'PROTOCOLS.md §1', verdict: 'UNTRACED', cases: [],
      },
      {
        id: 'SRS-LENMSG-001', protocol: 'lenmsg', level: 'may', scope: 'core',
        text: 'May support compression', source: 'PROTOCOLS.md §3', verdict: 'UNSUPPORTED',
        cases: [{ name: 'compressed frame', kind: 'scenario', verdict: 'UNSUPPORTED', durationMs: 1, message: 'no compression offered' }],
      },
      {
        id: 'SRS-LENMSG-002', protocol: 'lenmsg', level: 'must', scope: 'core',
        text: 'Any split of the stream decodes to the same frames', source: 'PROTOCOLS.md §3', verdict: 'FAIL',
        cases: [{
          name: 'split invariance (property)', kind: 'property', verdict: 'FAIL', durationMs: 812,
          message: 'Property failed after 7 tests',
          counterexample: '[{"frames":["AA=="],"splits":[1]}]',
          replay: REPLAY,
          trace: [{ t: 0, conn: 0, dir: 'TX', hex: hex([0, 0, 0, 1]) }, { t: 0.5, conn: 0, dir: 'TX', hex: hex([0xff]) }],
        }],
      },
      {
        id: 'SRS-LENMSG-003', protocol: 'lenmsg', level: 'should', scope: 'core',
        text: 'Should answer within 1 s', source: 'PROTOCOLS.md §3', verdict: 'UNTRACED', cases: [],
      },
      {
        id: 'SRS-RPC-001', protocol: 'rpc', level: 'must', scope: 'core',
        text: 'Answers the handshake', source: 'PROTOCOLS.md §5', verdict: 'ERROR',
        cases: [{ name: 'handshake "]]> & <x>', kind: 'scenario', verdict: 'ERROR', durationMs: 5000, message: 'connect ECONNREFUSED 127.0.0.1:9\u0007' }],
      },
      {
        id: 'SRS-RPC-002', protocol: 'rpc', level: 'may', scope: 'core',
        text: 'Reports its version', source: 'PROTOCOLS.md §5', verdict: 'INFO',
        cases: [{ name: 'version banner', kind: 'scenario', verdict: 'INFO', durationMs: 2, message: 'server sent no banner' }],
      },
    ],
    summary: { pass: 1, fail: 2, nonStrict: 1, info: 1, unsupported: 1, error: 1, untraced: 2 },
    coverage: { lines: 87.5, statements: 86.25, functions: 90, branches: 75 },
    exitCode: 1,
  };
}

/** The sample run, and a later one where SRS-ONELINE-001 regresses (PASS → FAIL) and SRS-ONELINE-002 is fixed. */
export function laterReport(): Report {
  const report = sampleReport();
  report.target = 'spawn: ./server-v2 {port}';
  const [first, second] = report.requirements;
  first.verdict = 'FAIL';
  first.cases[0] = { ...first.cases[0], verdict: 'FAIL', message: 'expected "ok", got "nak"', trace: [{ t: 0, conn: 0, dir: 'TX', hex: '6f6b0a' }, { t: 1, conn: 0, dir: 'RX', hex: '6e616b0a' }] };
  second.verdict = 'PASS';
  second.cases = second.cases.map((c) => ({ name: c.name, kind: c.kind, verdict: 'PASS', durationMs: c.durationMs }));
  report.summary = { ...report.summary, pass: 1, fail: 2 };
  return report;
}
