/** Writes the chosen report formats into the report directory (`--report-dir`, `--format`). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import type { Report } from './types';
import { UsageError } from '../conform/errors';

export type Format = 'json' | 'html' | 'md' | 'junit';

export interface WriteOptions {
  /** As `conform --strict`: NON-STRICT cases are JUnit failures. */
  strict?: boolean;
}

const WRITERS: Record<Format, { file: string; render: (report: Report, options: WriteOptions) => string }> = {
  json: { file: 'report.json', render: (report) => renderJson(report) },
  html: { file: 'report.html', render: (report) => renderHtml(report) },
  md: { file: 'report.md', render: (report) => renderMarkdown(report) },
  junit: { file: 'junit.xml', render: (report, options) => renderJunit(report, { strict: options.strict }) },
};

export const FORMATS = Object.keys(WRITERS) as Format[];

/** A bad `--format` value: a usage error (exit 3). */
export class UnknownFormatError extends UsageError {
  override name = 'UnknownFormatError';
}

/** Parses a `--format` list such as "json,html" ("all" = every format). */
export function parseFormats(list: string): Format[] {
  const names = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.includes('all')) return [...FORMATS];
  for (const name of names) {
    if (!(FORMATS as string[]).includes(name)) {
      throw new UnknownFormatError(`unknown report format "${name}" (expected ${FORMATS.join(', ')} or all)`);
    }
  }
  if (names.length === 0) throw new UnknownFormatError(`no report format given (expected ${FORMATS.join(', ')} or all)`);
  return [...new Set(names as Format[])];
}

/** Writes each format once, creating `dir`; returns the paths written, in `formats` order. */
export async function writeReports(report: Report, dir: string, formats: readonly Format[], options: WriteOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const format of new Set(formats)) {
    const writer = WRITERS[format];
    if (writer === undefined) throw new UnknownFormatError(`unknown report format "${String(format)}"`);
    const path = join(dir, writer.file);
    await writeFile(path, writer.render(report, options), 'utf8');
    paths.push(path);
  }
  return paths;
}
