/**
 * echo in client runs (`conform --client`): the scenarios are features/echo/client-target/;
 * this is the live fuzzing of a client's exchange. The client sends random bytes; the
 * suite echoes them in any writes, whole or cut short by a close or a reset at any offset,
 * and the client's reports are judged: the whole echo and "done", or a prefix and the cut.
 */
import fc from 'fast-check';
import { escapeBytes } from '../bytes-text';
import { bytesField } from '../client/contract';
import { answer, cutAt, describeEnding, ending, endsAfterCut, segmentation, withClient, type Ending, type Segmentation } from '../client/fuzz';
import { NonConformance } from '../errors';
import { expectConform } from '../properties';
import type { ClientSupport, PropertyCase } from '../protocol';

const exactly = (n: number) => (r: Buffer) => (r.length >= n ? { value: r.subarray(0, n), consumed: n } : undefined);

const liveEcho: PropertyCase = {
  name: 'echo client live: random bytes echoed in any segmentation, cut at any offset, reported as the echo allows',
  ids: ['SRS-ECHO-100', 'SRS-ECHO-101', 'SRS-ECHO-102', 'SRS-ECHO-103'],
  kind: 'live',
  runs: 15,
  build: (ctx) =>
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((a) => Buffer.from(a)), segmentation, ending, (bytes, writes: Segmentation, end) =>
      withClient(ctx, async (client) => {
        client.tell({ action: 'send', ...bytesField(bytes) });
        const conn = await client.connection();
        const sent = await conn.read(exactly(bytes.length), client.suiteTimeoutMs, `the ${bytes.length} bytes it was told to send`);
        const firstDiff = sent.findIndex((b, i) => b !== bytes[i]);
        expectConform(firstDiff === -1, () => `the client sent byte ${firstDiff} as 0x${sent[firstDiff].toString(16)}, told 0x${bytes[firstDiff].toString(16)}`);
        if ((await conn.closedWithin(client.suiteTimeoutMs)) !== 'FIN') throw new NonConformance('the client did not close its sending side after sending');
        expectConform(conn.unread.length === 0, () => `the client sent "${escapeBytes(conn.unread.subarray(0, 40))}" more than it was told`);
        await answer(conn, bytes, end, writes);
        if (end.kind === 'whole') conn.end(); // the whole echo, then the server's close: the exchange is complete
        const { received, end: report } = await client.collect();
        const echoed = Buffer.concat(received);
        const cut = cutAt(end, bytes.length);
        const diff = echoed.findIndex((b, i) => i >= cut || b !== bytes[i]);
        expectConform(diff === -1, () => `the client reported ${echoed.length} bytes, differing from the echo at byte ${diff}` +
          (diff >= cut ? ` (the suite sent ${cut})` : ''));
        const ends = end.kind === 'whole' ? ['done'] : endsAfterCut(end);
        expectConform(ends.includes(report.event) && (report.event !== 'done' || echoed.length === bytes.length), () =>
          `the call ended with "${report.event}"${'message' in report && report.message ? ` (${report.message.slice(0, 200)})` : ''} after ${echoed.length} of ${bytes.length} bytes; ` +
          `the echo allows ${ends.map((e) => `"${e}"`).join(' or ')}`);
      })),
  describe: ([bytes, writes, end]) => {
    const b = bytes as Buffer;
    const { sizes, gapMs } = writes as Segmentation;
    return `${b.length} bytes (hex ${b.subarray(0, 32).toString('hex')}${b.length > 32 ? '…' : ''}); echo write sizes ${JSON.stringify(sizes)}, ${gapMs} ms apart; ${describeEnding(end as Ending, b.length)}`;
  },
};

export const echoClient: ClientSupport = {
  properties: [liveEcho],
};
