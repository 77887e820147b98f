#!/usr/bin/env python3
"""A oneline client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol oneline --client "python3 examples/clients/oneline.py {host} {port}"

OnelineClient below is the client under test and act() in main() its handler of the actions,
on top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace
the class and the handler with yours and keep driver.py beside them.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 65536}
    stdin   {"action": "send", "data": "ping", "expect": 1}
    stdout  {"event": "received", "data": "pong"}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
    stdin   {"action": "close"}     close the connection; then "done"
"""
import socket
import time

import driver


class OnelineClient:
    """Commands go out as UTF-8 and one LF; responses come in as strict UTF-8 lines of at most max_bytes."""

    def __init__(self, host, port, timeout, max_bytes):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.pending = bytearray()  # bytes received and not yet a whole line

    def send(self, command, expect):
        """Sends one command and returns its `expect` responses."""
        self.sock.sendall(command.encode('utf-8') + b'\n')
        deadline = time.monotonic() + self.timeout
        return [self._line(deadline) for _ in range(expect)]

    def close(self):
        self.sock.close()

    def _line(self, deadline):
        while True:
            lf = self.pending.find(b'\n')
            if lf > self.max_bytes or (lf == -1 and len(self.pending) > self.max_bytes):
                raise driver.ProtocolError(f'a response line over {self.max_bytes} bytes')
            if lf != -1:
                line = bytes(self.pending[:lf])
                del self.pending[:lf + 1]
                try:
                    return line.decode('utf-8')  # strict: invalid UTF-8 raises
                except UnicodeDecodeError as err:
                    raise driver.ProtocolError(f'a response line that is not UTF-8: {err}') from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f'no whole response within {self.timeout} s')
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)  # raises TimeoutError (socket.timeout) when the server is silent
            if not chunk:
                raise driver.ServerClosed('the server closed the connection in the middle of a call')
            self.pending += chunk


def main():
    args = driver.options(__doc__, max_bytes=65536).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = None

    def act(action):
        nonlocal client
        if client is None:
            client = OnelineClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)
        if action['action'] == 'send':
            for response in client.send(driver.payload(action).decode('utf-8'), action.get('expect', 0)):
                driver.deliver(response)
        elif action['action'] == 'close':
            client.close()
        else:
            raise driver.unknown(action)

    driver.serve(act)
    if client is not None:
        client.close()


if __name__ == '__main__':
    main()
