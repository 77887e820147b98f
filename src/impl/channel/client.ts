import { connectTcp, DEFAULT_HOST } from '../common/net';
import { Channel, ChannelOptions } from './channel';
import { DEFAULT_CHANNEL_PORT } from './server';

export interface ChannelClientOptions extends ChannelOptions {
  /** Connect timeout, and the default for every recv()/send() wait (default 5000 ms). */
  timeoutMs?: number;
}

/** Connects to a channel server (the seed's `Channel.connect`). */
export async function connectChannel(
  host = DEFAULT_HOST,
  port = DEFAULT_CHANNEL_PORT,
  options: ChannelClientOptions = {},
): Promise<Channel> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const socket = await connectTcp(host, port, timeoutMs);
  return new Channel(socket, { ...options, timeoutMs });
}
