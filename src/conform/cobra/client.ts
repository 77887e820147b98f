/**
 * cobra in client runs (`conform --client`): the suite plays a cobra server on two ports,
 * {port} the file port and {port2} the control port. The scenarios are
 * features/cobra/client-target/ (their steps in src/steps/cobra_client.ts, on the helpers
 * here); these are the live fuzzing of a client's session: fast-check scripts what the
 * suite answers to `next` (output events and a status, cut into any writes, whole or cut
 * by a close or a reset at any offset, or with a line the client cannot decode) and the
 * client's reports are judged against what that answer allows. A client reports each
 * message it delivers as one `received` unit, its JSON in `data`. Each property verifies
 * the requirement it alone can break.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_MAX_LINE } from '../../impl/cobra/client';
import type { ControlMessage, FileReply, OutputEvent, StandbyStatus } from '../../impl/cobra/protocol';
import { invalidUtf8Sequence } from '../arbitraries';
import { escapeBytes } from '../bytes-text';
import type { ClientCase } from '../client/case';
import type { Report } from '../client/contract';
import {
  allowedByScript, answer, cutEnding, describeWrites, expectAllowedReports, segmentation, WHOLE, withClient, type Ending, type ScriptedUnit, type Segmentation,
} from '../client/fuzz';
import { lineParse, type WireDriver } from '../driver';
import { NonConformance } from '../errors';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';

/** A message as the suite sends it: its JSON and the LF. */
export const line = (message: ControlMessage | FileReply): Buffer => Buffer.from(`${JSON.stringify(message)}\n`);

/** The control connection of a case: the one the client opened to {port2}. */
export const controlConnection = (client: ClientCase): Promise<WireDriver> => client.connection(1);

/** What a `received` report carries, as the message it is (its JSON); a NonConformance when it is none. */
function messageOf(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new NonConformance(`the client reported receiving "${escapeBytes(bytes.subarray(0, 120))}", which is not a message's JSON`);
  }
}

/** Whether a reported message is the one the suite sent: the same JSON value (fields in any order). */
const sameMessage = (got: unknown, sent: unknown) => isDeepStrictEqual(got, JSON.parse(JSON.stringify(sent)));

/** The client's next report delivers the message the suite sent (`what` names it, for the messages). */
export async function expectMessage(client: ClientCase, sent: unknown, what = `the client to report the message ${JSON.stringify(sent).slice(0, 200)}`): Promise<void> {
  const got = messageOf((await client.received(what)).bytes);
  if (!sameMessage(got, sent)) throw new NonConformance(`the client reported the message ${JSON.stringify(got).slice(0, 200)}, the suite sent ${JSON.stringify(sent).slice(0, 200)}`);
}

/** Whether a report delivers the message the suite sent. */
export const deliversMessage = (report: Report, sent: unknown): boolean => report.event === 'received' && sameMessage(messageOf(report.bytes), sent);

// ---- a session the properties script --------------------------------------------------------

const PROGRAM = '/srv/cobra/fuzz.py';

const standby: fc.Arbitrary<StandbyStatus> = fc.record({
  state: fc.constant('STANDBY' as const),
  file: fc.constant(PROGRAM),
  line: fc.option(fc.integer({ min: 1, max: 999 }), { nil: null }),
  offset: fc.nat({ max: 4000 }).map((n) => n * 2),
  opcode: fc.integer({ min: 0, max: 255 }),
  arg: fc.option(fc.nat({ max: 300 }), { nil: null }),
  opname: fc.constantFrom('LOAD_CONST', 'STORE_NAME', 'CALL', 'RETURN_VALUE', 'BINARY_OP', 'RESUME'),
  argrepr: fc.constantFrom('', "'hello'", '"quoted"', 'x', 'é €', '+'),
});
const endStatus = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((exitCode) => ({ state: 'FINISHED' as const, exitCode })),
  fc.constantFrom('killed by signal 9', 'Traceback: ZeroDivisionError').map((error) => ({ state: 'ERROR' as const, error })),
);
const plainText = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
/** Output texts a client must deliver unchanged: whitespace at either end, line feeds, tabs, empty, non-ASCII, control characters. */
const hardText = fc.oneof(
  fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', 'a', 'é', '€', '😀', '\u0000', '\u001b', '"', '\\'), maxLength: 12 }),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
);
const outputs = (text: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(fc.constantFrom('stdout' as const, 'stderr' as const), text).map(([stream, t]): OutputEvent => ({ event: 'output', stream, text: t })), { maxLength: 3 });
/** One step's answer: output events, then the status after the instruction. */
type Step = { output: OutputEvent[]; status: ControlMessage };
const steps = (text: fc.Arbitrary<string>): fc.Arbitrary<Step[]> =>
  fc.tuple(fc.array(fc.record({ output: outputs(text), status: standby }), { maxLength: 2 }), fc.record({ output: outputs(text), status: fc.oneof(standby, endStatus) }))
    .map(([middle, last]) => [...middle, last]);

/** A message as a unit of the scripted answer: its line, and the message the client must deliver for it. */
const unit = (message: ControlMessage | FileReply): ScriptedUnit<unknown> => ({ wire: line(message), delivers: message });
const stepUnits = (step: Step) => [...step.output, step.status].map(unit);
const bytesOf = (units: ScriptedUnit<unknown>[]) => Buffer.concat(units.map((u) => u.wire));

/** The reports of the call in progress judged against what its scripted answer, sent whole or cut, allows. */
async function expectScripted(client: ClientCase, units: ScriptedUnit<unknown>[], end: Ending): Promise<void> {
  const show = (m: unknown) => (Buffer.isBuffer(m) ? `"${escapeBytes(m.subarray(0, 200))}"` : JSON.stringify(m).slice(0, 200));
  expectAllowedReports(await client.collect(), allowedByScript(units, end), ['message', 'messages'], (got, want) => sameMessage(messageOf(got), want), show);
}
/** Loads the program: the path on the file port, `ok`, the first status on the control port; both delivered. */
async function load(client: ClientCase, first: StandbyStatus): Promise<WireDriver> {
  client.tell({ action: 'load', path: 'fuzz.py' });
  const file = await client.connection();
  await file.read(lineParse, client.suiteTimeoutMs, 'the path of the program, on the file port');
  const ok: FileReply = { ok: true, file: PROGRAM };
  await file.write(line(ok));
  const control = await controlConnection(client);
  await control.write(line(first));
  await expectScripted(client, [unit(ok), unit(first)], WHOLE);
  return control;
}

/** `next`, and the line the client sends for it (read, not judged: SRS-COBRA-100 is the scenarios'). */
async function step(client: ClientCase, control: WireDriver): Promise<void> {
  client.tell({ action: 'next' });
  await control.read(lineParse, client.suiteTimeoutMs, 'the command "next" on the control port');
}

/**
 * A program stepped through answers scripted as units, each sent in its writes and whole or
 * cut as its ending says: what the client reports for each must be what that answer allows.
 */
function session(ctx: LiveContext, first: StandbyStatus, answers: { units: ScriptedUnit<unknown>[]; writes: Segmentation; end: Ending }[]): Promise<void> {
  return withClient(ctx, async (client) => {
    const control = await load(client, first);
    for (const { units, writes, end } of answers) {
      await step(client, control);
      await answer(control, bytesOf(units), end, writes);
      await expectScripted(client, units, end);
    }
  });
}

/** Lines that are not cobra messages: not JSON, not UTF-8, not an object, none of PROTOCOLS.md §6's messages. */
const badLine: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom('STANDBY 100 0', '{"state":"STANDBY"', 'ok', '[]', '"output"', '42', 'null', '{"state":"RUNNING"}',
    '{"state":"STANDBY","file":"/srv/cobra/fuzz.py"}', '{"event":"output","stream":"stdin","text":"x"}', '{"state":"FINISHED"}').map((t) => Buffer.from(t)),
  invalidUtf8Sequence.map((seq) => Buffer.concat([Buffer.from('{"event":"output","stream":"stdout","text":"'), seq, Buffer.from('"}')])),
);

const describeSteps = (script: unknown) => (script as Step[]).map((s) => `${s.output.map((o) => `${o.stream} ${JSON.stringify(o.text)}`).join(', ')}${s.output.length ? ', ' : ''}${JSON.stringify(s.status)}`).join(' | ');
const ONE_WRITE: Segmentation = { sizes: [], gapMs: 0 };

const liveSegmentation: PropertyCase = {
  name: 'cobra client live: a session\'s messages in any segmentation are delivered exactly and in order',
  ids: ['SRS-COBRA-105'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, steps(plainText), fc.array(segmentation, { minLength: 1, maxLength: 3 }), (first, script, writes) =>
    session(ctx, first, script.map((s, i) => ({ units: stepUnits(s), writes: writes[i % writes.length], end: WHOLE })))),
  describe: ([first, script, writes]) =>
    `first status ${JSON.stringify(first)}; steps ${describeSteps(script)}; ${(writes as Segmentation[]).map((w) => describeWrites(w, WHOLE)).join(' | ')}`,
};

const liveOutput: PropertyCase = {
  name: 'cobra client live: any output text is delivered unchanged, in order, before its status',
  ids: ['SRS-COBRA-103'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, steps(hardText), (first, script) =>
    session(ctx, first, script.map((s) => ({ units: stepUnits(s), writes: ONE_WRITE, end: WHOLE })))),
  describe: ([first, script]) => `first status ${JSON.stringify(first)}; steps ${describeSteps(script)}; each answer in one write`,
};

const liveUndecodable: PropertyCase = {
  name: 'cobra client live: a line that is not a cobra message is a protocol error, in any segmentation',
  ids: ['SRS-COBRA-106'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, outputs(plainText), badLine, segmentation, (first, before, bad, writes) =>
    session(ctx, first, [{ units: [...before.map(unit), { wire: Buffer.concat([bad, Buffer.from('\n')]), undecodable: true }, unit(first)], writes, end: WHOLE }])),
  describe: ([first, before, bad, writes]) =>
    `first status ${JSON.stringify(first)}; output ${JSON.stringify(before)}, then the line "${escapeBytes(bad as Buffer)}", then a status; ${describeWrites(writes, WHOLE)}`,
};

const liveCut: PropertyCase = {
  name: 'cobra client live: an answer cut at any offset by a close or a reset ends with that reported',
  ids: ['SRS-COBRA-108'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(standby, fc.record({ output: outputs(plainText), status: fc.oneof(standby, endStatus) }), segmentation, cutEnding, (first, s, writes, ending) =>
    session(ctx, first, [{ units: stepUnits(s), writes, end: ending }])),
  describe: ([first, s, writes, ending]) =>
    `first status ${JSON.stringify(first)}; answer ${describeSteps([s])}; ${describeWrites(writes, ending as Ending, bytesOf(stepUnits(s as Step)).length)}`,
};

export const cobraClient: ClientSupport = {
  ports: 2,
  defaultMaxBytes: DEFAULT_MAX_LINE,
  properties: [liveSegmentation, liveOutput, liveUndecodable, liveCut],
};
