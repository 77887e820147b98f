import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { parseToxic } from '../../src/chaos/parse';
import { main } from '../../src/cli/main';
import { UsageError } from '../../src/conform/errors';
import { connectTo, receiveAll, startEchoUpstream } from './helpers';

test('parseToxic reads every toxic, with and without a direction', () => {
  const cases: [string, unknown][] = [
    ['latency:ms=50,jitter=10', { type: 'latency', ms: 50, jitter: 10 }],
    ['down:bandwidth:rate=65536', { type: 'bandwidth', bytesPerSecond: 65536, direction: 'downstream' }],
    ['slicer:size=8,variation=4,delay=1', { type: 'slicer', averageSize: 8, sizeVariation: 4, delayMs: 1 }],
    ['up:reset:after=1000', { type: 'reset', afterBytes: 1000, direction: 'upstream' }],
    ['stall:after=0', { type: 'stall', afterBytes: 0 }],
    ['stall', { type: 'stall' }],
    ['close:after=500', { type: 'close', afterBytes: 500 }],
    ['latency:ms=0.5', { type: 'latency', ms: 0.5 }],
  ];
  for (const [text, spec] of cases) assert.deepEqual(parseToxic(text), spec, text);
});

test('parseToxic refuses bad specs with a UsageError that says why', () => {
  const bad: [string, RegExp][] = [
    ['', /unknown toxic ""/],
    ['boom:after=1', /unknown toxic "boom"/],
    ['sideways:latency:ms=1', /expected \[up:\|down:\]NAME/],
    ['up:down:latency:ms=1', /expected \[up:\|down:\]NAME/],
    ['latency', /latency needs ms=/],
    ['latency:jitter=3', /latency needs ms=/],
    ['latency:ms', /"ms" is not KEY=VALUE/],
    ['latency:ms=abc', /ms must be a number, got "abc"/],
    ['latency:ms=-5', /ms must be a number, got "-5"/],
    ['latency:ms=1,ms=2', /ms given twice/],
    ['latency:ms=1,rate=5', /latency takes ms, jitter, not "rate"/],
    ['slicer:size=0', /size must be an integer >= 1, got "0"/],
    ['reset:after=1.5', /after must be an integer >= 0, got "1.5"/],
    ['bandwidth:rate=0', /rate must be a number >= 1/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseToxic(text), (err: Error) => err instanceof UsageError && message.test(err.message), text);
  }
});

test('wireproof proxy refuses a bad command line with exit 3', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const bad = [
    ['--listen', '0'],
    ['--upstream', 'nowhere'],
    ['--upstream', '127.0.0.1:1', '--listen', '70000'],
    ['--upstream', '127.0.0.1:1', '--toxic', 'latency:ms=x'],
    ['--upstream', '127.0.0.1:1', '--seed', '-1'],
    ['--upstream', '127.0.0.1:1', '--bogus'],
  ];
  for (const args of bad) assert.equal(await main(['proxy', ...args]), 3, args.join(' '));
  t.mock.method(console, 'log', () => undefined);
  assert.equal(await main(['proxy', '--help']), 0);
});

test('wireproof proxy runs a proxy until SIGTERM', async () => {
  const echo = await startEchoUpstream();
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'wireproof.js');
  const child = spawn(process.execPath, [bin, 'proxy', '--upstream', `127.0.0.1:${echo.port}`, '--listen', '0', '--toxic', 'down:latency:ms=20', '--toxic', 'slicer:size=3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const listening = new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (text: string) => {
        stdout += text;
        const m = /^proxy listening on 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+)$/m.exec(stdout);
        if (m) resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
    });
    const [, port, upstreamPort] = await listening;
    assert.equal(Number(upstreamPort), echo.port);
    const client = await connectTo({ host: '127.0.0.1', port: Number(port) });
    const outcome = receiveAll(client);
    client.end('through the proxy');
    const { data, how } = await outcome;
    assert.equal(data.toString(), 'through the proxy');
    assert.equal(how, 'end');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
    assert.match(stdout, /proxy stopped/);
  } finally {
    child.kill();
    await echo.close();
  }
});
