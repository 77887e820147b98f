import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { ConnectionClosedError, ProtocolError, TimeoutError, withTimeout } from '../../src/impl/common/errors';
import { listenTcp, RunningServer } from '../../src/impl/common/net';
import { BodyTooLargeError, get, head } from '../../src/impl/http/client';
import { startHttpServer } from '../../src/impl/http/server';
import { ALL_BYTES, Fixture, makeFixture } from './helpers';

/** A plain Node http server for shapes our file server never sends (chunked bodies). */
async function startHandlerServer(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

describe('http client get()', () => {
  let fixture: Fixture;
  let server: RunningServer;
  const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

  before(async () => {
    fixture = makeFixture();
    server = await startHttpServer({ root: fixture.root });
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  test('returns status, lower-case headers and the exact bytes', async () => {
    const res = await get(url('/all.bin'));
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(ALL_BYTES));
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(res.headers['content-length'], '256');
    const large = await get(url('/large.bin'));
    assert.ok(large.body.equals(fixture.files['large.bin']));
  });

  test('an error status is a result, not an exception', async () => {
    const res = await get(url('/missing.txt'));
    assert.equal(res.status, 404);
    assert.equal(res.body.toString(), '404 Not Found\n');
  });

  test('a server that never answers is a TimeoutError', async () => {
    const silent = await listenTcp(() => undefined);
    try {
      const started = Date.now();
      const err = await get(`http://127.0.0.1:${silent.port}/`, { timeoutMs: 200 }).catch((e: unknown) => e);
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.timeoutMs, 200);
      assert.ok(Date.now() - started >= 190);
    } finally {
      await silent.close();
    }
  });

  test('a body that stalls after the headers is a TimeoutError', async () => {
    const stalling = await listenTcp((socket) => {
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc'));
    });
    try {
      await assert.rejects(get(`http://127.0.0.1:${stalling.port}/`, { timeoutMs: 300 }), TimeoutError);
    } finally {
      await stalling.close();
    }
  });

  test('a body over maxBytes is refused, whether announced by Content-Length or streamed chunked', async () => {
    await assert.rejects(get(url('/all.bin'), { maxBytes: 255 }), BodyTooLargeError);
    assert.equal((await get(url('/all.bin'), { maxBytes: 256 })).body.length, 256);
    const chunked = await startHandlerServer((_req, res) => {
      for (let i = 0; i < 10; i += 1) res.write(Buffer.alloc(1000, i));
      res.end();
    });
    try {
      const whole = await get(`http://127.0.0.1:${chunked.port}/`);
      assert.equal(whole.headers['transfer-encoding'], 'chunked');
      assert.equal(whole.body.length, 10_000);
      await assert.rejects(get(`http://127.0.0.1:${chunked.port}/`, { maxBytes: 4096 }), BodyTooLargeError);
    } finally {
      await chunked.close();
    }
  });

  test('a refused connection throws the socket error, a non-http URL a TypeError', async () => {
    const gone = await listenTcp(() => undefined);
    await gone.close();
    await assert.rejects(get(`http://127.0.0.1:${gone.port}/`), { code: 'ECONNREFUSED' });
    await assert.rejects(get('file:///etc/passwd'), TypeError);
    await assert.rejects(get('not a url'), TypeError);
  });
});

describe('http client get() against responses no correct server sends (what fetch got wrong)', () => {
  /** A raw server that answers every request with `answer`, then closes or keeps the connection open. */
  async function answering(answer: string, then: 'close' | 'keep', use: (url: string) => Promise<void>): Promise<void> {
    const server = await listenTcp((socket) => {
      let request = '';
      socket.on('data', (chunk: Buffer) => {
        request += chunk.toString('latin1');
        if (!request.includes('\r\n\r\n')) return;
        socket.write(answer);
        if (then === 'close') socket.end();
      });
    });
    try {
      await use(`http://127.0.0.1:${server.port}/x`);
    } finally {
      await server.close();
    }
  }

  test('an unsolicited 100 Continue before the response is skipped (fetch ended the call: "bad response")', async () => {
    await answering('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'keep', async (url) => {
      const res = await get(url, { timeoutMs: 2000 });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'ok');
    });
  });

  test('header values come without the whitespace around them (fetch kept what followed them)', async () => {
    await answering('HTTP/1.1 200 OK\r\nx-a:! \r\nx-b: \ta b\t \r\nContent-Length: 0\r\n\r\n', 'keep', async (url) => {
      const { headers } = await get(url, { timeoutMs: 2000 });
      assert.deepEqual([headers['x-a'], headers['x-b']], ['!', 'a b']);
    });
  });

  test('a quoted chunk extension holding ";" is ignored (fetch refused the body)', async () => {
    await answering('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;q="a;b"\r\nhello\r\n0\r\n\r\n', 'keep', async (url) => {
      assert.equal((await get(url, { timeoutMs: 2000 })).body.toString(), 'hello');
    });
  });

  test('chunk data not followed by CRLF is a ProtocolError (fetch delivered "hello" as the whole body)', async () => {
    await answering('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n', 'close', async (url) => {
      await assert.rejects(get(url, { timeoutMs: 2000 }), ProtocolError);
    });
  });

  test('an invalid Content-Length, an RTSP answer and a body over maxBytes are ProtocolErrors; a short body is a close', async () => {
    await answering('HTTP/1.1 200 OK\r\nContent-Length: 5, 12\r\n\r\nhello, world', 'close', async (url) => {
      await assert.rejects(get(url, { timeoutMs: 2000 }), ProtocolError);
    });
    await answering('RTSP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', 'close', async (url) => {
      await assert.rejects(get(url, { timeoutMs: 2000 }), (err: Error) => err instanceof ProtocolError && /HTTP status line/.test(err.message));
    });
    await answering('HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\nabc', 'keep', async (url) => {
      await assert.rejects(get(url, { timeoutMs: 2000, maxBytes: 1024 }), (err: Error) => err instanceof BodyTooLargeError && err instanceof ProtocolError);
    });
    await answering('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', 'close', async (url) => {
      await assert.rejects(get(url, { timeoutMs: 2000 }), ConnectionClosedError);
    });
  });

  test('head() reads no body, whatever Content-Length the answer carries', async () => {
    await answering('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', 'keep', async (url) => {
      const res = await head(url, { timeoutMs: 2000 });
      assert.deepEqual([res.status, res.headers['content-length'], res.body.length], [200, '1234', 0]);
    });
  });
});

describe('interoperability with Python (a server and a client no one here wrote)', () => {
  let fixture: Fixture;
  before(() => { fixture = makeFixture(); });
  after(() => fixture.remove());

  /** Starts `python3 -m http.server` on port 0 and reads the port it prints once it listens. */
  async function startPythonServer(root: string): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.resume(); // its access log
    const port = await withTimeout(new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = / port (\d+) /.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`python3 http.server exited (${code}) before listening: ${out}`)));
    }), 10_000, 'python3 http.server to listen');
    return { child, port };
  }

  test('get() against python3 -m http.server: exact bytes, headers, 404 and a followed redirect', async () => {
    const { child, port } = await startPythonServer(fixture.root);
    try {
      const base = `http://127.0.0.1:${port}`;
      const text = await get(`${base}/hello.txt`);
      assert.equal(text.status, 200);
      assert.ok(text.body.equals(fixture.files['hello.txt']));
      assert.equal(text.headers['content-length'], String(fixture.files['hello.txt'].length));
      assert.match(text.headers['content-type'], /^text\/plain/);
      const binary = await get(`${base}/all.bin`);
      assert.ok(binary.body.equals(ALL_BYTES));
      const large = await get(`${base}/large.bin`);
      assert.ok(large.body.equals(fixture.files['large.bin']));
      assert.equal((await get(`${base}/missing.txt`)).status, 404);
      const listing = await get(`${base}/sub`); // Python answers 301 to /sub/, which fetch follows
      assert.equal(listing.status, 200);
      assert.match(listing.body.toString(), /deeper\//);
    } finally {
      child.kill();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  });

  test('Python urllib (the seed\'s own client) reads our server: exact bytes, 404 and 405 as HTTPError', async () => {
    const server = await startHttpServer({ root: fixture.root });
    const script = [
      'import sys, urllib.request, urllib.error',
      'try:',
      '    req = urllib.request.Request(sys.argv[1], method=sys.argv[2])',
      '    sys.stdout.buffer.write(urllib.request.urlopen(req, timeout=5).read())',
      'except urllib.error.HTTPError as e:',
      '    print("HTTPError", e.code, e.headers.get("Allow"))',
    ].join('\n');
    const urlopen = async (p: string, method = 'GET') =>
      (await promisify(execFile)('python3', ['-c', script, `http://127.0.0.1:${server.port}${p}`, method], {
        encoding: 'buffer',
        maxBuffer: 16 * 1024 * 1024,
        timeout: 10_000,
      })).stdout;
    try {
      assert.ok((await urlopen('/all.bin')).equals(ALL_BYTES));
      assert.ok((await urlopen('/large.bin')).equals(fixture.files['large.bin']));
      assert.equal((await urlopen('/missing.txt')).toString(), 'HTTPError 404 None\n');
      assert.equal((await urlopen('/hello.txt', 'POST')).toString(), 'HTTPError 405 GET, HEAD\n');
    } finally {
      await server.close();
    }
  });
});
