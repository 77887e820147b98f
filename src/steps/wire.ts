/**
 * Steps that drive any target over raw TCP: exact bytes, write boundaries, delays,
 * reads against deadlines, closes. Protocol step files add only what is their own.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import { exactParse, lineParse, type CloseKind } from '../conform/driver';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { NonConformance } from '../conform/errors';
import { expectStopsAccepting } from './reference';
import type { WireWorld } from './world';

Given('client {word} is connected', async function (this: WireWorld, name: string) {
  await this.connect(name);
});

When('client {word} sends {string}', async function (this: WireWorld, name: string, text: string) {
  await this.client(name).write(unescapeBytes(text));
});

When('client {word} sends {string} in {int}-byte writes with {int} ms between them',
  async function (this: WireWorld, name: string, text: string, size: number, gap: number) {
    await this.client(name).write(unescapeBytes(text), { pieceSize: size, delayMs: gap });
  });

When('client {word} sends {int} bytes of {string} in {int}-byte writes',
  async function (this: WireWorld, name: string, count: number, fill: string, size: number) {
    const piece = Buffer.alloc(Math.min(size, count), unescapeBytes(fill));
    const driver = this.client(name);
    for (let sent = 0; sent < count; sent += piece.length) {
      await driver.write(piece.subarray(0, Math.min(piece.length, count - sent)));
    }
  });

When('client {word} sends every byte value {int} times', async function (this: WireWorld, name: string, times: number) {
  await this.client(name).write(everyByteValue(times));
});

When('client {word} sends {string} and {int} bytes of {string} and {string}',
  async function (this: WireWorld, name: string, head: string, count: number, fill: string, tail: string) {
    const bytes = Buffer.concat([unescapeBytes(head), Buffer.alloc(count, unescapeBytes(fill)), unescapeBytes(tail)]);
    await this.client(name).write(bytes);
  });

When('client {word} closes its connection', function (this: WireWorld, name: string) {
  this.client(name).destroy();
});

When('client {word} closes its sending side', function (this: WireWorld, name: string) {
  this.client(name).end();
});

When('client {word} resets its connection', function (this: WireWorld, name: string) {
  this.client(name).reset();
});

When('client {word} sends {string} and resets its connection', async function (this: WireWorld, name: string, text: string) {
  await this.client(name).write(unescapeBytes(text));
  this.client(name).reset();
});

Then('client {word} receives exactly {string}', async function (this: WireWorld, name: string, text: string) {
  const want = unescapeBytes(text);
  const got = await this.client(name).read(exactParse(want.length), this.timeoutMs, `"${text}"`);
  if (!got.equals(want)) throw new NonConformance(`expected "${escapeBytes(want)}", received "${escapeBytes(got)}"`);
});

Then('client {word} receives the line {string}', async function (this: WireWorld, name: string, text: string) {
  await expectLine(this, name, unescapeBytes(text));
});

Then('client {word} receives the line {string} {int} times', async function (this: WireWorld, name: string, text: string, times: number) {
  for (let i = 0; i < times; i++) await expectLine(this, name, unescapeBytes(text), ` (${i + 1} of ${times})`);
});

Then('client {word} receives nothing within {int} ms', async function (this: WireWorld, name: string, ms: number) {
  await this.client(name).expectQuiet(this.quietMs(ms), `expected nothing within ${ms} ms`);
});

Then('client {word} is closed by the target', async function (this: WireWorld, name: string) {
  await this.client(name).expectClosed(this.timeoutMs, 'expected the target to close the connection');
});

/** Waits for the target to close; nothing may have arrived that no step read. Returns how it closed. */
async function closedWithNothingMore(world: WireWorld, name: string): Promise<CloseKind> {
  const driver = world.client(name);
  const how = await driver.expectClosed(world.timeoutMs, 'expected the target to close the connection');
  if (driver.unread.length > 0) {
    throw new NonConformance(`expected nothing more before the close, received "${escapeBytes(driver.unread.subarray(0, 120))}"`);
  }
  return how;
}

Then('client {word} is closed by the target without receiving anything more', async function (this: WireWorld, name: string) {
  await closedWithNothingMore(this, name);
});

Then('client {word} is closed by the target with a FIN, receiving nothing more', async function (this: WireWorld, name: string) {
  const how = await closedWithNothingMore(this, name);
  if (how !== 'FIN') throw new NonConformance('expected the target to close with FIN, it reset the connection (RST)');
});

Then('the target stops accepting connections', async function (this: WireWorld) {
  await expectStopsAccepting(this, this.endpoint.host, this.endpoint.port);
});

/** 0x00 to 0xff, `times` over: every byte value a binary-clean peer must carry. */
export function everyByteValue(times: number): Buffer {
  const once = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat(Array(times).fill(once));
}

export async function expectLine(world: WireWorld, name: string, want: Buffer, note = ''): Promise<Buffer> {
  const line = await world.client(name).read(lineParse, world.timeoutMs, `the line "${escapeBytes(want)}"${note}`);
  if (!line.equals(want)) {
    throw new NonConformance(`expected the line "${escapeBytes(want)}"${note}, received "${escapeBytes(line.subarray(0, 120))}"${line.length > 120 ? ` (${line.length} bytes)` : ''}`);
  }
  return line;
}
