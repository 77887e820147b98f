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
import { describeReport } from '../client/case';
import type { Report } from '../client/contract';
import { answer, cutAt, cutEnding, describeEnding, endsAfterCut, expectEndAllowed, segmentation, withClient, type Ending, type Segmentation } from '../client/fuzz';
import { lineParse, type WireDriver } from '../driver';
import { NonConformance } from '../errors';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';

/** A message as the suite sends it: its JSON and the LF. */
export const line = (message: ControlMessage | FileReply): Buffer => Buffer.from(`${JSON.stringify(message)}\n`);

/** The control connection of a case: the one the client opened to {port2}, taken once. */
const controls = new WeakMap<ClientCase, Promise<WireDriver>>();
export function controlConnection(client: ClientCase): Promise<WireDriver> {
  let conn = controls.get(client);
  if (!conn) {
    conn = client.nextConnection(1);
    controls.set(client, conn);
  }
  return conn;
}

/** A `received` report as the message it carries (its JSON); a NonConformance when it carries none. */
export function reportedMessage(report: Extract<Report, { event: 'received' }>): unknown {
  try {
    return JSON.parse(report.bytes.toString('utf8'));
  } catch {
    throw new NonConformance(`the client reported receiving "${escapeBytes(report.bytes.subarray(0, 120))}", which is not a message's JSON`);
  }
}

/** Whether a reported message is the one the suite sent: the same JSON value (fields in any order). */
const sameMessage = (got: unknown, sent: unknown) => isDeepStrictEqual(got, JSON.parse(JSON.stringify(sent)));

/** Why a reported message is not the one the suite sent, or undefined. */
export function messageFault(report: Report, sent: unknown): string | undefined {
  if (report.event !== 'received') return `expected the client to report the message ${JSON.stringify(sent).slice(0, 200)}; it reported ${describeReport(report)}`;
  const got = reportedMessage(report);
  return sameMessage(got, sent) ? undefined : `the client reported the message ${JSON.stringify(got).slice(0, 200)}, the suite sent ${JSON.stringify(sent).slice(0, 200)}`;
}

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
const end = fc.oneof(
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
  fc.tuple(fc.array(fc.record({ output: outputs(text), status: standby }), { maxLength: 2 }), fc.record({ output: outputs(text), status: fc.oneof(standby, end) }))
    .map(([middle, last]) => [...middle, last]);

const stepBytes = (step: Step) => Buffer.concat([...step.output.map(line), line(step.status)]);

/** Loads the program: the path on the file port, `ok`, the first status on the control port; both delivered. */
async function load(client: ClientCase, first: StandbyStatus): Promise<WireDriver> {
  client.tell({ action: 'load', path: 'fuzz.py' });
  const file = await client.connection();
  await file.read(lineParse, client.suiteTimeoutMs, 'the path of the program, on the file port');
  const ok: FileReply = { ok: true, file: PROGRAM };
  await file.write(line(ok));
  const control = await controlConnection(client);
  await control.write(line(first));
  const { messages, end: ended } = await collectMessages(client);
  if (firstWrong(messages, [ok, first]) !== -1 || messages.length !== 2 || ended.event !== 'done') {
    throw new NonConformance(`loading the program: the client reported ${JSON.stringify(messages).slice(0, 300)}, then ${describeReport(ended)}; ` +
      `the suite sent ${JSON.stringify([ok, first]).slice(0, 300)}`);
  }
  return control;
}

/** `next`, and the line the client sends for it (read, not judged: SRS-COBRA-100 is the scenarios'). */
async function step(client: ClientCase, control: WireDriver): Promise<void> {
  client.tell({ action: 'next' });
  await control.read(lineParse, client.suiteTimeoutMs, 'the command "next" on the control port');
}

/** Every `received` report and the terminal one of the call in progress. */
async function collectMessages(client: ClientCase): Promise<{ messages: unknown[]; end: Report }> {
  const messages: unknown[] = [];
  for (;;) {
    const report = await client.report('the client to report how its call ended');
    if (report.event !== 'received') return { messages, end: report };
    messages.push(reportedMessage(report));
  }
}

/** The first message that differs from what may be delivered, or -1. */
const firstWrong = (got: unknown[], allowed: unknown[]) => got.findIndex((m, i) => i >= allowed.length || !sameMessage(m, allowed[i]));

/** A program stepped through `script`, each answer in the given writes: every message delivered exactly and in order. */
function session(ctx: LiveContext, first: StandbyStatus, script: Step[], writes: Segmentation[]): Promise<void> {
  return withClient(ctx, async (client) => {
    const control = await load(client, first);
    for (const [i, s] of script.entries()) {
      await step(client, control);
      await answer(control, stepBytes(s), { kind: 'whole' }, writes[i % writes.length]);
      const { messages, end: ended } = await collectMessages(client);
      const sent = [...s.output, s.status];
      const wrong = firstWrong(messages, sent);
      expectConform(wrong === -1 && messages.length === sent.length, () => wrong === -1
        ? `step ${i + 1}: the client reported ${messages.length} of the ${sent.length} messages the suite sent`
        : `step ${i + 1}: message ${wrong + 1} was reported as ${JSON.stringify(messages[wrong])}${wrong < sent.length ? `, sent as ${JSON.stringify(sent[wrong])}` : ', but no such message was sent'}`);
      expectEndAllowed(ended, ['done'], true, `step ${i + 1}`);
    }
  });
}

/** One answer to `next` with the first undecodable line among good output: its delivered prefix, then a protocol error. */
function undecodable(ctx: LiveContext, first: StandbyStatus, before: OutputEvent[], bad: Buffer, writes: Segmentation): Promise<void> {
  return withClient(ctx, async (client) => {
    const control = await load(client, first);
    await step(client, control);
    await answer(control, Buffer.concat([...before.map(line), bad, Buffer.from('\n'), line(first)]), { kind: 'whole' }, writes);
    const { messages, end: ended } = await collectMessages(client);
    const wrong = firstWrong(messages, before);
    expectConform(wrong === -1, () => `message ${wrong + 1} was reported as ${JSON.stringify(messages[wrong])}, but only the ${before.length} output events before the bad line may be delivered`);
    expectEndAllowed(ended, ['protocol-error'], false, `${messages.length} messages`);
  });
}

/** One answer to `next` cut at any offset by a close or a reset: a prefix of its whole lines, then the close reported. */
function cut(ctx: LiveContext, first: StandbyStatus, s: Step, writes: Segmentation, ending: Ending): Promise<void> {
  return withClient(ctx, async (client) => {
    const control = await load(client, first);
    await step(client, control);
    const bytes = stepBytes(s);
    await answer(control, bytes, ending, writes);
    const { messages, end: ended } = await collectMessages(client);
    const sent = [...s.output, s.status];
    let whole = 0; // messages whose LF was sent before the cut
    for (let at = 0, i = 0; i < sent.length; i++) {
      at += line(sent[i] as ControlMessage).length;
      if (at <= cutAt(ending, bytes.length)) whole++;
    }
    const wrong = firstWrong(messages, sent.slice(0, whole));
    expectConform(wrong === -1, () => `message ${wrong + 1} was reported as ${JSON.stringify(messages[wrong])}, but the cut leaves only ${whole} whole messages`);
    expectEndAllowed(ended, endsAfterCut(ending), false, `${messages.length} of ${sent.length} messages`);
  });
}

/** Lines that are not cobra messages: not JSON, not UTF-8, not an object, none of PROTOCOLS.md §6's messages. */
const badLine: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom('STANDBY 100 0', '{"state":"STANDBY"', 'ok', '[]', '"output"', '42', 'null', '{"state":"RUNNING"}',
    '{"state":"STANDBY","file":"/srv/cobra/fuzz.py"}', '{"event":"output","stream":"stdin","text":"x"}', '{"state":"FINISHED"}').map((t) => Buffer.from(t)),
  invalidUtf8Sequence.map((seq) => Buffer.concat([Buffer.from('{"event":"output","stream":"stdout","text":"'), seq, Buffer.from('"}')])),
);

const describeSteps = (script: unknown) => (script as Step[]).map((s) => `${s.output.map((o) => `${o.stream} ${JSON.stringify(o.text)}`).join(', ')}${s.output.length ? ', ' : ''}${JSON.stringify(s.status)}`).join(' | ');
const describeWrites = (writes: unknown) => (writes as Segmentation[]).map(({ sizes, gapMs }) => `${JSON.stringify(sizes)} ${gapMs} ms apart`).join('; ');

const liveSegmentation: PropertyCase = {
  name: 'cobra client live: a session\'s messages in any segmentation are delivered exactly and in order',
  ids: ['SRS-COBRA-105'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, steps(plainText), fc.array(segmentation, { minLength: 1, maxLength: 3 }), (first, script, writes) => session(ctx, first, script, writes)),
  describe: ([first, script, writes]) => `first status ${JSON.stringify(first)}; steps ${describeSteps(script)}; write sizes ${describeWrites(writes)}`,
};

const liveOutput: PropertyCase = {
  name: 'cobra client live: any output text is delivered unchanged, in order, before its status',
  ids: ['SRS-COBRA-103'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, steps(hardText), (first, script) => session(ctx, first, script, [{ sizes: [], gapMs: 0 }])),
  describe: ([first, script]) => `first status ${JSON.stringify(first)}; steps ${describeSteps(script)}; each answer in one write`,
};

const liveUndecodable: PropertyCase = {
  name: 'cobra client live: a line that is not a cobra message is a protocol error, in any segmentation',
  ids: ['SRS-COBRA-106'],
  kind: 'live',
  runs: 8,
  build: (ctx) => fc.asyncProperty(standby, outputs(plainText), badLine, segmentation, (first, before, bad, writes) => undecodable(ctx, first, before, bad, writes)),
  describe: ([first, before, bad, writes]) =>
    `first status ${JSON.stringify(first)}; output ${JSON.stringify(before)}, then the line "${escapeBytes(bad as Buffer)}"; write sizes ${describeWrites([writes])}`,
};

const liveCut: PropertyCase = {
  name: 'cobra client live: an answer cut at any offset by a close or a reset ends with that reported',
  ids: ['SRS-COBRA-108'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(standby, fc.record({ output: outputs(plainText), status: fc.oneof(standby, end) }), segmentation, cutEnding, (first, s, writes, ending) => cut(ctx, first, s, writes, ending)),
  describe: ([first, s, writes, ending]) =>
    `first status ${JSON.stringify(first)}; answer ${describeSteps([s])}; write sizes ${describeWrites([writes])}; ${describeEnding(ending as Ending, stepBytes(s as Step).length)}`,
};

export const cobraClient: ClientSupport = {
  ports: 2,
  defaultMaxBytes: DEFAULT_MAX_LINE,
  properties: [liveSegmentation, liveOutput, liveUndecodable, liveCut],
};
