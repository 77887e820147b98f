/**
 * How the wireproof commands end. Standard output may be a pipe (a CI log, `| less`), which
 * takes 64 KiB at a time: process.exit() before it drained would cut the output short.
 */

/** Exits with `code` once what was written to standard output and error is flushed. */
export function exitFlushed(code: number): void {
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

/** A reader that went away (`| head`) has all it wanted: the run goes on and ends with its own code. */
export function ignoreClosedOutput(): void {
  process.stdout.on('error', () => {});
}
