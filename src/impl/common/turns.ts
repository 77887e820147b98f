import net from 'node:net';

/**
 * One client served at a time: the others wait in order of arrival, paused (so the
 * kernel holds what they send), and the next is served the moment the current one's
 * turn is over, however it ends. At most `maxWaiting` wait; past it a newcomer is
 * destroyed at once, as is every newcomer after stop().
 */
export class Turns {
  private readonly queue: net.Socket[] = [];
  private serving: net.Socket | undefined;
  private stopped = false;

  /** `serve` starts a client's turn; it calls `done` once the turn is over. */
  constructor(
    private readonly serve: (socket: net.Socket, done: () => void) => void,
    private readonly maxWaiting: number,
  ) {}

  /** The client whose turn it is. */
  get current(): net.Socket | undefined {
    return this.serving;
  }

  /** Clients connected and waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** A newly accepted connection: served now when nobody is, else queued. */
  admit(socket: net.Socket): void {
    socket.on('error', () => socket.destroy()); // a reset client just leaves
    socket.pause();
    if (this.stopped || (this.serving && this.queue.length >= this.maxWaiting)) return void socket.destroy();
    if (!this.serving) return this.start(socket);
    this.queue.push(socket);
    socket.once('close', () => {
      const i = this.queue.indexOf(socket);
      if (i >= 0) this.queue.splice(i, 1);
    });
  }

  /** No more turns: returns the clients still waiting, for the caller to close. */
  stop(): net.Socket[] {
    this.stopped = true;
    return this.queue.splice(0);
  }

  private start(socket: net.Socket): void {
    this.serving = socket;
    this.serve(socket, () => {
      if (this.serving === socket) this.serveNext();
    });
  }

  private serveNext(): void {
    this.serving = undefined;
    while (!this.stopped && !this.serving && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (!next.destroyed) this.start(next);
    }
  }
}
