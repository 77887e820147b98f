import fc from 'fast-check';
import { pieces } from '../arbitraries';
import { WireDriver } from '../driver';
import { expectConform } from '../properties';
import type { PropertyCase } from '../protocol';

const liveEcho: PropertyCase = {
  name: 'echo live: random bytes in random writes come back identical, and the server closes after the client\'s FIN',
  ids: ['SRS-ECHO-001', 'SRS-ECHO-002', 'SRS-ECHO-004'],
  kind: 'live',
  runs: 50,
  build: (ctx) =>
    fc.asyncProperty(fc.uint8Array({ maxLength: 6000 }).map((a) => Buffer.from(a)), pieces(700), fc.integer({ min: 0, max: 3 }), async (bytes, sizes, gapMs) => {
      const driver = await WireDriver.connect(ctx.endpoint, ctx.trace(), ctx.timeoutMs);
      try {
        await driver.write(bytes, { pieces: sizes, delayMs: gapMs });
        driver.end();
        const how = await driver.expectClosed(ctx.timeoutMs, `after the client's FIN`);
        const back = driver.unread;
        const firstDiff = back.findIndex((b, i) => b !== bytes[i]);
        expectConform(back.equals(bytes), () =>
          `sent ${bytes.length} bytes, received ${back.length} before the close` + (firstDiff >= 0 ? `, first difference at byte ${firstDiff}` : ''));
        expectConform(how === 'FIN', () => 'the server reset the connection instead of closing it after the echo');
      } finally {
        driver.destroy();
      }
    }),
  describe: ([bytes, sizes, gapMs]) => `${(bytes as Buffer).length} bytes (hex ${(bytes as Buffer).subarray(0, 48).toString('hex')}${(bytes as Buffer).length > 48 ? '…' : ''}); write sizes ${JSON.stringify(sizes)}, ${gapMs} ms apart`,
};

export const echoProperties: PropertyCase[] = [liveEcho];
