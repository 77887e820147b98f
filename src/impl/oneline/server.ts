import { closeGracefully, listenTcp, ListenOptions, RunningServer } from '../common/net';
import { Turns } from '../common/turns';
import { LineTextFramer, MAX_PACKET } from './framer';
import { handlePacket, OnelineApp, referenceApp } from './model';

export const DEFAULT_ONELINE_PORT = 5005;

export interface OnelineServerOptions extends ListenOptions {
  app?: OnelineApp;
  maxPacket?: number;
  /** Connections allowed to wait for their turn; past it a new one is closed at once. */
  maxWaiting?: number;
}

/**
 * The oneline server: one client served at a time, the others wait in arrival order
 * (paused, so the kernel holds what they send) and are served the moment the current
 * client goes, however it goes.
 */
export async function startOnelineServer(options: OnelineServerOptions = {}): Promise<RunningServer> {
  const app = options.app ?? referenceApp;
  const maxPacket = options.maxPacket ?? MAX_PACKET;
  let stopping = false;

  const turns = new Turns((socket, turnOver) => {
    const framer = new LineTextFramer(maxPacket);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.removeListener('data', onData);
      turnOver();
    };
    const onData = (chunk: Buffer) => {
      framer.push(chunk, (packet) => {
        if (done) return; // packets after disconnect/shutdown in the same chunk are not served
        const { responses, action } = handlePacket(packet, app);
        // A client that does not read stops being read: its queued responses stay bounded.
        if (responses.length > 0 && !socket.write(responses.join('\n') + '\n') && !socket.isPaused()) {
          socket.pause();
          socket.once('drain', () => done || socket.resume());
        }
        if (action === 'continue') return;
        finish();
        socket.end(); // flushes the responses already queued, then FIN
        socket.resume(); // discard whatever the client still sends
        if (action === 'shutdown') void running.close();
      });
    };
    socket.on('data', onData);
    socket.once('end', () => { finish(); socket.end(); });
    socket.once('close', finish);
    socket.resume();
  }, options.maxWaiting ?? 1024);

  const running = await listenTcp((socket) => turns.admit(socket), options);

  const close = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      closeGracefully(running, 2000, () => {
        turns.stop(); // the waiting clients are ended with the rest
        // The current client gets its queued responses flushed before the close (graceful).
        for (const socket of running.sockets) {
          socket.end();
          socket.resume();
        }
      });
    }
    return running.closed;
  };
  return { host: running.host, port: running.port, closed: running.closed, close };
}
