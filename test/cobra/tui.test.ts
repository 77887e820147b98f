import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { it } from 'node:test';

import { startCobraServer } from '../../src/impl/cobra/server';
import { renderScreen, runCobraTui } from '../../src/impl/cobra/tui';
import { tempDir, writeProgram } from './helpers';

const ESC = String.fromCharCode(27);
const stripAnsi = (text: string) => text.replace(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g'), '');

it('renderScreen marks the current line and shows the instruction and the output', () => {
  const screen = stripAnsi(renderScreen('/p.py', ['a = 1', 'print(a)'], {
    state: 'STANDBY', file: '/p.py', line: 2, offset: 8, opcode: 101, arg: 0, opname: 'LOAD_NAME', argrepr: 'print',
  }, 'out\x1b[31m\n'));
  assert.match(screen, /^ {2}\s+1 {2}a = 1$/m);
  assert.match(screen, /^> {4}2 {2}print\(a\)$/m);
  assert.match(screen, /offset 8 {2}LOAD_NAME 0 \(print\) {2}\[opcode 101\]/);
  assert.match(screen, /^out\?\[31m$/m, 'the program cannot send escape sequences to the terminal');
});

it('runCobraTui steps on n/space/enter and closes the server on q', async () => {
  const root = await tempDir();
  const file = await writeProgram(root, 'tui.py', 'a = 1\nprint("shown")\n');
  const server = await startCobraServer({ root, filePort: 0, controlPort: 0 });
  try {
    const input = new PassThrough();
    let screen = '';
    const output = new Writable({ write(chunk, _encoding, done) { screen += chunk.toString(); done(); } });
    const exitCode = runCobraTui({ file, filePort: server.filePort, controlPort: server.controlPort, input, output });
    // Enough steps to reach the end: extra keys after FINISHED are ignored.
    input.write('n \r\nnnnnnnnnnnnnnnnnnnnnnn');
    input.write('q');
    assert.equal(await exitCode, 0);
    await server.closed; // q sent close: the server stopped listening
    const text = stripAnsi(screen);
    assert.match(text, /^> {4}1 {2}a = 1$/m);
    assert.match(text, /LOAD_CONST 0 \(1\)/);
    assert.match(text, /^shown$/m);
    assert.match(text, /FINISHED {2}exit code 0/);
  } finally {
    await server.close();
    await fs.rm(root, { recursive: true, force: true });
  }
});

it('runCobraTui loads its program by URL through the http client, from a file server over the same root', async () => {
  const { startHttpServer } = await import('../../src/impl/http/server');
  const root = await tempDir();
  await writeProgram(root, 'web.py', 'b = 2\nprint("from the web")\n');
  const cobra = await startCobraServer({ root, filePort: 0, controlPort: 0 });
  const files = await startHttpServer({ root, port: 0 });
  try {
    const input = new PassThrough();
    let screen = '';
    const output = new Writable({ write(chunk, _encoding, done) { screen += chunk.toString(); done(); } });
    const url = `http://${files.host}:${files.port}/web.py`;
    const exitCode = runCobraTui({ file: url, filePort: cobra.filePort, controlPort: cobra.controlPort, input, output });
    input.write('nnnnnnnnnnnnnnnnnnnn');
    input.write('q');
    assert.equal(await exitCode, 0);
    const text = stripAnsi(screen);
    assert.match(text, /^> {4}1 {2}b = 2$/m, 'the source fetched by URL is shown');
    assert.match(text, /^from the web$/m, 'the server ran the program the URL names');
    const missing = await runCobraTui({ file: `http://${files.host}:${files.port}/nope.py`, filePort: cobra.filePort,
      controlPort: cobra.controlPort, input: new PassThrough(), output });
    assert.equal(missing, 1);
    assert.match(screen, /nope\.py answered 404/);
  } finally {
    await files.close();
    await cobra.close();
    await fs.rm(root, { recursive: true, force: true });
  }
});
