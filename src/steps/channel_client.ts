/**
 * channel steps of the @client-target features (features/channel/client-target/): what only
 * channel knows, on the client case of src/steps/client.ts. The client's frames are read by
 * the suite's own strict parser (src/conform/channel/wire.ts), never the reference framer.
 */
import { Then, When } from '@cucumber/cucumber';
import { escapeBytes, unescapeBytes } from '../conform/bytes-text';
import { channelFrameParse, frame, frameHeader } from '../conform/channel/wire';
import { NonConformance } from '../conform/errors';
import { underTest, type ClientWorld } from './client';
import { everyByteValue } from './wire';

async function expectFrame(world: ClientWorld, want: Buffer, what: string): Promise<void> {
  const conn = await underTest(world).connection();
  const body = await conn.read(channelFrameParse, world.timeoutMs, `a channel frame holding ${what}`);
  if (!body.equals(want)) throw new NonConformance(`expected a channel frame holding ${what}; its body is "${escapeBytes(body.subarray(0, 120))}"`);
}

Then('the suite receives a channel frame holding {string}', async function (this: ClientWorld, text: string) {
  await expectFrame(this, unescapeBytes(text), `"${text}"`);
});

Then('the suite receives a channel frame holding every byte value {int} times', async function (this: ClientWorld, times: number) {
  await expectFrame(this, everyByteValue(times), `every byte value ${times} times`);
});

async function send(world: ClientWorld, bytes: Buffer, pieceSize?: number): Promise<void> {
  await (await underTest(world).connection()).write(bytes, { pieceSize });
}

When('the suite answers a channel frame holding every byte value {int} times', async function (this: ClientWorld, times: number) {
  await send(this, frame(everyByteValue(times)));
});

/** A large body, cut to the client's maximum when that is less: the case is about its size against one segment. */
const largeBody = (world: ClientWorld, size: number, fill: string) => Buffer.alloc(Math.min(size, underTest(world).maxBytes), unescapeBytes(fill));

When('the suite answers a channel frame of {int} bytes of {string}, at most the client\'s maximum, in {int}-byte writes', async function (this: ClientWorld, size: number, fill: string, piece: number) {
  await send(this, frame(largeBody(this, size, fill)), piece);
});

When('the suite answers a channel header announcing one byte more than the client\'s maximum', async function (this: ClientWorld) {
  await send(this, frameHeader(underTest(this).maxBytes + 1));
});

When('the suite answers a channel header announcing the client\'s maximum, then {string} and closes the connection', async function (this: ClientWorld, text: string) {
  await send(this, Buffer.concat([frameHeader(underTest(this).maxBytes), unescapeBytes(text)]));
  (await underTest(this).connection()).end();
});

Then('the client reports receiving a body of every byte value {int} times', async function (this: ClientWorld, times: number) {
  await underTest(this).expectReceived(everyByteValue(times));
});

Then('the client reports receiving a body of {int} bytes of {string}, at most its maximum', async function (this: ClientWorld, size: number, fill: string) {
  await underTest(this).expectReceived(largeBody(this, size, fill));
});
