import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import fc from 'fast-check';

import { CobraClient } from '../../src/impl/cobra/client';
import { smallProgram } from '../../src/conform/cobra/arbitraries';
import { CobraServer, startCobraServer } from '../../src/impl/cobra/server';
import { freeTrace, runPython, stepToEnd, tempDir, writeProgram } from './helpers';

let root: string;
let server: CobraServer;
let client: CobraClient;

before(async () => {
  root = await tempDir();
  server = await startCobraServer({ root, filePort: 0, controlPort: 0 });
  client = await CobraClient.connect({ filePort: server.filePort, controlPort: server.controlPort });
});
after(async () => {
  client.disconnect();
  await server.close();
  await fs.rm(root, { recursive: true, force: true });
});

it('stepping a program through the server visits exactly its free trace and leaves its output unchanged', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(smallProgram, async (text) => {
      const file = await writeProgram(root, `prog${run++}.py`, text);
      const outputBefore = client.output.length;
      const { steps, end } = await stepToEnd(client, await client.load(path.basename(file)));
      const events = client.output.slice(outputBefore);
      const [free, plain] = await Promise.all([freeTrace(file), runPython([file], root)]);
      assert.deepEqual(steps.map((s) => `${s.offset} ${s.opname}`), free.trace);
      assert.equal(events.filter((e) => e.stream === 'stdout').map((e) => e.text).join(''), plain.stdout);
      assert.equal(events.filter((e) => e.stream === 'stderr').map((e) => e.text).join(''), plain.stderr);
      assert.deepEqual(end, { state: 'FINISHED', exitCode: plain.exitCode });
      assert.equal(free.run.stdout, plain.stdout, 'the free-running tracer leaves output unchanged too');
    }),
    { numRuns: 15 },
  );
});
