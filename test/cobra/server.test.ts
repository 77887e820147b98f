import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CobraClient, CobraError } from '../../src/impl/cobra/client';
import { CobraStatus } from '../../src/impl/cobra/protocol';
import { CobraServer } from '../../src/impl/cobra/server';
import { freeTrace, pidIsAlive, startPair, stepToEnd, tempDir, writeProgram } from './helpers';

const LOAD_CONST = Number(execFileSync('python3', ['-c', 'import dis; print(dis.opmap["LOAD_CONST"])'], { encoding: 'utf8' }));

let base: string;
let root: string;
let outside: string;

before(async () => {
  base = await tempDir();
  root = path.join(base, 'root');
  outside = path.join(base, 'elsewhere');
  await fs.mkdir(root);
  await fs.mkdir(outside);
});
after(() => fs.rm(base, { recursive: true, force: true }));

/** Runs `body` against a fresh server and client; closes both whatever happens. */
async function withPair(body: (client: CobraClient, server: CobraServer) => Promise<void>, options = {}) {
  const { server, client } = await startPair(root, options);
  try {
    await body(client, server);
  } finally {
    client.disconnect();
    await server.close();
  }
}

describe('cobra root jail', () => {
  it('refuses paths that do not lead to a .py file under the root, and runs nothing', async () => {
    const marker = path.join(base, 'ran.txt');
    const escapee = `open(${JSON.stringify(marker)}, "w").write("ran")\n`;
    const outsideProgram = await writeProgram(outside, 'evil.py', escapee);
    await fs.symlink(outsideProgram, path.join(root, 'link.py'));
    await fs.mkdir(path.join(root, 'dir.py'));
    await writeProgram(root, 'notes.txt', escapee);
    await writeProgram(root, 'good.py', 'x = 1\n');
    const refused: Record<string, RegExp> = {
      '../elsewhere/evil.py': /outside the root/,
      'link.py': /outside the root/,
      [outsideProgram]: /outside the root/,
      [path.join(outside, 'missing.py')]: /outside the root/,
      'missing.py': /no such file/,
      'good.py/': /no such file/, // a file is not a directory, whatever path.resolve makes of it
      'good.py/../good.py': /no such file/,
      'dir.py': /directory/,
      'notes.txt': /not a \.py file/,
      '': /empty path/,
    };
    await withPair(async (client) => {
      for (const [requested, expected] of Object.entries(refused)) {
        await assert.rejects(client.load(requested), (err: Error) => err instanceof CobraError && expected.test(err.message), requested);
      }
      // Nothing runs: no program to step, and the next valid path starts at once.
      assert.deepEqual(await client.command('next'), { error: 'no program is running' });
      const first = await client.load('good.py');
      assert.equal(first.state, 'STANDBY');
      assert.equal(first.state === 'STANDBY' && first.file, path.join(root, 'good.py'));
    });
    await assert.rejects(fs.access(marker), 'the refused program must not have run');
  });

  it('accepts an absolute path inside the root and reports the real path', async () => {
    const file = await writeProgram(root, 'abs.py', 'y = 2\n');
    await fs.symlink(file, path.join(root, 'alias.py'));
    await withPair(async (client, server) => {
      const raw = net.connect(server.filePort, '127.0.0.1');
      raw.write(`${path.join(root, 'alias.py')}\n`);
      const [reply] = await new Promise<string[]>((resolve) => raw.once('data', (chunk) => resolve(chunk.toString().split('\n'))));
      raw.destroy();
      assert.deepEqual(JSON.parse(reply), { ok: true, file });
      assert.equal((await client.waitStatus()).state, 'STANDBY');
    });
  });
});

describe('cobra stepping', () => {
  it('steps a program instruction by instruction to FINISHED, with its output in order', async () => {
    const file = await writeProgram(root, 'hello.py', 'x = 1\nprint("hello")\nimport sys\nprint("oops", file=sys.stderr)\n');
    await withPair(async (client) => {
      const events: string[] = [];
      const first = await client.load('hello.py');
      assert.deepEqual(first, {
        state: 'STANDBY', file, line: 1, offset: first.state === 'STANDBY' ? first.offset : -1,
        opcode: LOAD_CONST, arg: 0, opname: 'LOAD_CONST', argrepr: '1',
      });
      let status: CobraStatus = first;
      while (status.state === 'STANDBY') {
        const outputBefore = client.output.length;
        status = await client.next();
        // Output text may come in any number of events (the program writes unbuffered):
        // what one step wrote to one stream in a row is joined before it is compared.
        const step: string[] = [];
        for (const event of client.output.slice(outputBefore)) {
          if (step.length > 0 && step[step.length - 1].startsWith(`${event.stream}:`)) step[step.length - 1] += event.text;
          else step.push(`${event.stream}:${event.text}`);
        }
        events.push(...step);
        events.push(status.state === 'STANDBY' ? `line ${status.line} ${status.opname}` : status.state);
      }
      assert.deepEqual(status, { state: 'FINISHED', exitCode: 0 });
      // The output of print arrives before the status that follows the call.
      const hello = events.indexOf('stdout:hello\n');
      const oops = events.indexOf('stderr:oops\n');
      assert.ok(hello > 0 && oops > hello, events.join(' | '));
      assert.match(events[hello + 1], /^line 2 /);
      assert.match(events[oops + 1], /^line 4 |^FINISHED$/);
      // The trace matches the free run of the tracer exactly.
      const { trace } = await freeTrace(file);
      assert.equal(events.filter((e) => e.startsWith('line ')).length + 1, trace.length);
    });
  });

  it('steps into functions, classes, comprehensions and generators of the file, never into the stdlib', async () => {
    const file = await writeProgram(root, 'shapes.py', [
      'import json',
      'def twice(n):',
      '    return n * 2',
      'class Box:',
      '    size = 3',
      'def gen():',
      '    yield 7',
      'squares = [i * i for i in range(2)]',
      'total = twice(Box.size) + next(gen()) + len(json.dumps(squares))',
      '',
    ].join('\n'));
    await withPair(async (client) => {
      const { steps, end } = await stepToEnd(client, await client.load(file));
      assert.deepEqual(end, { state: 'FINISHED', exitCode: 0 });
      const lines = new Set(steps.map((s) => s.line));
      for (const line of [3, 5, 7, 8, 9]) assert.ok(lines.has(line), `line ${line} stepped`);
      assert.ok(steps.every((s) => s.file === file));
      const { trace } = await freeTrace(file);
      assert.deepEqual(steps.map((s) => `${s.offset} ${s.opname}`), trace);
      assert.ok(steps.length < 150, `json.dumps must run without stopping (${steps.length} steps)`);
    });
  });

  it('reports the exit code of sys.exit(3)', async () => {
    await writeProgram(root, 'exit3.py', 'import sys\nsys.exit(3)\n');
    await withPair(async (client) => {
      const { end } = await stepToEnd(client, await client.load('exit3.py'));
      assert.deepEqual(end, { state: 'FINISHED', exitCode: 3 });
    });
  });

  it('reports an uncaught exception as its traceback on stderr and FINISHED with exit code 1', async () => {
    await writeProgram(root, 'boom.py', 'def boom():\n    return 1 // 0\nboom()\n');
    await writeProgram(root, 'syntax.py', 'x = (\n');
    await withPair(async (client) => {
      const { end } = await stepToEnd(client, await client.load('boom.py'));
      assert.deepEqual(end, { state: 'FINISHED', exitCode: 1 });
      const stderr = client.output.filter((e) => e.stream === 'stderr').map((e) => e.text).join('');
      assert.match(stderr, /^Traceback \(most recent call last\):\n {2}File ".*boom\.py", line 3, in <module>/);
      assert.match(stderr, /ZeroDivisionError: integer division or modulo by zero\n$/);
      assert.doesNotMatch(stderr, /tracer\.py/);
      // A program that does not compile ends before its first instruction.
      assert.deepEqual(await client.load('syntax.py'), { state: 'FINISHED', exitCode: 1 });
      assert.match(client.output.map((e) => e.text).join(''), /SyntaxError/);
    });
  });

  it('reports a killed program as ERROR, without a request', async () => {
    await writeProgram(root, 'victim.py', 'import os\nprint(os.getpid())\nx = 1\n');
    await withPair(async (client) => {
      let status = await client.load('victim.py');
      while (client.output.length === 0 && status.state === 'STANDBY') status = await client.next();
      const pid = Number(client.output[0].text);
      process.kill(pid, 'SIGKILL');
      assert.deepEqual(await client.waitStatus(), { state: 'ERROR', error: 'python was killed by SIGKILL' });
      assert.deepEqual(await client.command('next'), { error: 'no program is running' });
    });
  });

  it('gives the program a closed stdin', async () => {
    await writeProgram(root, 'stdin.py', 'import sys\nprint(repr(sys.stdin.read()))\n');
    await withPair(async (client) => {
      const { end } = await stepToEnd(client, await client.load('stdin.py'));
      assert.deepEqual(end, { state: 'FINISHED', exitCode: 0 });
      assert.equal(client.output.map((e) => e.text).join(''), "''\n");
    });
  });
});

describe('cobra commands and sessions', () => {
  it('answers an unknown command with an error and changes nothing', async () => {
    const file = await writeProgram(root, 'three.py', 'a = 1\nb = 2\nc = a + b\n');
    const { trace } = await freeTrace(file);
    await withPair(async (client) => {
      const first = await client.load('three.py');
      assert.deepEqual(await client.command('step'), { error: 'unknown command: "step"' });
      assert.deepEqual(await client.command(''), { error: 'unknown command: ""' });
      assert.deepEqual(client.status, first);
      assert.deepEqual(await client.command('x'.repeat(5000)), { error: 'command longer than 4096 bytes' });
      const second = await client.next();
      assert.equal(second.state === 'STANDBY' && `${second.offset} ${second.opname}`, trace[1]);
    });
  });

  it('answers commands in order, however they are split into segments', async () => {
    const file = await writeProgram(root, 'merged.py', 'a = 1\nb = 2\nc = a + b\n');
    const { trace } = await freeTrace(file);
    await withPair(async (client, server) => {
      await client.load('merged.py');
      client.disconnect(); // make room for a raw control connection: the program goes with the client
      const control = net.connect(server.controlPort, '127.0.0.1');
      const files = net.connect(server.filePort, '127.0.0.1');
      try {
        const lines: string[] = [];
        let wake = () => {};
        control.on('data', (chunk) => { lines.push(...chunk.toString().split('\n').filter((l) => l !== '')); wake(); });
        const received = async (count: number) => {
          while (lines.length < count) await new Promise<void>((resolve) => { wake = resolve; });
          return lines.slice(0, count).map((l) => JSON.parse(l));
        };
        await new Promise((resolve) => control.once('connect', resolve));
        await retryUntil(async () => {
          files.write('merged.py\n');
          const reply = await new Promise<string>((resolve) => files.once('data', (chunk) => resolve(chunk.toString())));
          if (!JSON.parse(reply).ok) throw new Error(reply);
        });
        await received(1);
        control.write('next\nbogus\nne');
        control.write('xt\r\nnext\n');
        const replies = await received(5);
        assert.deepEqual(replies.slice(1).map((r) => r.error ?? `${r.offset} ${r.opname}`),
          [trace[1], 'unknown command: "bogus"', trace[2], trace[3]]);
      } finally {
        control.destroy();
        files.destroy();
      }
    });
  });

  it('refuses a path while a program runs and starts the next program after the end', async () => {
    await writeProgram(root, 'one.py', 'v = 1\n');
    await writeProgram(root, 'two.py', 'w = 2\n');
    await withPair(async (client) => {
      const first = await client.load('one.py');
      await assert.rejects(client.load('two.py'), /a program is already running/);
      assert.deepEqual(client.status, first, 'the refused path changed nothing');
      await stepToEnd(client, first);
      const second = await client.load('two.py');
      assert.equal(second.state === 'STANDBY' && second.file, path.join(root, 'two.py'));
    });
  });

  it('takes one control client at a time; a leaving client takes its program with it', async () => {
    await writeProgram(root, 'wait.py', 'import os\nprint(os.getpid())\nz = 3\n');
    await withPair(async (client, server) => {
      const ports = { filePort: server.filePort, controlPort: server.controlPort };
      const second = await CobraClient.connect(ports);
      await assert.rejects(second.waitStatus(), /another client is attached/);
      second.disconnect();

      const first = await client.load('wait.py');
      const pid = Number((await stepUntilOutput(client)).trim());
      assert.ok(pidIsAlive(pid));
      client.disconnect();
      const third = await CobraClient.connect(ports);
      try {
        // Once the server saw the leave, the program is gone and a new one can start.
        const again = await retryUntil(() => third.load('wait.py'));
        assert.deepEqual(again, first);
        assert.ok(!pidIsAlive(pid) || (await exitedSoon(pid)), 'the left program was killed');
      } finally {
        third.disconnect();
      }
    });
  });

  it('close stops the program, disconnects the client and stops listening on both ports', async () => {
    await writeProgram(root, 'closing.py', 'import os\nprint(os.getpid())\nq = 4\n');
    const { server, client } = await startPair(root);
    try {
      await client.load('closing.py');
      const pid = Number((await stepUntilOutput(client)).trim());
      await client.close();
      await server.closed;
      assert.ok(!pidIsAlive(pid), 'the program was stopped');
      for (const port of [server.filePort, server.controlPort]) {
        await assert.rejects(CobraClient.connect({ filePort: port, controlPort: port, timeoutMs: 2000 }), /ECONNREFUSED/);
      }
    } finally {
      client.disconnect();
      await server.close();
    }
  });

  it('refuses a path when python cannot start, and runs nothing', async () => {
    await writeProgram(root, 'never.py', 'n = 0\n');
    await withPair(async (client) => {
      await assert.rejects(client.load('never.py'), /cannot start \/nonexistent\/python3/);
      assert.deepEqual(await client.command('next'), { error: 'no program is running' });
    }, { python: '/nonexistent/python3' });
  });
});

async function stepUntilOutput(client: CobraClient): Promise<string> {
  while (client.output.length === 0) {
    const status = await client.next();
    if (status.state !== 'STANDBY') throw new Error(`ended before any output: ${JSON.stringify(status)}`);
  }
  return client.output[0].text;
}

/** Retries while the server still reports the previous program (its leave is asynchronous). */
async function retryUntil<T>(attempt: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !/already running/.test((err as Error).message)) throw err;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

async function exitedSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && pidIsAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return !pidIsAlive(pid);
}
