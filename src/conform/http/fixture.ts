/**
 * What the suite knows is on the target: the files of features/http/root/, which every
 * http target serves as its root. Where the suite owns the root (embedded, or --spawn
 * with `{root}`) it serves a fresh copy with more beside it: a large generated file,
 * symlinks that leave the root, and a canary file just outside it whose random content
 * must never come back.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../srs';
import { Unsupported } from '../errors';

export const FIXTURE_ROOT = path.join(PROJECT_ROOT, 'features', 'http', 'root');

/** The canary's name, beside the root (so `/../NAME` names it); no file of that name is inside the root. */
export const CANARY_NAME = 'wireproof-canary.txt';

/** Generated where the suite owns the root: too large for the repository. */
export const LARGE_FILE = 'large.bin';
export const LARGE_FILE_SIZE = 8 * 1024 * 1024 + 13;

/** Symlinks created where the suite owns the root: two leave it, one stays inside. */
export const SYMLINKS = {
  fileOutside: 'escape-link.txt',
  dirOutside: 'escape-dir',
  inside: 'inside-link.txt',
} as const;

/** Every file of the fixture root, by its path under the root. */
export const FIXTURE_FILES = [
  'hello.txt', 'page.html', 'data.json', 'pixel.png', 'all-bytes.bin', 'no-extension', 'empty.txt', 'with space.txt',
  'sub/nested.txt', 'sub/deeper/leaf.txt',
];

/** The bytes of the large file: a pattern that is not periodic at any small power of two. */
export function largeFileBytes(): Buffer {
  const bytes = Buffer.alloc(LARGE_FILE_SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

/** The exact bytes of a fixture file (features/http/root/NAME). */
export function fixtureBytes(name: string): Promise<Buffer> {
  return fs.readFile(path.join(FIXTURE_ROOT, ...name.split('/')));
}

/** ProtocolPlugin.prepareRoot: `base/root` (the copy served) and `base/wireproof-canary.txt`. */
export async function prepareHttpRoot(base: string): Promise<string> {
  const root = path.join(base, 'root');
  await fs.cp(FIXTURE_ROOT, root, { recursive: true });
  await fs.writeFile(path.join(base, CANARY_NAME), `CANARY-${randomBytes(16).toString('hex')}\n`);
  await fs.writeFile(path.join(root, LARGE_FILE), largeFileBytes());
  await fs.symlink(path.join('..', CANARY_NAME), path.join(root, SYMLINKS.fileOutside));
  await fs.symlink('..', path.join(root, SYMLINKS.dirOutside));
  await fs.symlink(path.join('sub', 'nested.txt'), path.join(root, SYMLINKS.inside));
  return root;
}

/** The canary's content, where the suite owns the root; undefined against a target it does not own. */
export async function canaryOf(root: string | undefined): Promise<Buffer | undefined> {
  return root === undefined ? undefined : fs.readFile(path.join(root, '..', CANARY_NAME));
}

/** For cases that need what only an owned root has (generated files, symlinks, the canary). */
export function requireOwnedRoot(root: string | undefined, what: string): string {
  if (root === undefined) {
    throw new Unsupported(`${what} needs a root the suite prepares: run against the embedded server, or --spawn with {root} in the command`);
  }
  return root;
}
