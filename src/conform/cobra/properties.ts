import { promises as fs } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

import { decodeAll } from '../../impl/common/framer';
import { ControlMessage, messageLine, parseControlMessage } from '../../impl/cobra/protocol';
import { LineFramer, OVERSIZED_PACKET } from '../../impl/oneline/framer';
import { WireDriver } from '../driver';
import { Unsupported } from '../errors';
import { expectConform } from '../properties';
import { anyText } from '../arbitraries';
import type { LiveContext, PropertyCase } from '../protocol';
import { smallProgram } from './arbitraries';
import { CobraControl, expectOk, sendPath } from './control';
import { freeTrace, plainRun, stepKey } from './programs';

// ---- pure: the reference's control messages ----------------------------------------------

function controlMessage(): fc.Arbitrary<ControlMessage> {
  const text = anyText({ maxLength: 40 });
  return fc.oneof(
    fc.record({
      state: fc.constant('STANDBY' as const), file: text, line: fc.option(fc.nat(), { nil: null }), offset: fc.nat(),
      opcode: fc.nat(255), arg: fc.option(fc.nat(), { nil: null }), opname: text, argrepr: text,
    }),
    fc.record({ state: fc.constant('FINISHED' as const), exitCode: fc.integer({ min: -255, max: 255 }) }),
    fc.record({ state: fc.constant('ERROR' as const), error: text }),
    fc.record({ event: fc.constant('output' as const), stream: fc.constantFrom('stdout' as const, 'stderr' as const), text }),
    fc.record({ error: text }),
  );
}

const messageLines: PropertyCase = {
  name: 'cobra model: control messages are one JSON line each, whatever the splits',
  ids: ['SRS-COBRA-010'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(controlMessage(), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 30 }), (messages, sizes) => {
      const bytes = Buffer.from(messages.map(messageLine).join(''), 'utf8');
      const chunks: Buffer[] = [];
      let at = 0;
      for (const size of sizes) chunks.push(bytes.subarray(at, (at += size)));
      chunks.push(bytes.subarray(at));
      const lines = decodeAll(new LineFramer(), chunks);
      expectConform(lines.length === messages.length, () => `${messages.length} messages made ${lines.length} lines`);
      lines.forEach((line, i) => {
        expectConform(line !== OVERSIZED_PACKET, () => `message ${i} made an oversized line`);
        const back = parseControlMessage((line as Buffer).toString('utf8'));
        expectConform(JSON.stringify(back) === JSON.stringify(messages[i]), () => `message ${i} came back as ${JSON.stringify(back)}`);
      });
    }),
  describe: ([messages, sizes]) => `messages: ${JSON.stringify(messages)}; write sizes ${JSON.stringify(sizes)}`,
};

// ---- live: the target, differential against an untouched run -------------------------------

let generated = 0;

/** Loads `file` (a name in the root), steps it to its end, and compares with the untouched runs. */
async function stepAndCompare(ctx: LiveContext, root: string, name: string): Promise<void> {
  const trace = ctx.trace();
  const control = await CobraControl.attach(ctx.endpoint, trace, ctx.timeoutMs, ctx.caseName);
  const files = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
  try {
    const file = expectOk(await sendPath(files, Buffer.from(name), ctx.timeoutMs), name, root);
    const first = await control.status(`the first status of ${name}`);
    expectConform(first.state === 'STANDBY', () => `the program did not stop before its first instruction: ${JSON.stringify(first)}`);
    const end = await control.stepToEnd();
    const [{ trace: expected }, plain] = await Promise.all([freeTrace(file), plainRun(file)]);
    const stepped = control.statuses.map(stepKey);
    const differs = stepped.findIndex((step, i) => step !== expected[i]);
    expectConform(stepped.length === expected.length && differs === -1, () =>
      `stepped ${stepped.length} instructions, the untouched run has ${expected.length}; first difference at step ${differs === -1 ? Math.min(stepped.length, expected.length) : differs}: ` +
      `stepped ${stepped[differs] ?? '(none)'}, expected ${expected[differs === -1 ? stepped.length : differs] ?? '(none)'}`);
    expectConform(control.text('stdout') === plain.stdout, () => `stdout ${JSON.stringify(control.text('stdout'))}, a plain run prints ${JSON.stringify(plain.stdout)}`);
    expectConform(control.text('stderr') === plain.stderr, () => `stderr ${JSON.stringify(control.text('stderr'))}, a plain run prints ${JSON.stringify(plain.stderr)}`);
    expectConform(end.state === 'FINISHED' && end.exitCode === plain.exitCode, () => `ended ${JSON.stringify(end)}, a plain run exits ${plain.exitCode}`);
  } finally {
    control.driver.destroy();
    files.destroy();
  }
}

const untouchedRun: PropertyCase = {
  name: 'cobra live: stepping a random program visits its untouched trace, with the same output and exit code',
  ids: ['SRS-COBRA-028'],
  kind: 'live',
  runs: 12,
  build: (ctx) => {
    const root = ctx.root;
    if (root === undefined) {
      return fc.asyncProperty(fc.constant(null), async () => {
        throw new Unsupported('needs to write programs into the server\'s root: run against the embedded server or --spawn with {root}');
      });
    }
    return fc.asyncProperty(smallProgram, async (program) => {
      const name = `generated_${process.pid}_${generated++}.py`;
      await fs.writeFile(path.join(root, name), program);
      await stepAndCompare(ctx, root, name);
    });
  },
  describe: ([program]) => `program:\n${program as string}`,
};

export const cobraProperties: PropertyCase[] = [messageLines, untouchedRun];
