/**
 * Latency of a load's answers, bounded whatever the count: a log histogram with 16
 * buckets per doubling from 1 µs (a bucket spans 4.4%, so a percentile read from it is
 * within 4.4% of the exact one), plus the exact maximum. Histograms of shards add up to
 * the histogram of the whole run, which a sample would not.
 */

export const BUCKETS_PER_DOUBLING = 16;
const BASE_MS = 0.001;

/** Sparse bucket counts, [bucket, count] in bucket order: what report.json keeps. */
export type HistogramCounts = [number, number][];

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The histogram (bucket b holds latencies from 1 µs · 2^(b/16) to 1 µs · 2^((b+1)/16)). */
  histogram: HistogramCounts;
}

const bucketOf = (ms: number) => Math.max(0, Math.floor(Math.log2(Math.max(ms, BASE_MS) / BASE_MS) * BUCKETS_PER_DOUBLING));

/** The middle (geometric) of a bucket, in ms. */
const bucketMs = (bucket: number) => BASE_MS * 2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING);

/** Lower edge of a bucket, in ms. */
export const bucketStartMs = (bucket: number) => BASE_MS * 2 ** (bucket / BUCKETS_PER_DOUBLING);

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private max = 0;

  record(ms: number): void {
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  add(other: LatencyHistogram | LatencySummary): void {
    const entries = other instanceof LatencyHistogram ? [...other.counts] : other.histogram;
    for (const [bucket, n] of entries) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.total += other instanceof LatencyHistogram ? other.total : other.count;
    this.max = Math.max(this.max, other instanceof LatencyHistogram ? other.max : other.maxMs);
  }

  get count(): number {
    return this.total;
  }

  /** The latency below which `fraction` of the answers came (the bucket's middle, never above the maximum). */
  percentile(fraction: number): number {
    const rank = Math.ceil(fraction * this.total);
    let seen = 0;
    for (const [bucket, n] of this.sorted()) {
      seen += n;
      if (seen >= rank) return Math.min(bucketMs(bucket), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary | undefined {
    if (this.total === 0) return undefined;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return { count: this.total, p50Ms: round(this.percentile(0.5)), p99Ms: round(this.percentile(0.99)), maxMs: round(this.max), histogram: this.sorted() };
  }

  private sorted(): HistogramCounts {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }
}
