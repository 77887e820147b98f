import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Where a requested program path leads: a runnable file under the root, or why not. */
export type JailVerdict = { file: string } | { error: string };

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative));
}

/**
 * Resolves a client's path (relative ones against the root) to the real file it names,
 * which must be a regular `.py` file inside the real root after `..` and every symlink
 * are resolved. Every path that does not lead inside the root gets the same answer,
 * whether it exists or not, so the jail tells nothing about the rest of the file system.
 *
 * @param realRoot the root directory, already passed through realpath
 */
export async function resolveInJail(realRoot: string, requested: string): Promise<JailVerdict> {
  if (requested === '') return { error: 'empty path' };
  if (requested.includes('\0')) return { error: 'a path cannot contain NUL' };
  const outside = { error: `outside the root: ${requested}` };
  const lexical = path.resolve(realRoot, requested);
  let real: string;
  try {
    // The path as sent, not `lexical`: path.resolve would drop "x.py/", "x.py/." and
    // "x.py/../", which the file system refuses (a file is not a directory).
    real = await fs.realpath(path.isAbsolute(requested) ? requested : `${realRoot}${path.sep}${requested}`);
  } catch (err) {
    if (!isInside(realRoot, lexical)) return outside;
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' || code === 'ENOTDIR' ? `no such file: ${requested}` : `cannot resolve ${requested}: ${code}` };
  }
  if (!isInside(realRoot, real)) return outside;
  const stat = await fs.stat(real).catch(() => undefined);
  if (!stat) return { error: `no such file: ${requested}` };
  if (stat.isDirectory()) return { error: `a directory, not a file: ${requested}` };
  if (!stat.isFile()) return { error: `not a regular file: ${requested}` };
  if (path.extname(real) !== '.py') return { error: `not a .py file: ${requested}` };
  return { file: real };
}
