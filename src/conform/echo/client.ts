/**
 * echo in client runs (`conform --client`): the scenarios are features/echo/client-target/;
 * these are the live fuzzing of a client's exchange. The client sends random bytes; the
 * suite echoes them in any writes, whole and then closing, or cut short by a close or a
 * reset at any offset; the client's reports are judged against what that echo allows.
 * Each property verifies the requirements it alone can break.
 */
import fc from 'fast-check';
import { escapeBytes } from '../bytes-text';
import { bytesField } from '../client/contract';
import {
  answer, cutAt, cutEnding, describeWrites, endsAfterCut, expectEndAllowed, segmentation, WHOLE, withClient, type Ending, type Segmentation,
} from '../client/fuzz';
import { exactParse } from '../driver';
import { NonConformance } from '../errors';
import { expectConform } from '../properties';
import type { ClientSupport, LiveContext, PropertyCase } from '../protocol';

const randomBytes = fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((a) => Buffer.from(a));

/**
 * One run: the client is told to send `bytes`; the suite reads them and echoes them as
 * scripted (a whole echo ends with the server's close). What the client sends is judged
 * only where `judgeSending` (the whole-echo property).
 */
function exchange(ctx: LiveContext, bytes: Buffer, writes: Segmentation, end: Ending, judgeSending: boolean): Promise<void> {
  return withClient(ctx, async (client) => {
    client.tell({ action: 'send', ...bytesField(bytes) });
    const conn = await client.connection();
    const sent = await conn.read(exactParse(bytes.length), client.suiteTimeoutMs, `the ${bytes.length} bytes it was told to send`);
    if (judgeSending) {
      const diff = sent.findIndex((b, i) => b !== bytes[i]);
      expectConform(diff === -1, () => `the client sent byte ${diff} as 0x${sent[diff].toString(16)}, told 0x${bytes[diff].toString(16)}`);
      if ((await conn.closedWithin(client.suiteTimeoutMs)) !== 'FIN') throw new NonConformance('the client did not close its sending side after sending');
      expectConform(conn.unread.length === 0, () => `the client sent "${escapeBytes(conn.unread.subarray(0, 40))}" more than it was told`);
    }
    await answer(conn, bytes, end, writes);
    if (end.kind === 'whole') conn.end(); // the whole echo, then the server's close: the exchange is complete
    const { received, end: report } = await client.collect();
    const echoed = Buffer.concat(received);
    const cut = cutAt(end, bytes.length);
    const diff = echoed.findIndex((b, i) => i >= cut || b !== bytes[i]);
    expectConform(diff === -1, () => `the client reported ${echoed.length} bytes, differing from the echo at byte ${diff}${diff >= cut ? ` (the suite sent ${cut})` : ''}`);
    expectEndAllowed(report, end.kind === 'whole' ? ['done'] : endsAfterCut(end), echoed.length === bytes.length, `${echoed.length} of ${bytes.length} bytes`);
  });
}

function describe(bytes: unknown, writes: unknown, end: Ending): string {
  const b = bytes as Buffer;
  return `${b.length} bytes (hex ${b.subarray(0, 32).toString('hex')}${b.length > 32 ? '…' : ''}); echo ${describeWrites(writes, end, b.length)}`;
}

const liveWhole: PropertyCase = {
  name: 'echo client live: random bytes go out exactly, and their echo in any segmentation is reported whole',
  ids: ['SRS-ECHO-100', 'SRS-ECHO-101', 'SRS-ECHO-102'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(randomBytes, segmentation, (bytes, writes) => exchange(ctx, bytes, writes, WHOLE, true)),
  describe: ([bytes, writes]) => describe(bytes, writes, WHOLE),
};

const liveCut: PropertyCase = {
  name: 'echo client live: an echo cut at any offset by a close or a reset ends with that reported',
  ids: ['SRS-ECHO-103'],
  kind: 'live',
  runs: 10,
  build: (ctx) => fc.asyncProperty(randomBytes, segmentation, cutEnding, (bytes, writes, end) => exchange(ctx, bytes, writes, end, false)),
  describe: ([bytes, writes, end]) => describe(bytes, writes, end as Ending),
};

export const echoClient: ClientSupport = {
  properties: [liveWhole, liveCut],
};
