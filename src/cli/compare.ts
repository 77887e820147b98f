import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommand } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { readReport } from '../report/json';
import { compareExitCode, compareReports, runLabels, type Comparison } from '../report/compare';
import { renderCompareHtml } from '../report/compare-html';
import { renderCompareMarkdown } from '../report/compare-markdown';

const HELP = `wireproof compare: runs side by side, a column per run and a row per requirement, into one page

Usage: wireproof compare A.json B.json [C.json ...] [--label NAME]... [--out DIR]

  A.json ...     report.json files of conform runs (or npm run ver); the first is the one the others are judged against
  --label NAME   the column title of each run, in order (repeatable); default: the report's target
  --out DIR      where compare.html and compare.md go (default reports/)

The differences from the first run come first: regressions (a later run fails a requirement
the first did not, or fails it worse: PASS -> FAIL, ERROR -> FAIL), then fixes.

Exit: 0 no later run regresses on the first; 1 a later run regresses; 3 usage error, or a file
that cannot be read or is not a report.json.`;

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    label: { type: 'string', multiple: true },
    out: { type: 'string', default: 'reports' },
  }, true);
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (positionals.length < 2) throw new UsageError(`compare needs at least two report.json files, got ${positionals.length}`);
  const labels = values.label ?? [];
  if (labels.length > positionals.length) throw new UsageError(`${labels.length} --label values for ${positionals.length} reports`);
  const reports = positionals.map((source) => ({ source, report: readReport(source) }));
  const names = runLabels(reports, labels);
  const comparison = compareReports(reports.map((r, index) => ({ ...r, label: names[index] })));
  await mkdir(values.out, { recursive: true });
  const written = [
    await write(path.join(values.out, 'compare.html'), renderCompareHtml(comparison)),
    await write(path.join(values.out, 'compare.md'), renderCompareMarkdown(comparison)),
  ];
  printDifferences(comparison);
  for (const file of written) console.log(`report: ${path.relative(process.cwd(), file) || file}`);
  const code = compareExitCode(comparison);
  console.log(`exit ${code}`);
  return code;
}

async function write(file: string, text: string): Promise<string> {
  await writeFile(file, text, 'utf8');
  return file;
}

function printDifferences({ runs, rows, regressions, fixes }: Comparison): void {
  for (const row of rows) {
    row.changes.forEach((change, index) => {
      if (change !== 'regression' && change !== 'fix') return;
      console.log(`${change === 'regression' ? 'REGRESSION' : 'FIX       '} ${row.id} (${row.level}): ${runs[0].label} ${row.results[0]!.verdict} -> ${runs[index].label} ${row.results[index]!.verdict}`);
    });
  }
  console.log(`${runs.length} runs, ${rows.length} requirements: ${regressions} regressed, ${fixes} fixed on the first run (${runs[0].label})`);
}
