/**
 * The resident memory of a server under load, where the suite knows its process: the
 * reference server it started, the process tree a --spawn command started (`sh -c` may sit
 * between the suite and the server, and a server may fork workers), or --pid N. VmRSS of
 * every process in the tree, summed, from /proc. Where nothing is known, nothing is guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryMeter {
  /** What is measured, for the report ("VmRSS of the process tree of pid 123 (the spawned command)"). */
  describe: string;
  /** Resident memory now, in MiB; undefined once the process is gone. */
  readMiB(): number | undefined;
}

/** VmRSS of one process in kB; undefined when it is gone (no status, or a zombie without VmRSS). */
function residentKb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The parent of every process, from /proc/<pid>/stat (its command name may hold spaces and parentheses). */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  return parentOf;
}

/** `pid` and all its descendants. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents()) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree: number[] = [];
  for (const queue = [pid]; queue.length > 0;) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

const toMiB = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** VmRSS summed over `pid` and every process it started; undefined once `pid` itself is gone. */
export function treeMemory(pid: number, what: string): MemoryMeter {
  return {
    describe: `VmRSS summed over the process tree of pid ${pid} (${what})`,
    readMiB: () => {
      if (residentKb(pid) === undefined) return undefined;
      return toMiB(processTree(pid).reduce((sum, p) => sum + (residentKb(p) ?? 0), 0));
    },
  };
}

/** Whether a process with this id exists (for --pid). */
export function processExists(pid: number): boolean {
  return residentKb(pid) !== undefined;
}
