/** A blocking wait that ran past its timeout. Every client wait can throw it. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(what: string, readonly timeoutMs: number) {
    super(`${what}: no answer within ${timeoutMs} ms`);
  }
}

/** The peer closed (or reset) the connection while a call was waiting. */
export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

/**
 * The peer sent something the client cannot decode (invalid UTF-8, a frame over the
 * client's maximum, a malformed header): never delivered as data.
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Races a promise against a timer; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(what, timeoutMs)), timeoutMs);
    timer.unref();
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err) => { clearTimeout(timer); reject(err); },
    );
  });
}
