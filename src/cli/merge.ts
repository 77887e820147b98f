import { parseCommand } from './args';
import { printSummary } from './conform';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { readReport } from '../report/json';
import { MergeError, mergeReports } from '../report/merge';
import type { Report } from '../report/types';
import { FORMATS, parseFormats, writeReports } from '../report/write';

const HELP = `wireproof merge A.json B.json ... [--report-dir DIR] [--format LIST] [--strict]: report.json files into one report

  The shards of one sharded run (conform --load --shard I/N on N machines against one target): every shard
  1..N once, the same seed. Their load counts, clients, accepted requests and latency histograms add up to
  one run's; liveness holds where every shard saw it hold; memory keeps the largest growth a shard read; the
  load requirements are judged again from the sums. Other reports (say, one per protocol) are joined side by side.

  --report-dir DIR      where the merged reports go (default reports/)
  --format LIST         ${FORMATS.join(',')} or all (default all)
  --strict              a broken SHOULD fails the merged run too

Exit: as conform, for the merged run: 0, 1 non-conformance, 2 a shard could not reach the target or a
load could not run, 3 usage error (a file that is no report.json of schema 1, shards missing or given twice).`;

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    'report-dir': { type: 'string', default: 'reports' },
    format: { type: 'string', default: 'all' },
    strict: { type: 'boolean', default: false },
  }, true);
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('give the report.json files to merge');
  const formats = parseFormats(values.format);
  const reports = positionals.map((file) => readReport(file));
  let merged: Report;
  try {
    merged = mergeReports(reports, { strict: values.strict });
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(err.message);
    throw err;
  }
  console.error(`wireproof merge: ${reports.length} reports${reports[0].shard ? `, shards of ${reports[0].shard.split('/')[1]}` : ''}`);
  const written = await writeReports(merged, values['report-dir'], formats, { strict: values.strict });
  printSummary(merged, written);
  return merged.exitCode;
}
