import fc from 'fast-check';
import { decodeAll } from '../../impl/common/framer';
import { decodeLine, LineFrame, LineFramer, LineTextFramer, MAX_PACKET, OVERSIZED_PACKET, TextLine } from '../../impl/oneline/framer';
import { expectedSession, handlePacket, referenceApp } from '../../impl/oneline/model';
import { lineParse, WireDriver } from '../driver';
import { escapeBytes } from '../bytes-text';
import { expectConform } from '../properties';
import type { LiveContext, PropertyCase } from '../protocol';
import { cut, pieces } from '../arbitraries';
import { anyPacket, appPacket, corePacket, invalidUtf8Packet, oversizeLength, wire } from './arbitraries';

const frames = (chunks: Buffer[], max = MAX_PACKET) => decodeAll(new LineFramer(max), chunks);
const same = (a: LineFrame[], b: LineFrame[]) =>
  a.length === b.length && a.every((x, i) => (x === OVERSIZED_PACKET ? b[i] === OVERSIZED_PACKET : b[i] !== OVERSIZED_PACKET && x.equals(b[i] as Buffer)));
const show = (packets: Buffer[]) => packets.map((p) => `"${escapeBytes(p)}"`).join(', ');

// ---- pure: the reference framer and model ----------------------------------------------

const everyOffset: PropertyCase = {
  name: 'oneline framer: every split offset gives the same packets',
  ids: ['SRS-ONELINE-001', 'SRS-ONELINE-002', 'SRS-ONELINE-003'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(anyPacket, { maxLength: 6 }), (packets) => {
      const bytes = wire(packets);
      for (let i = 0; i <= bytes.length; i++) {
        const got = frames([bytes.subarray(0, i), bytes.subarray(i)]);
        expectConform(same(got, packets), () => `split at ${i} gave ${got.length} packets for ${packets.length}`);
      }
    }),
  describe: ([packets]) => `packets: ${show(packets as Buffer[])}`,
};

const randomSplits: PropertyCase = {
  name: 'oneline framer: random n-way splits, 1-byte dribble and merges give the same packets',
  ids: ['SRS-ONELINE-001', 'SRS-ONELINE-003', 'SRS-ONELINE-004'],
  kind: 'pure',
  build: () =>
    fc.property(fc.array(anyPacket, { maxLength: 20 }), pieces(40), (packets, sizes) => {
      const bytes = wire(packets);
      const dribble = [...bytes].map((b) => Buffer.from([b]));
      expectConform(same(frames(cut(bytes, sizes)), packets), () => `n-way split ${JSON.stringify(sizes)} differs`);
      expectConform(same(frames(dribble), packets), () => '1-byte dribble differs');
      expectConform(same(frames([bytes]), packets), () => 'all packets merged in one chunk differ');
    }),
  describe: ([packets, sizes]) => `packets: ${show(packets as Buffer[])}; write sizes: ${JSON.stringify(sizes)}`,
};

const invalidUtf8: PropertyCase = {
  name: 'oneline model: invalid UTF-8 of every class answers invalid, and the next packet is answered',
  ids: ['SRS-ONELINE-007', 'SRS-ONELINE-023'],
  kind: 'pure',
  build: () =>
    fc.property(invalidUtf8Packet, pieces(3), (bad, sizes) => {
      // Splits of 1-3 bytes land inside the bad code point as often as not.
      const packets = decodeAll(new LineTextFramer(), cut(wire([bad, Buffer.from('ping')]), sizes));
      const { responses } = expectedSession(packets, referenceApp);
      expectConform(JSON.stringify(responses) === '["invalid","pong"]', () => `answered ${JSON.stringify(responses)}`);
    }),
  describe: ([bad, sizes]) => `packet "${escapeBytes(bad as Buffer)}"; write sizes ${JSON.stringify(sizes)}`,
};

const oversize: PropertyCase = {
  name: 'oneline framer: an over-long packet gives one invalid, with memory bounded by the maximum',
  ids: ['SRS-ONELINE-019', 'SRS-ONELINE-020'],
  kind: 'pure',
  runs: 40,
  build: () =>
    fc.property(fc.integer({ min: 4, max: 64 }), fc.integer({ min: 0, max: 300 }), pieces(50), (max, length, sizes) => {
      const framer = new LineFramer(max);
      const got: LineFrame[] = [];
      for (const chunk of cut(wire([Buffer.alloc(length, 0x61), Buffer.from('ping')]), sizes)) {
        framer.push(chunk, (f) => got.push(f));
        expectConform(framer.pending <= max, () => `framer holds ${framer.pending} bytes, over the maximum ${max}`);
      }
      const first = length > max ? OVERSIZED_PACKET : 'a'.repeat(length);
      expectConform(got.length === 2, () => `expected 2 packets, got ${got.length}`);
      expectConform(
        got[0] === first || (got[0] !== OVERSIZED_PACKET && got[0].toString() === first),
        () => `packet of ${length} bytes with maximum ${max} came out as ${got[0] === OVERSIZED_PACKET ? 'oversized' : `${(got[0] as Buffer).length} bytes`}`,
      );
      expectConform(handlePacket(decodeLine(got[1]), referenceApp).responses[0] === 'pong', () => 'the packet after it was not ping');
    }),
  describe: ([max, length, sizes]) => `maximum ${max}, packet of ${length} bytes, write sizes ${JSON.stringify(sizes)}`,
};

const textFramer: PropertyCase = {
  name: 'oneline text framer: the same lines as the byte framer with strict decoding, for any bytes and any chunking',
  ids: ['SRS-ONELINE-001', 'SRS-ONELINE-003', 'SRS-ONELINE-004', 'SRS-ONELINE-007', 'SRS-ONELINE-019'],
  kind: 'pure',
  build: () =>
    fc.property(
      fc.integer({ min: 1, max: 24 }),
      fc.array(fc.oneof(anyPacket, invalidUtf8Packet, fc.string({ unit: 'grapheme', maxLength: 12 }).map((t) => Buffer.from(t.replace(/\n/g, ''))))),
      fc.uint8Array({ maxLength: 6 }),
      pieces(30),
      (max, packets, tail, sizes) => {
        const chunks = cut(Buffer.concat([wire(packets), Buffer.from(tail)]), sizes);
        const want = decodeAll(new LineFramer(max), chunks).map(decodeLine);
        const text = new LineTextFramer(max);
        const got: TextLine[] = [];
        for (const chunk of chunks) text.push(chunk, (line) => got.push(line));
        const at = Math.max(got.length, want.length) === 0 ? -1 : got.findIndex((line, i) => String(line) !== String(want[i]));
        const differs = got.length !== want.length || at !== -1;
        expectConform(!differs, () => `line ${at === -1 ? Math.min(got.length, want.length) + 1 : at + 1}: text framer gave ${String(got[at] ?? '(none)').slice(0, 40)}, byte framer ${String(want[at] ?? '(none)').slice(0, 40)}`);
        expectConform(text.pending <= max, () => `holds ${text.pending} bytes over the maximum ${max}`);
      },
    ),
  describe: ([max, packets, tail, sizes]) => `maximum ${max}; packets: ${show(packets as Buffer[])}; tail "${escapeBytes(Buffer.from(tail as Uint8Array))}"; write sizes ${JSON.stringify(sizes)}`,
};

// ---- live: the target over TCP, against the reference model --------------------------------

/**
 * Sends the packets (with the given write boundaries) followed by a "ping" sentinel
 * and checks the responses line by line against the model. The sentinel's "pong"
 * shows that nothing more was answered, without waiting out a quiet period.
 */
async function exchange(ctx: LiveContext, packets: Buffer[], sizes: number[], expected: string[]): Promise<void> {
  const driver = await WireDriver.connect(ctx.endpoint, ctx.trace(), ctx.timeoutMs);
  try {
    await driver.write(wire([...packets, Buffer.from('ping')]), { pieces: sizes });
    const all = [...expected, 'pong'];
    for (let i = 0; i < all.length; i++) {
      const what = `response ${i + 1} of ${all.length}, "${all[i].slice(0, 60)}"`;
      const line = await driver.read(lineParse, ctx.timeoutMs, what);
      expectConform(line.equals(Buffer.from(all[i])), () => `${what}: got "${escapeBytes(line.subarray(0, 80))}"`);
    }
  } finally {
    driver.destroy();
  }
}

const liveCore: PropertyCase = {
  name: 'oneline live: ping and invalid UTF-8, in any segmentation, answered as the model says',
  ids: ['SRS-ONELINE-003', 'SRS-ONELINE-004', 'SRS-ONELINE-007', 'SRS-ONELINE-008', 'SRS-ONELINE-017'],
  kind: 'live',
  runs: 60,
  build: (ctx) =>
    fc.asyncProperty(fc.array(corePacket, { maxLength: 8 }), pieces(7), async (packets, sizes) => {
      await exchange(ctx, packets, sizes, expectedSession(packets.map(decodeLine), referenceApp).responses);
    }),
  describe: ([packets, sizes]) => `packets: ${show(packets as Buffer[])}; write sizes: ${JSON.stringify(sizes)}`,
};

const liveApp: PropertyCase = {
  name: 'oneline live: the reference application, differential against the model',
  ids: ['SRS-ONELINE-013', 'SRS-ONELINE-014', 'SRS-ONELINE-015', 'SRS-ONELINE-016', 'SRS-ONELINE-017', 'SRS-ONELINE-003', 'SRS-ONELINE-004'],
  kind: 'live',
  runs: 60,
  build: (ctx) =>
    fc.asyncProperty(fc.array(appPacket, { maxLength: 8 }), pieces(9), async (packets, sizes) => {
      await exchange(ctx, packets, sizes, expectedSession(packets.map(decodeLine), referenceApp).responses);
    }),
  describe: ([packets, sizes]) => `packets: ${show(packets as Buffer[])}; write sizes: ${JSON.stringify(sizes)}`,
};

const liveOversize: PropertyCase = {
  name: 'oneline live: over-long packets answer invalid once and the server carries on',
  ids: ['SRS-ONELINE-019', 'SRS-ONELINE-020', 'SRS-ONELINE-023'],
  kind: 'live',
  runs: 8,
  build: (ctx) =>
    fc.asyncProperty(oversizeLength, fc.array(fc.integer({ min: 1000, max: 70_000 }), { maxLength: 4 }), async (length, sizes) => {
      const packets = [Buffer.from('ping'), Buffer.alloc(length, 0x78), Buffer.from('ping')];
      await exchange(ctx, packets, sizes, ['pong', 'invalid', 'pong']);
    }),
  describe: ([length, sizes]) => `"ping", ${length} bytes of "x", "ping"; write sizes ${JSON.stringify(sizes)}`,
};

const liveAbruptClose: PropertyCase = {
  name: 'oneline live: a client that goes at any moment frees the server for the next',
  ids: ['SRS-ONELINE-021', 'SRS-ONELINE-022', 'SRS-ONELINE-023'],
  kind: 'live',
  runs: 25,
  build: (ctx) =>
    fc.asyncProperty(fc.array(corePacket, { maxLength: 3 }), anyPacket, fc.boolean(), async (packets, partial, reset) => {
      const trace = ctx.trace();
      const first = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
      await first.write(Buffer.concat([wire(packets), partial]));
      if (reset) first.reset();
      else first.end();
      const next = await WireDriver.connect(ctx.endpoint, trace, ctx.timeoutMs);
      try {
        await next.write(Buffer.from('ping\n'));
        const line = await next.read(lineParse, ctx.timeoutMs, 'the next client\'s "pong"');
        expectConform(line.toString() === 'pong', () => `the next client got "${escapeBytes(line)}" before anything else`);
      } finally {
        first.destroy();
        next.destroy();
      }
    }),
  describe: ([packets, partial, reset]) =>
    `first client sends ${show(packets as Buffer[])} then partial "${escapeBytes(partial as Buffer)}" and ${reset ? 'resets' : 'closes'}`,
};

export const onelineProperties: PropertyCase[] = [
  everyOffset, randomSplits, invalidUtf8, oversize, textFramer,
  liveCore, liveApp, liveOversize, liveAbruptClose,
];
