import { startChannelEchoServer } from '../../impl/channel/server';
import { WireDriver } from '../driver';
import type { ProtocolPlugin } from '../protocol';
import { TraceRecorder } from '../trace';
import { channelProperties } from './properties';
import { channelFrameParse, frame } from './wire';

export const channelPlugin: ProtocolPlugin = {
  name: 'channel',
  startEmbedded: () => startChannelEchoServer({ port: 0 }),
  /** Alive means answering: a frame on a new connection gets a frame back (its content is for the cases). */
  async probe(endpoint, timeoutMs) {
    const driver = await WireDriver.connect(endpoint, new TraceRecorder(), timeoutMs);
    try {
      await driver.write(frame(Buffer.from('ping')));
      await driver.read(channelFrameParse, timeoutMs, 'an echo of the liveness probe\'s frame');
    } finally {
      driver.destroy();
    }
  },
  properties: channelProperties,
};
