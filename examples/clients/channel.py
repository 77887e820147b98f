#!/usr/bin/env python3
"""A channel client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol channel --client "python3 examples/clients/channel.py {host} {port}"

ChannelClient below is the client under test and act() in main() its handler of the actions,
on top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace
the class and the handler with yours and keep driver.py beside them. A body is bytes: it
travels base64 (or as "data" when it is text).

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 16777216}
    stdin   {"action": "send", "data": "ping", "expect": 1}   one frame out, then `expect` bodies in
    stdout  {"event": "received", "base64": "cG9uZw=="}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
    stdin   {"action": "receive", "expect": 1}                bodies the server sends unasked
    stdin   {"action": "close"}                               close the connection; then "done"
"""
import re
import socket
import time

import driver


# A whole header, and what a header may look like while it is still arriving.
HEADER = re.compile(rb'\r\nMSG (\d{1,10})\r\n')
HEADER_SO_FAR = re.compile(rb'(?:\r(?:\n(?:M(?:S(?:G(?: (?:\d{1,10}\r?)?)?)?)?)?)?)?\Z')


class ChannelClient:
    """Frames `\\r\\nMSG <len>\\r\\n<body>` both ways; a received body is at most max_bytes."""

    def __init__(self, host, port, timeout, max_bytes):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.pending = bytearray()  # bytes received and not yet a whole frame

    def send(self, body):
        self.sock.sendall(b'\r\nMSG %d\r\n' % len(body) + body)

    def receive(self, count):
        """The next `count` bodies, all within the timeout."""
        deadline = time.monotonic() + self.timeout
        return [self._frame(deadline) for _ in range(count)]

    def close(self):
        self.sock.close()

    def _frame(self, deadline):
        while True:
            body = self._take_frame()
            if body is not None:
                return body
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f'no whole frame within {self.timeout} s')
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)  # raises TimeoutError (socket.timeout) when the server is silent
            if not chunk:
                raise driver.ServerClosed(f'the server closed the connection with {len(self.pending)} bytes of a frame unread')
            self.pending += chunk

    def _take_frame(self):
        """A whole body off the front of what arrived, None while it is incomplete; ProtocolError for a bad header."""
        header = HEADER.match(self.pending)
        if header is None:
            head = bytes(self.pending[:18])  # a valid header is at most 18 bytes
            if not HEADER_SO_FAR.match(head):
                raise driver.ProtocolError(f'not a frame header: {head!r}')
            digits = head[6:].rstrip(b'\r')
            if digits and int(digits) > self.max_bytes:  # more digits only make it larger: refuse now
                raise driver.ProtocolError(f'a frame length over {self.max_bytes} bytes')
            return None
        length = int(header.group(1))
        if length > self.max_bytes:
            raise driver.ProtocolError(f'a frame length of {length} bytes, over {self.max_bytes}')
        end = header.end() + length
        if len(self.pending) < end:
            return None  # the body grows with what arrives, never allocated at its claimed length
        body = bytes(self.pending[header.end():end])
        del self.pending[:end]
        return body


def main():
    args = driver.options(__doc__, max_bytes=16 * 1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = None

    def act(action):
        nonlocal client
        if client is None:
            client = ChannelClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)
        if action['action'] == 'send':
            client.send(driver.payload(action))
        elif action['action'] == 'close':
            client.close()
        elif action['action'] != 'receive':
            raise driver.unknown(action)
        try:
            for body in client.receive(action.get('expect', 0)):
                driver.deliver(body)
        except driver.ProtocolError:
            client.close()  # the receiver closes the connection: what follows cannot be framed
            raise

    driver.serve(act)
    if client is not None:
        client.close()


if __name__ == '__main__':
    main()
