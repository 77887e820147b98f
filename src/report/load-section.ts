/**
 * The load section of report.html and report.md: every load run (hostile loads, and the
 * load profile's volume and many clients) with its verdict, counts, throughput, latency
 * and memory; in the page, a small inline SVG histogram of each load's latencies (no
 * script, nothing fetched). Every value is escaped: notes quote what servers sent.
 */
import { escapeHtml } from './html';
import { escapeMarkdown } from './markdown';
import { formatDuration } from './present';
import type { RobustnessRun, RobustnessSection } from './types';
import { BUCKETS_PER_DOUBLING, bucketStartMs } from '../robustness/latency';

type Latency = NonNullable<RobustnessRun['latency']>;

const e = (value: string | number | undefined) => (value === undefined ? '' : escapeHtml(String(value)));
const badge = (verdict: string) => `<span class="v v-${verdict.replace(/[^A-Z-]/g, '')}">${e(verdict)}</span>`;
const measured = (run: RobustnessRun) => run.verdict !== 'N/A';

/** "1.2 ms", "350 µs", "2.4 s". */
function formatLatency(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function describeMessages(run: RobustnessRun): string {
  const m = run.messages;
  if (!m) return '';
  return `${m.answered}/${m.sent} answered; lost ${m.lost}, duplicated ${m.duplicated}, corrupted ${m.corrupted}, reordered ${m.reordered}` +
    `${m.unsent ? `, never sent ${m.unsent}` : ''}${m.byPosition ? ' (by place)' : ''}` +
    `${run.clients ? `; ${run.clients.served}/${run.clients.total} clients served, ${run.clients.atOnce} at once` : ''}`;
}

function describeThroughput(run: RobustnessRun): string {
  return run.throughput ? `${run.throughput.messagesPerSecond} msg/s, ${run.throughput.mibPerSecond} MiB/s` : '';
}

function describeLatency(run: RobustnessRun): string {
  const l = run.latency;
  return l ? `${formatLatency(l.p50Ms)} / ${formatLatency(l.p99Ms)} / ${formatLatency(l.maxMs)}` : '';
}

function describeMemory(run: RobustnessRun): string {
  if (run.growthMiB !== undefined) return `${run.rssBeforeMiB} → ${run.rssAfterMiB} MiB (${run.growthMiB >= 0 ? '+' : ''}${run.growthMiB})`;
  return run.memory ?? '';
}

/** "yes / yes": the liveness probe before and after the load (blank after where it was not asked). */
function describeAlive(run: RobustnessRun): string {
  return `${run.aliveBefore === false ? 'no' : 'yes'} / ${run.aliveAfter === false ? 'no' : run.aliveAfter === undefined ? '' : 'yes'}`;
}

/** Bars per doubling of latency in the chart (the histogram has 16: four are merged into one bar). */
const BARS_PER_DOUBLING = 4;
const WIDTH = 180;
const HEIGHT = 48;
const AXIS = 12;

/**
 * A histogram of a load's latencies on a log axis, as inline SVG: one bar per quarter
 * doubling, lines at p50 and p99, the first and last bucket's latency under the axis.
 */
function latencyChart(latency: Latency): string {
  const per = BUCKETS_PER_DOUBLING / BARS_PER_DOUBLING;
  const bars = new Map<number, number>();
  for (const [bucket, n] of latency.histogram) bars.set(Math.floor(bucket / per), (bars.get(Math.floor(bucket / per)) ?? 0) + n);
  if (bars.size === 0) return '';
  const first = Math.min(...bars.keys());
  const last = Math.max(...bars.keys());
  const slots = last - first + 1;
  const width = WIDTH / slots;
  const top = Math.max(...bars.values());
  const plot = HEIGHT - AXIS;
  const x = (ms: number) => ((Math.log2(ms / bucketStartMs(first * per)) * BARS_PER_DOUBLING) / slots) * WIDTH;
  const rects = [...bars].map(([bar, n]) => {
    const h = Math.max(1, (n / top) * (plot - 2));
    return `<rect x="${((bar - first) * width).toFixed(1)}" y="${(plot - h).toFixed(1)}" width="${Math.max(1, width - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#0969da"><title>${e(`${formatLatency(bucketStartMs(bar * per))}+: ${n}`)}</title></rect>`;
  });
  const marks = [['p50', latency.p50Ms, '#1a7f37'], ['p99', latency.p99Ms, '#cf222e']].map(([label, ms, colour]) => {
    const at = Math.min(WIDTH, Math.max(0, x(ms as number))).toFixed(1);
    return `<line x1="${at}" x2="${at}" y1="0" y2="${plot}" stroke="${colour}" stroke-width="1.5"><title>${label} ${e(formatLatency(ms as number))}</title></line>`;
  });
  const label = `latency histogram of ${latency.count} answers: p50 ${formatLatency(latency.p50Ms)}, p99 ${formatLatency(latency.p99Ms)}, max ${formatLatency(latency.maxMs)}`;
  return `<svg class="chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${e(label)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${e(label)}</title>${rects.join('')}${marks.join('')}` +
    `<line x1="0" x2="${WIDTH}" y1="${plot}" y2="${plot}" stroke="#59636e" stroke-width="1"/>` +
    `<text x="0" y="${HEIGHT - 1}" font-size="9" fill="#59636e">${e(formatLatency(bucketStartMs(first * per)))}</text>` +
    `<text x="${WIDTH}" y="${HEIGHT - 1}" font-size="9" fill="#59636e" text-anchor="end">${e(formatLatency(bucketStartMs((last + 1) * per)))}</text></svg>`;
}

function row(run: RobustnessRun): string {
  if (!measured(run)) return `<tr><td>${e(run.protocol)}</td><td>${e(run.load)}</td><td>${badge(run.verdict)}</td><td colspan="6" class="note">${e(run.note)}</td></tr>`;
  const alive = e(describeAlive(run)) +
    `${run.keeper ? `<div class="sub">accepted: ${run.keeper.expected - run.keeper.lost}/${run.keeper.expected}</div>` : ''}`;
  return `<tr><td>${e(run.protocol)}</td><td>${e(run.load)}${run.shard ? `<div class="sub">shard ${e(run.shard)}</div>` : ''}</td><td>${badge(run.verdict)}</td>` +
    `<td class="num">${e(`${run.count} ${run.unit}`)}<div class="sub">${e(formatDuration(run.durationMs))}${run.repetitions ? e(`, ${run.repetitions}×`) : ''}</div></td>` +
    `<td>${e(describeMessages(run))}<div class="sub">${e(describeThroughput(run))}</div></td>` +
    `<td class="num">${e(describeLatency(run))}${run.latency ? `<div>${latencyChart(run.latency)}</div>` : ''}</td>` +
    `<td class="num">${e(describeMemory(run))}</td><td>${alive}</td><td>${e(run.note)}</td></tr>`;
}

/** The section of report.html. */
export function loadSectionHtml(section: RobustnessSection): string {
  const runs = section.runs.filter(measured).length;
  const where = section.target ? `Target ${section.target}` : 'Each reference server as a child process';
  return `<section id="robustness">
<h2>Load and robustness ${badge(section.verdict)}</h2>
<p class="note">${e(`${where}; memory: ${section.memory ?? 'VmRSS of the server process'}${section.shard ? `; shard ${section.shard}` : ''}. ${runs} loads, seed ${section.seed}, ${formatDuration(section.durationMs)} in all.`)}
Per load: every message answered exactly once, whole, in order (counts of lost, duplicated, corrupted, reordered); the liveness probe before and after and the requests accepted before the load; resident memory growth under ${e(section.growthLimitMiB)} MiB. Throughput and latency are reported, not judged: latency p50 / p99 / max, and a histogram on a log scale (green p50, red p99).</p>
<table class="loads">
<thead><tr><th>Protocol</th><th>Load</th><th>Verdict</th><th>Amount, time</th><th>Messages, throughput</th><th>Latency p50 / p99 / max</th><th>Memory (MiB)</th><th>Alive before / after</th><th>Note</th></tr></thead>
<tbody>
${section.runs.map(row).join('\n')}
</tbody>
</table>
</section>`;
}

/** The section of report.md: a line per load. */
export function loadSectionMarkdown(section: RobustnessSection): string[] {
  const cell = (text: string | number | undefined) => (text === undefined ? '' : escapeMarkdown(String(text)));
  const line = (cells: (string | number | undefined)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    `### Load and robustness: ${escapeMarkdown(section.verdict)}`,
    '',
    `${section.target ? `Target ${escapeMarkdown(section.target, ' ')}. ` : ''}Per load: every message answered exactly once, whole and in order; liveness before and after, requests accepted before the load answered after it; resident memory growth under ${section.growthLimitMiB} MiB (${escapeMarkdown(section.memory ?? 'VmRSS of the server process', ' ')}). Throughput and latency are reported, not judged. Seed ${section.seed}, ${formatDuration(section.durationMs)}${section.shard ? `, shard ${section.shard}` : ''}.`,
    '',
    line(['Protocol', 'Load', 'Count', 'Verdict', 'Time', 'Messages', 'Throughput', 'Latency p50 / p99 / max', 'Memory (MiB)', 'Alive before / after', 'Lost accepted', 'Note']),
    '| --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |',
    ...section.runs.map((run) => measured(run)
      ? line([run.protocol, run.load, `${run.count} ${run.unit}`, run.verdict, formatDuration(run.durationMs), describeMessages(run), describeThroughput(run), describeLatency(run), describeMemory(run),
        describeAlive(run), run.lostAccepted, run.note])
      : line([run.protocol, run.load, '', run.verdict, '', '', '', '', '', '', '', run.note])),
    '',
  ];
}
