#!/usr/bin/python3
"""Debian's Pyro4 Proxy behind wireproof's driver contract: a complete adapter.

    npx wireproof conform --protocol rpc --client "/usr/bin/python3 examples/clients/rpc.py {host} {port}"

Run it with Debian's /usr/bin/python3 (apt-get install python3-pyro4): the interpreter
first on PATH may not have Pyro4. The client calls PYRONAME:wireproof.echo@HOST:PORT, the
name server the suite plays on {port}; the daemon is wherever the name server's lookup
says. EchoClient below is the client under test and act() in main() its handler of the
actions, on top of driver.py beside it, the contract's plumbing (README, "Verifying a client").

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 4194304}
    stdin   {"action": "call", "method": "echo", "args": ["hi"], "kwargs": {}, "oneway": false}
    stdout  {"event": "received", "data": "{\"result\": \"hi\"}"}     one unit: the call's outcome
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
    stdin   {"action": "close"}     release the connection; then "done"

A remote exception is the call's outcome too: {"exception": {"class", "args", "traceback"}},
then "done". A oneway call reports no unit, only "done".

Pyro4 as shipped has no limit on a message (MAX_MESSAGE_SIZE = 0: it takes a header's
length claim at its word), no timeout (COMMTIMEOUT = 0: it waits for ever), and does not
check a received length's sign. All three are set here, before the proxy exists: --max-bytes,
--timeout-ms, refuse_negative_lengths(). --as-shipped leaves Pyro4 as it comes.
"""
import json

import Pyro4
import Pyro4.errors
import Pyro4.message

import driver


def outcome_of_exception(err):
    """A remote exception (Pyro4 keeps the remote traceback on it) as the call's outcome; None for a local failure."""
    traceback = getattr(err, '_pyroTraceback', None)
    if traceback is None:
        return None
    cls = type(err)
    return {'exception': {'class': f'{cls.__module__}.{cls.__qualname__}', 'args': list(err.args), 'traceback': ''.join(traceback)}}


def failure_event(err):
    """The contract's terminal event for a local failure. Pyro4 wraps some failures (a name
    server that times out is a NamingError caused by a TimeoutError): the first Pyro4
    communication error along the chain of causes decides."""
    seen = err
    while seen is not None:
        if isinstance(seen, (Pyro4.errors.TimeoutError, TimeoutError)):
            return 'timeout'
        if isinstance(seen, (Pyro4.errors.ConnectionClosedError, ConnectionError)):
            return 'closed'
        if isinstance(seen, Pyro4.errors.ProtocolError):  # MessageTooLargeError and SerializeError too
            return 'protocol-error'
        if isinstance(seen, Pyro4.errors.CommunicationError):
            return 'error'  # e.g. the daemon refused the handshake (CONNECTFAIL)
        seen = seen.__cause__
    return 'error'


def failure(err):
    return failure_event(err), f'{type(err).__name__}: {err}'


def refuse_negative_lengths():
    """Pyro4 4.82 refuses a negative data length when it sends a message (Message.to_bytes) but
    not when it receives one: recv() hands the length to socket.recv, whose ValueError is none
    of Pyro4's errors, and the proxy keeps a connection whose framing is lost (SRS-RPC-114;
    README, "Verifying a client"). Checked at the header, it is Pyro4's own ProtocolError, on
    which the proxy releases the connection."""
    from_header = Pyro4.message.Message.from_header.__func__

    def checked(cls, header):
        message = from_header(cls, header)
        if message.data_size < 0:
            raise Pyro4.errors.ProtocolError(f'invalid data size {message.data_size}')
        return message

    Pyro4.message.Message.from_header = classmethod(checked)


class EchoClient:
    """Calls wireproof.echo through its name server with a Pyro4 Proxy."""

    def __init__(self, host, port):
        self.proxy = Pyro4.Proxy(f'PYRONAME:wireproof.echo@{host}:{port}')

    def call(self, method, args, kwargs, oneway):
        remote = getattr(self.proxy, method)  # the first call connects: lookup, handshake, metadata
        # Pyro4 sends the methods its metadata lists as oneway so; the action says which calls are.
        if oneway:
            self.proxy._pyroOneway.add(method)
        else:
            self.proxy._pyroOneway.discard(method)
        return remote(*args, **kwargs)

    def close(self):
        self.proxy._pyroRelease()


def main():
    parser = driver.options(__doc__, max_bytes=4 * 1024 * 1024,
                            timeout_help="Pyro4's COMMTIMEOUT in ms; 0 is Pyro4's own default, no timeout (announced as none)",
                            max_bytes_help="Pyro4's MAX_MESSAGE_SIZE; 0 is Pyro4's own default, no maximum (announced as none)")
    parser.add_argument('--serializer', choices=['serpent', 'json'], default='serpent')
    parser.add_argument('--as-shipped', action='store_true',
                        help="Pyro4 with its own defaults and nothing added: --timeout-ms 0 --max-bytes 0, no length check")
    args = parser.parse_args()
    if args.as_shipped:
        args.timeout_ms = args.max_bytes = 0
    else:
        refuse_negative_lengths()
    Pyro4.config.COMMTIMEOUT = args.timeout_ms / 1000
    Pyro4.config.MAX_MESSAGE_SIZE = args.max_bytes
    Pyro4.config.SERIALIZER = args.serializer

    limits = {'timeoutMs': args.timeout_ms} if args.timeout_ms > 0 else {}
    if args.max_bytes > 0:
        limits['maxBytes'] = args.max_bytes
    driver.report(event='ready', **limits)
    client = EchoClient(args.host, args.port)

    def act(action):
        if action['action'] == 'call':
            oneway = action.get('oneway', False)
            try:
                result = client.call(action['method'], action.get('args', []), action.get('kwargs', {}), oneway)
            except Exception as err:
                outcome = outcome_of_exception(err)
                if outcome is None:
                    raise  # a local failure: its terminal event
                driver.deliver(json.dumps(outcome))  # a remote exception is the call's outcome, then done
                return
            if not oneway:
                driver.deliver(json.dumps({'result': result}))
        elif action['action'] == 'close':
            client.close()
        else:
            raise driver.unknown(action)

    driver.serve(act, failure)
    client.close()


if __name__ == '__main__':
    main()
