import path from 'node:path';

/**
 * What a request target turns into: the decoded path segments to look up under the
 * root, or the status that refuses it (400: not a well-formed target; 403: a target
 * that names something outside the root, or could on some file system).
 */
export type TargetVerdict =
  | { ok: true; segments: string[] }
  | { ok: false; status: 400 | 403; reason: string };

/**
 * Turns a raw request target (`req.url`, still percent-encoded) into path segments.
 * Pure: no file system. The target is split on `/` *before* decoding, so an encoded
 * slash stays inside its segment, where it is refused rather than becoming a separator.
 *
 * Rules, in order:
 * - only origin-form targets (`/...`) are served; absolute-form and `*` are 400;
 * - the query and fragment are ignored;
 * - a segment that is not valid percent-encoded UTF-8 makes the target 400;
 * - a decoded segment that is `.` or `..`, or holds `/`, `\` or NUL, is 403;
 * - an empty segment is 403 except the last one (`//etc/passwd` is refused; `/dir/`
 *   keeps its trailing empty segment, so `/file.txt/` never names the file).
 */
export function parseRequestTarget(target: string): TargetVerdict {
  if (!target.startsWith('/')) return { ok: false, status: 400, reason: 'only origin-form targets (/path) are served' };
  const rawPath = target.replace(/[?#].*$/s, '');
  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { ok: false, status: 400, reason: `bad percent-encoding in ${JSON.stringify(raw)}` };
    }
  }
  for (const [i, segment] of segments.entries()) {
    const refusal = refuseSegment(segment, i === segments.length - 1);
    if (refusal) return { ok: false, status: 403, reason: refusal };
  }
  return { ok: true, segments };
}

function refuseSegment(segment: string, isLast: boolean): string | undefined {
  if (segment === '.' || segment === '..') return 'dot segment';
  if (segment === '' && !isLast) return 'empty segment';
  if (/[/\\\0]/.test(segment)) return 'separator or NUL inside a segment';
  return undefined;
}

/**
 * The file-system path that accepted segments name under the root. A trailing empty
 * segment keeps its slash, so that only a directory can match it.
 */
export function pathUnderRoot(root: string, segments: readonly string[]): string {
  const joined = path.join(root, ...segments);
  return segments[segments.length - 1] === '' && !joined.endsWith(path.sep) ? joined + path.sep : joined;
}

/** Whether `candidate` is `root` or lies below it (both already resolved by realpath). */
export function isInsideRoot(root: string, candidate: string): boolean {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate === root || candidate.startsWith(prefix);
}
