import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { RunningServer } from '../../src/impl/common/net';
import { get } from '../../src/impl/http/client';
import { startHttpServer } from '../../src/impl/http/server';
import { firstStatus, Fixture, makeFixture, rawExchange, request } from './helpers';

const TYPES: Record<string, string> = {
  'hello.txt': 'text/plain; charset=utf-8',
  'all.bin': 'application/octet-stream',
  'page.html': 'text/html; charset=utf-8',
  'UPPER.TXT': 'text/plain; charset=utf-8',
  'no-extension': 'application/octet-stream',
  'empty.txt': 'text/plain; charset=utf-8',
  'large.bin': 'application/octet-stream',
  'sub/deeper/data.json': 'application/json',
  'with space.txt': 'text/plain; charset=utf-8',
  'index.html': 'text/html; charset=utf-8',
};

describe('http static server', () => {
  let fixture: Fixture;
  let server: RunningServer;
  const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;
  const encodePath = (name: string) => '/' + name.split('/').map(encodeURIComponent).join('/');

  before(async () => {
    fixture = makeFixture();
    execFileSync('mkfifo', [path.join(fixture.root, 'pipe.txt')]);
    server = await startHttpServer({ root: fixture.root, port: 0 });
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  test('an unknown method is refused 405 however its request line is cut into writes', async () => {
    const request = Buffer.from('BREW /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let cut = 1; cut < request.length; cut++) {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.setNoDelay(true);
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (d) => (answer += d));
      const closed = once(socket, 'close');
      // Two writes, the second a moment later, so the parser sees the line in two chunks.
      socket.write(request.subarray(0, cut));
      await new Promise((resolve) => setTimeout(resolve, 2));
      socket.write(request.subarray(cut));
      await closed;
      assert.match(answer, /^HTTP\/1\.1 405 /, `cut after ${cut} bytes: ${JSON.stringify(answer.slice(0, 40))}`);
    }
  });

  test('binds 127.0.0.1 on an ephemeral port and reports it', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0 && server.port < 65536);
  });

  test('GET returns every file byte for byte with its Content-Length and Content-Type', async () => {
    for (const [name, bytes] of Object.entries(fixture.files)) {
      const res = await request(server.port, 'GET', encodePath(name));
      assert.equal(res.status, 200, name);
      assert.ok(res.body.equals(bytes), `${name}: body differs`);
      assert.equal(res.headers['content-length'], String(bytes.length), name);
      assert.equal(res.headers['content-type'], TYPES[name], name);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('HEAD answers the same status and headers as GET, with no body', async () => {
    for (const name of Object.keys(fixture.files)) {
      const head = await request(server.port, 'HEAD', encodePath(name));
      const getRes = await request(server.port, 'GET', encodePath(name));
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      for (const h of ['content-length', 'content-type']) assert.equal(head.headers[h], getRes.headers[h], `${name} ${h}`);
    }
    const missing = await request(server.port, 'HEAD', '/missing.txt');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.length, 0);
  });

  test('the query string is ignored and percent-encoded names are decoded', async () => {
    const res = await request(server.port, 'GET', '/hello.txt?x=1&y=/../../etc/passwd');
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(fixture.files['hello.txt']));
    const spaced = await request(server.port, 'GET', '/with%20space.txt');
    assert.ok(spaced.body.equals(fixture.files['with space.txt']));
    const encodedLetters = await request(server.port, 'GET', '/%68ello.txt');
    assert.ok(encodedLetters.body.equals(fixture.files['hello.txt']));
  });

  test('404 for missing files, directories (no listing, no implied index.html), FIFOs and a file used as a directory', async () => {
    for (const p of ['/missing.txt', '/sub/missing.json', '/', '/sub', '/sub/', '/sub/deeper/', '/pipe.txt', '/hello.txt/', '/hello.txt/x']) {
      const res = await request(server.port, 'GET', p);
      assert.equal(res.status, 404, p);
      assert.equal(res.body.toString(), '404 Not Found\n');
    }
  });

  test('every other method is 405 with "Allow: GET, HEAD", never a 2xx, whatever the path', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      for (const p of ['/hello.txt', '/missing', '/../etc/passwd']) {
        const res = await request(server.port, method, p, method === 'POST' ? Buffer.alloc(100_000, 1) : undefined);
        assert.equal(res.status, 405, `${method} ${p}`);
        assert.equal(res.headers.allow, 'GET, HEAD');
      }
    }
    // CONNECT, and methods Node's parser does not know (it would call them malformed: 400).
    for (const line of ['CONNECT 127.0.0.1:22 HTTP/1.1', 'FOO /hello.txt HTTP/1.1', 'BREW /hello.txt HTTP/1.0']) {
      const raw = await rawExchange(server.port, `${line}\r\nHost: 127.0.0.1:22\r\n\r\n`);
      assert.equal(firstStatus(raw), 405, line);
      assert.match(raw, /\r\nAllow: GET, HEAD\r\n/);
    }
  });

  describe('paths that could leave the root never do', () => {
    // 403: refused by the target rules; 404: looked up under the root and not found there.
    const cases: Array<[string, number]> = [
      ['/../etc/passwd', 403],
      ['/../../../../../../etc/passwd', 403],
      ['/sub/../../outside/secret.txt', 403],
      ['/%2e%2e/outside/secret.txt', 403],
      ['/%2E%2E/outside/secret.txt', 403],
      ['/%2E%2E%2Foutside%2Fsecret.txt', 403],
      ['/..%2f..%2fetc%2fpasswd', 403],
      ['/sub%2f..%2f..%2foutside%2fsecret.txt', 403],
      ['/..\\..\\etc\\passwd', 403],
      ['/%5c..%5coutside%5csecret.txt', 403],
      ['/./hello.txt', 403],
      ['/%2e/hello.txt', 403],
      ['//etc/passwd', 403],
      ['/sub//deeper/data.json', 403],
      ['/%2fetc%2fpasswd', 403],
      ['/%00', 403],
      ['/hello.txt%00.png', 403],
      ['/escape.txt', 403],
      ['/escape-dir/secret.txt', 403],
      ['/escape-dir/', 403],
      ['/%252e%252e/outside/secret.txt', 404],
      ['/etc/passwd', 404],
    ];
    for (const [p, status] of cases) {
      test(`GET ${p} → ${status}`, async () => {
        const res = await request(server.port, 'GET', p);
        assert.equal(res.status, status);
        assert.ok(!res.body.includes(fixture.secret), 'the secret leaked');
        assert.ok(!res.body.includes('root:'), '/etc/passwd leaked');
      });
    }

    test('raw request targets Node\'s client would not send: absolute-form and raw NUL', async () => {
      for (const target of ['http://127.0.0.1/../outside/secret.txt', 'etc/passwd', '/hello.txt\0']) {
        const raw = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.equal(firstStatus(raw), 400, target);
        assert.ok(!raw.includes(fixture.secret.toString()));
      }
    });

    test('a symlink that stays inside the root is served, typed by the name asked for', async () => {
      const res = await request(server.port, 'GET', '/inside-link.txt');
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(fixture.files['sub/deeper/data.json']));
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    });
  });

  test('bad percent-encoding is 400', async () => {
    for (const p of ['/%', '/%zz', '/%2', '/a%g1', '/%e9', '/%c3%28', '/%ff%fe']) {
      const res = await request(server.port, 'GET', p);
      assert.equal(res.status, 400, p);
    }
  });

  test('malformed requests are answered 400 (431 for huge headers) and the server stays up', async () => {
    const bad = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /hello.txt HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /hello.txt HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', // a TLS ClientHello start
      `GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ];
    for (const bytes of bad) {
      const status = firstStatus(await rawExchange(server.port, Buffer.from(bytes, 'latin1')));
      assert.ok(status === 400 || status === 431, `${JSON.stringify(bytes.slice(0, 30))} → ${status}`);
    }
    const res = await request(server.port, 'GET', '/hello.txt');
    assert.equal(res.status, 200);
  });

  test('a client that goes away mid-download harms nothing', async () => {
    for (let i = 0; i < 5; i += 1) {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/large.bin', agent: false });
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      await once(res, 'data');
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      req.destroy();
      await once(req.socket!, 'close');
    }
    const res = await request(server.port, 'GET', '/large.bin');
    assert.ok(res.body.equals(fixture.files['large.bin']));
  });

  test('many concurrent requests (good and malformed, on fetch keep-alive and fresh sockets) all get their own answer', async () => {
    const names = Object.keys(fixture.files);
    const good = Array.from({ length: 120 }, async (_, i) => {
      const name = names[i % names.length];
      const res = await get(url(encodePath(name)), { timeoutMs: 10_000 });
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(fixture.files[name]), name);
    });
    const refused = Array.from({ length: 30 }, async (_, i) => {
      const res = await request(server.port, 'GET', i % 2 ? '/../etc/passwd' : '/%zz');
      assert.equal(res.status, i % 2 ? 403 : 400);
    });
    const garbage = Array.from({ length: 30 }, async () =>
      assert.equal(firstStatus(await rawExchange(server.port, 'NOT HTTP AT ALL\r\n\r\n')), 400));
    await Promise.all([...good, ...refused, ...garbage]);
  });
});

describe('http server lifecycle', () => {
  let fixture: Fixture;
  before(() => { fixture = makeFixture(); });
  after(() => fixture.remove());

  test('a root given through a symlink is served (the jail is its real path)', async () => {
    const linkedRoot = path.join(fixture.dir, 'root-link');
    fs.symlinkSync(fixture.root, linkedRoot);
    const server = await startHttpServer({ root: linkedRoot });
    try {
      assert.ok((await request(server.port, 'GET', '/hello.txt')).body.equals(fixture.files['hello.txt']));
      assert.equal((await request(server.port, 'GET', '/escape.txt')).status, 403);
    } finally {
      await server.close();
    }
  });

  test('a missing root or a file as root is refused at start', async () => {
    await assert.rejects(startHttpServer({ root: path.join(fixture.dir, 'nope') }), /ENOENT/);
    await assert.rejects(startHttpServer({ root: path.join(fixture.root, 'hello.txt') }), /not a directory/);
  });

  test('a busy port is a start error', async () => {
    const first = await startHttpServer({ root: fixture.root });
    try {
      await assert.rejects(startHttpServer({ root: fixture.root, port: first.port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  test('close() ends idle keep-alive connections, resolves `closed`, and the port stops accepting', async () => {
    const server = await startHttpServer({ root: fixture.root });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve) =>
        http.get({ host: '127.0.0.1', port: server.port, path: '/hello.txt', agent }, resolve));
      const socket = res.socket; // the agent takes it back (and res forgets it) once the body is read
      res.resume();
      await once(res, 'end');
      assert.ok(!socket.destroyed, 'the keep-alive connection is open before close()');
      socket.ref(); // the agent unrefs idle sockets; this one must keep the test alive until it closes
      const socketClosed = once(socket, 'close');
      await server.close();
      await server.closed;
      await socketClosed;
      const refused = net.connect(server.port, '127.0.0.1');
      const [err] = await once(refused, 'error');
      assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  test('close() lets a download in flight finish', async () => {
    const server = await startHttpServer({ root: fixture.root });
    try {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/large.bin', agent: false });
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      const closing = server.close();
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      await closing;
      assert.ok(Buffer.concat(chunks).equals(fixture.files['large.bin']));
    } finally {
      await server.close();
    }
  });
});
