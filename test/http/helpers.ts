import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { withTimeout } from '../../src/impl/common/errors';

export interface Fixture {
  /** Parent temp dir: holds `root/` (served) and `outside/` (must never be served). */
  dir: string;
  root: string;
  files: Record<string, Buffer>;
  secret: Buffer;
  remove(): void;
}

/** Every byte value, so a text-mode or charset mangling shows up. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/**
 * A root with text, binary, empty, nested, large files, an inside symlink, symlinks
 * (file and directory) pointing out of the root, and a FIFO; plus a secret outside it.
 */
export function makeFixture(): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wireproof-http-'));
  const root = path.join(dir, 'root');
  const outside = path.join(dir, 'outside');
  fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
  fs.mkdirSync(outside);
  const secret = Buffer.from('TOP-SECRET outside the root\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), secret);
  const large = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < large.length; i += 1) large[i] = (i * 31 + (i >> 11)) & 0xff;
  const files: Record<string, Buffer> = {
    'hello.txt': Buffer.from('hello, wireproof\nsecond line é\n'),
    'all.bin': ALL_BYTES,
    'page.html': Buffer.from('<!doctype html><title>t</title>\n'),
    'UPPER.TXT': Buffer.from('upper\n'),
    'no-extension': Buffer.from('x'),
    'empty.txt': Buffer.alloc(0),
    'large.bin': large,
    'sub/deeper/data.json': Buffer.from('{"a":1}\n'),
    'with space.txt': Buffer.from('spaced\n'),
    'index.html': Buffer.from('<p>index</p>\n'),
  };
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(root, name), bytes);
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(outside, path.join(root, 'escape-dir'));
  fs.symlinkSync(path.join('sub', 'deeper', 'data.json'), path.join(root, 'inside-link.txt'));
  return { dir, root, files, secret, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with an exact (unnormalised) path through Node's own client; no pooling. */
export function request(port: number, method: string, urlPath: string, body?: Buffer): Promise<RawResponse> {
  return withTimeout(new Promise<RawResponse>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  }), 5000, `${method} ${urlPath}`);
}

/** Sends raw bytes on a fresh TCP connection and returns everything read until the server closes. */
export function rawExchange(port: number, bytes: Buffer | string): Promise<string> {
  return withTimeout(new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(bytes); // no half-close: Node's server aborts requests still in progress on FIN
  }), 5000, 'raw exchange');
}

/** The status code of the first response in raw bytes (test inspection only). */
export function firstStatus(raw: string): number {
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(raw);
  if (!m) throw new Error(`no HTTP status line in ${JSON.stringify(raw.slice(0, 80))}`);
  return Number(m[1]);
}
