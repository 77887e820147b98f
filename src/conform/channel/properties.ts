import fc from 'fast-check';
import { decodeAll, FramingError } from '../../impl/common/framer';
import { ChannelFramer, encodeFrame } from '../../impl/channel/framer';
import { cut, pieces } from '../arbitraries';
import { escapeBytes } from '../bytes-text';
import { WireDriver } from '../driver';
import { NonConformance } from '../errors';
import { expectConform } from '../properties';
import type { LiveContext, PropertyCase } from '../protocol';
import { body, malformed, malformedByRule, shortBody, type Malformed } from './arbitraries';
import { channelFrameParse, frame, wholeFrames } from './wire';

const wire = (bodies: Buffer[]) => Buffer.concat(bodies.map(frame));
const same = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]));
const show = (bodies: Buffer[]) =>
  bodies.map((b) => (b.length > 64 ? `<${b.length} bytes>` : `"${escapeBytes(b)}"`)).join(', ') || '(none)';

// ---- pure: the reference framer ---------------------------------------------------------

const everyOffset: PropertyCase = {
  name: 'channel framer: every split offset and the whole stream in one chunk give the same bodies',
  ids: ['SRS-CHANNEL-003', 'SRS-CHANNEL-004', 'SRS-CHANNEL-007', 'SRS-CHANNEL-008'],
  kind: 'pure',
  runs: 60,
  build: () =>
    fc.property(fc.array(body.filter((b) => b.length < 100), { maxLength: 5 }), (bodies) => {
      const bytes = wire(bodies);
      expectConform(same(decodeAll(new ChannelFramer(), [bytes]), bodies), () => 'all frames merged in one chunk differ');
      for (let i = 0; i <= bytes.length; i++) {
        const got = decodeAll(new ChannelFramer(), [bytes.subarray(0, i), bytes.subarray(i)]);
        expectConform(same(got, bodies), () => `split at ${i} gave ${show(got)}`);
      }
    }),
  describe: ([bodies]) => `bodies: ${show(bodies as Buffer[])}`,
};

const randomSplits: PropertyCase = {
  name: 'channel framer: random n-way splits and a 1-byte dribble give the same bodies',
  ids: ['SRS-CHANNEL-005', 'SRS-CHANNEL-007', 'SRS-CHANNEL-008'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(body, { maxLength: 12 }), pieces(64), fc.integer({ min: 1, max: 10 }), (bodies, sizes, digits) => {
      // Leading zeros, up to 10 digits in all, mean the same length.
      const bytes = Buffer.concat(bodies.map((b) => Buffer.concat([
        Buffer.from(`\r\nMSG ${String(b.length).padStart(Math.max(digits, String(b.length).length), '0')}\r\n`, 'latin1'), b,
      ])));
      expectConform(same(decodeAll(new ChannelFramer(), cut(bytes, sizes)), bodies), () => `n-way split ${JSON.stringify(sizes)} differs`);
      if (bytes.length < 5000) {
        const dribble = [...bytes].map((b) => Buffer.from([b]));
        expectConform(same(decodeAll(new ChannelFramer(), dribble), bodies), () => '1-byte dribble differs');
      }
    }),
  describe: ([bodies, sizes, digits]) => `bodies: ${show(bodies as Buffer[])}; write sizes ${JSON.stringify(sizes)}; ${digits} length digits`,
};

const firstWrongByte: PropertyCase = {
  name: 'channel framer: a malformed header fails at its first wrong byte, without a body or an allocation',
  ids: ['SRS-CHANNEL-006', 'SRS-CHANNEL-009', 'SRS-CHANNEL-010', 'SRS-CHANNEL-011', 'SRS-CHANNEL-012', 'SRS-CHANNEL-014', 'SRS-CHANNEL-019'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(body, { maxLength: 3 }), malformed, (bodies, bad) => {
      const framer = new ChannelFramer();
      const got: Buffer[] = [];
      framer.push(wire(bodies), (b) => got.push(Buffer.from(b)));
      let failedAt = -1;
      for (let i = 0; i < bad.bytes.length && failedAt < 0; i++) {
        try {
          framer.push(bad.bytes.subarray(i, i + 1), (b) => got.push(b));
        } catch (err) {
          if (!(err instanceof FramingError)) throw err;
          failedAt = i;
        }
        expectConform(framer.pending <= 32, () => `the framer holds ${framer.pending} bytes of a header`);
      }
      expectConform(failedAt === bad.firstWrong, () => `${bad.what}: failed at byte ${failedAt}, expected ${bad.firstWrong}`);
      expectConform(same(got, bodies), () => `delivered ${show(got)}, expected ${show(bodies)}`);
    }),
  describe: ([bodies, bad]) => `bodies ${show(bodies as Buffer[])}, then ${(bad as Malformed).what}: "${escapeBytes((bad as Malformed).bytes)}"`,
};

// ---- live: the target over TCP, against the model (every body echoed as one frame) ----------

/** Writes, tolerating a target that closes before the last piece: closing at the first wrong byte is its right. */
async function writeUntilClosed(driver: WireDriver, bytes: Buffer, sizes: number[], timeoutMs: number): Promise<void> {
  try {
    await driver.write(bytes, { pieces: sizes });
  } catch (err) {
    if (!(err instanceof NonConformance)) throw err;
    await driver.expectClosed(timeoutMs, 'a write failed');
  }
}

/** A new client gets its body echoed: the target is still serving. */
async function nextClientServed(ctx: LiveContext, trace = ctx.trace()): Promise<void> {
  const next = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
  try {
    await next.write(encodeFrame('next client'));
    const echoed = await next.read(channelFrameParse, ctx.timeoutMs, 'the echo of the next client\'s body');
    expectConform(echoed.toString('latin1') === 'next client', () => `the next client got "${escapeBytes(echoed)}"`);
  } finally {
    next.destroy();
  }
}

const liveEcho: PropertyCase = {
  name: 'channel live: random bodies in random writes come back as the same bodies, one frame each',
  ids: ['SRS-CHANNEL-001', 'SRS-CHANNEL-002', 'SRS-CHANNEL-003', 'SRS-CHANNEL-004', 'SRS-CHANNEL-007', 'SRS-CHANNEL-008'],
  kind: 'live',
  runs: 60,
  build: (ctx) =>
    fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 8 }), pieces(23), fc.integer({ min: 0, max: 2 }), async (bodies, sizes, gapMs) => {
      const driver = await WireDriver.connect(ctx.endpoint, ctx.trace(), ctx.timeoutMs);
      try {
        // A gap between writes makes them separate reads at the target, not just separate segments.
        await driver.write(wire(bodies), { pieces: sizes, delayMs: gapMs });
        for (let i = 0; i < bodies.length; i++) {
          const what = `echo ${i + 1} of ${bodies.length} (${bodies[i].length} bytes)`;
          const echoed = await driver.read(channelFrameParse, ctx.timeoutMs, what);
          expectConform(echoed.equals(bodies[i]), () => `${what}: got ${show([echoed])}`);
        }
      } finally {
        driver.destroy();
      }
    }),
  describe: ([bodies, sizes, gapMs]) => `bodies: ${show(bodies as Buffer[])}; write sizes ${JSON.stringify(sizes)}, ${gapMs} ms apart`,
};

/**
 * What came back before the close must be the whole frames sent before the error: all of
 * them after a FIN, a prefix (a reset may cut the rest) after an RST, never anything of the bad frame.
 */
function expectEchoedBefore(received: Buffer, how: 'FIN' | 'RST', bodies: Buffer[]): void {
  const { bodies: echoed, rest } = wholeFrames(received);
  const prefix = echoed.length <= bodies.length && same(echoed, bodies.slice(0, echoed.length));
  expectConform(prefix, () => `echoed ${show(echoed)}; only ${show(bodies)} were whole before the error`);
  if (how === 'FIN') {
    expectConform(echoed.length === bodies.length, () => `closed (FIN) after echoing ${echoed.length} of the ${bodies.length} whole frames`);
    expectConform(rest === 0, () => `closed (FIN) after ${rest} bytes of a partial frame`);
  }
}

/** One property per rule, so that a failure names the rule the target broke. */
const liveMalformed: PropertyCase[] = malformedByRule.map(({ id, rule, arbitrary }) => ({
  name: `channel live: ${rule} closes the connection, nothing partial is echoed, the next client is served`,
  ids: [id, 'SRS-CHANNEL-014', 'SRS-CHANNEL-017'],
  kind: 'live',
  runs: 12,
  build: (ctx) =>
    fc.asyncProperty(fc.array(shortBody, { maxLength: 3 }), arbitrary, pieces(11), async (bodies, bad, sizes) => {
      const trace = ctx.trace();
      const driver = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
      try {
        await writeUntilClosed(driver, Buffer.concat([wire(bodies), bad.bytes]), sizes, ctx.timeoutMs);
        const how = await driver.expectClosed(ctx.timeoutMs, `after ${bad.what}`);
        expectEchoedBefore(driver.unread, how, bodies);
      } finally {
        driver.destroy();
      }
      await nextClientServed(ctx, trace);
    }),
  describe: ([bodies, bad, sizes]) =>
    `bodies ${show(bodies as Buffer[])}, then ${(bad as Malformed).what}: "${escapeBytes((bad as Malformed).bytes)}"; write sizes ${JSON.stringify(sizes)}`,
}));

const liveCutShort: PropertyCase = {
  name: 'channel live: a client that goes mid-frame gets nothing of that frame, and the next client is served',
  ids: ['SRS-CHANNEL-016', 'SRS-CHANNEL-017'],
  kind: 'live',
  runs: 25,
  build: (ctx) =>
    fc.asyncProperty(fc.array(shortBody, { maxLength: 3 }), body, fc.nat(), fc.boolean(), async (bodies, last, keep, reset) => {
      const cutFrame = frame(last);
      const partial = cutFrame.subarray(0, 1 + (keep % (cutFrame.length - 1)));
      const trace = ctx.trace();
      const driver = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
      try {
        await driver.write(Buffer.concat([wire(bodies), partial]));
        if (reset) {
          driver.reset();
        } else {
          driver.end();
          const how = await driver.expectClosed(ctx.timeoutMs, `after a partial frame and the client's FIN`);
          expectEchoedBefore(driver.unread, how, bodies);
        }
      } finally {
        driver.destroy();
      }
      await nextClientServed(ctx, trace);
    }),
  describe: ([bodies, last, keep, reset]) => {
    const cutFrame = frame(last as Buffer);
    const kept = 1 + ((keep as number) % (cutFrame.length - 1));
    return `bodies ${show(bodies as Buffer[])}, then ${kept} of the ${cutFrame.length} bytes of a frame, then ${reset ? 'RST' : 'FIN'}`;
  },
};

export const channelProperties: PropertyCase[] = [everyOffset, randomSplits, firstWrongByte, liveEcho, ...liveMalformed, liveCutShort];
