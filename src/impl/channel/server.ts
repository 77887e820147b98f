import { ConnectionClosedError } from '../common/errors';
import { closeGracefully, listenTcp, ListenOptions, RunningServer } from '../common/net';
import { AsyncQueue } from '../common/queue';
import { Channel, ChannelOptions, untilClosed } from './channel';

/** The seed's example port; servers still default to an ephemeral port (0). */
export const DEFAULT_CHANNEL_PORT = 5000;

export interface ChannelServerOptions extends ListenOptions, Pick<ChannelOptions, 'maxBody' | 'maxQueuedBytes'> {
  /** On close, how long channels get to finish before they are reset (default 2000 ms). */
  graceMs?: number;
}

/** A listening channel server: RunningServer, and `for await` yields one Channel per client. */
export interface ChannelServer extends RunningServer, AsyncIterable<Channel> {}

/**
 * Listens for channel clients (the seed's `Channel.listen`). Each accepted connection
 * becomes a Channel, yielded in order of arrival; a protocol error on one closes that
 * channel only. close() stops listening and stops every channel receiving: the bodies
 * already received are still delivered, the handler's replies still go out, and
 * whatever is still open after the grace period is reset.
 */
export async function listenChannels(options: ChannelServerOptions = {}): Promise<ChannelServer> {
  const graceMs = options.graceMs ?? 2000;
  const accepted = new AsyncQueue<Channel>();
  const channels = new Set<Channel>();
  let stopping = false;

  const running = await listenTcp((socket) => {
    if (stopping) return void socket.destroy();
    const channel = new Channel(socket, {
      maxBody: options.maxBody,
      maxQueuedBytes: options.maxQueuedBytes,
      closeGraceMs: graceMs,
    });
    channels.add(channel);
    void channel.closed.then(() => channels.delete(channel));
    accepted.push(channel);
  }, options);

  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      closeGracefully(running, graceMs, () => {
        accepted.end(new ConnectionClosedError('channel server closed'));
        // Nobody took these yet, so nobody else will close them.
        for (const channel of accepted.clear()) void channel.close();
        for (const channel of channels) channel.stopReceiving();
      });
    }
    return running.closed;
  };

  return {
    host: running.host,
    port: running.port,
    closed: running.closed,
    close,
    [Symbol.asyncIterator]: () => untilClosed(() => accepted.take(Infinity, 'accept channel')),
  };
}

/** The reference channel server: echoes every body back on the channel it came from. */
export async function startChannelEchoServer(options: ChannelServerOptions = {}): Promise<RunningServer> {
  const server = await listenChannels(options);
  void (async () => {
    for await (const channel of server) void echo(channel);
  })();
  const { host, port, closed, close } = server;
  return { host, port, closed, close };
}

async function echo(channel: Channel): Promise<void> {
  try {
    for await (const body of channel) await channel.send(body);
  } catch {
    // A framing error or a failed send ends this channel only; it is closed below.
  } finally {
    await channel.close();
  }
}
