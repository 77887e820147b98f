#!/usr/bin/env python3
"""An HTTP/1.1 client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol http --client "python3 examples/clients/http.py {host} {port}"

The contract (README, "Verifying a client"): wireproof writes one JSON action per line to
standard input and reads one JSON report per line from standard output. For http an action
is one request, `get` or `head` of a path (the request-target, sent as is); the response is
reported as one `received` unit: its status, its header fields and its body in base64.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 1048576}
    stdin   {"action": "get", "path": "/hello.txt"}
    stdout  {"event": "received", "status": 200, "headers": {"content-type": "text/plain"}, "base64": "aGVsbG8="}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"

HttpClient below is the client under test and act() in main() its handler of the actions, on
top of driver.py beside it, the contract's plumbing. Replace the class and the handler with
yours and keep driver.py beside them. This one is a small HTTP/1.1 client on a socket, one
connection per request, that reads a response as RFC 9112 frames it and refuses what it
cannot frame. Python's own http.client (under urllib.request) is lenient where that matters:
urllib_http.py wraps it, and the README records its verdicts ("Verifying a client").
"""
import re
import socket
import time

import driver

STATUS_LINE = re.compile(rb'HTTP/1\.[0-9] ([0-9]{3})(?: .*)?', re.S)  # RFC 9112 §4; any reason phrase
FIELD_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 §5.1: a token
DIGITS = re.compile(rb'[0-9]+')
HEX = re.compile(rb'[0-9A-Fa-f]+')
MAX_LINE = 64 * 1024  # a status line, field line or chunk-size line longer than this is refused
MAX_FIELDS = 1000


class Connection:
    """One request's socket: reads lines and exact byte counts before a deadline."""

    def __init__(self, host, port, timeout):
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = bytearray()

    def _more(self, what):
        """Reads what arrives next, before the deadline; b'' once the server closed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f'no whole response within {self.timeout} s (waiting for {what})')
        self.sock.settimeout(left)
        return self.sock.recv(65536)  # raises TimeoutError (socket.timeout) when the server is silent

    def line(self, what):
        """One line ended by CRLF, without it. A lone LF, or a line too long, is a protocol error."""
        while True:
            lf = self.pending.find(b'\n')
            if lf != -1:
                if lf == 0 or self.pending[lf - 1] != 0x0D:
                    raise driver.ProtocolError(f'{what} ends with a bare LF, not CRLF')
                line = bytes(self.pending[:lf - 1])
                del self.pending[:lf + 1]
                return line
            if len(self.pending) > MAX_LINE:
                raise driver.ProtocolError(f'{what} is longer than {MAX_LINE} bytes')
            chunk = self._more(what)
            if not chunk:
                raise driver.ServerClosed(f'the server closed the connection inside {what}')
            self.pending += chunk

    def exactly(self, n, what):
        """Exactly n bytes (n is bounded by the caller)."""
        while len(self.pending) < n:
            chunk = self._more(what)
            if not chunk:
                raise driver.ServerClosed(f'the server closed the connection after {len(self.pending)} of the {n} bytes of {what}')
            self.pending += chunk
        data = bytes(self.pending[:n])
        del self.pending[:n]
        return data

    def to_close(self, max_bytes):
        """Everything until the server closes: a body delimited by the close."""
        while len(self.pending) <= max_bytes:
            chunk = self._more('a body that runs to the close')
            if not chunk:
                data = bytes(self.pending)
                self.pending.clear()
                return data
            self.pending += chunk
        raise driver.ProtocolError(f'a body over the maximum of {max_bytes} bytes')

    def close(self):
        self.sock.close()


class HttpClient:
    def __init__(self, host, port, timeout, max_bytes):
        self.host, self.port = host, port
        self.timeout = timeout
        self.max_bytes = max_bytes

    def request(self, method, target):
        """One request on a connection of its own; returns (status, headers, body). An error status is a response too."""
        conn = Connection(self.host, self.port, self.timeout)
        try:
            conn.sock.sendall(f'{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nConnection: close\r\n\r\n'.encode('latin-1'))
            while True:
                status = self._status(conn)
                headers = self._fields(conn, 'the header section')
                if not 100 <= status < 200:
                    break  # 1xx responses are interim: the final response follows (RFC 9110 §15.2)
            if method == 'HEAD' or status in (204, 304):
                body = b''  # no body, whatever the fields say (RFC 9112 §6.3)
            elif 'transfer-encoding' in headers:
                codings = [c.strip().lower() for c in headers['transfer-encoding'].split(',')]
                body = self._chunked(conn) if codings[-1] == 'chunked' else conn.to_close(self.max_bytes)
            elif 'content-length' in headers:
                length = self._content_length(headers['content-length'])
                if length > self.max_bytes:
                    raise driver.ProtocolError(f'a Content-Length of {length} is over the maximum of {self.max_bytes} bytes')
                body = conn.exactly(length, 'a Content-Length body')
            else:
                body = conn.to_close(self.max_bytes)
            return status, headers, body
        finally:
            conn.close()

    @staticmethod
    def _status(conn):
        line = conn.line('the status line')
        match = STATUS_LINE.fullmatch(line)
        if not match:
            raise driver.ProtocolError(f'not an HTTP/1.x status line: {line[:80]!r}')
        return int(match.group(1))

    @staticmethod
    def _fields(conn, what):
        """Field lines up to the empty line: name to value (whitespace around it removed; repeated names joined by ', ')."""
        fields = {}
        for _ in range(MAX_FIELDS):
            line = conn.line(what)
            if not line:
                return fields
            name, colon, value = line.partition(b':')
            if not colon or not FIELD_NAME.fullmatch(name):  # also a folded line, which starts with whitespace
                raise driver.ProtocolError(f'not a field line: {line[:80]!r}')
            name = name.decode('ascii').lower()
            value = value.strip(b' \t').decode('latin-1')
            fields[name] = f'{fields[name]}, {value}' if name in fields else value
        raise driver.ProtocolError(f'more than {MAX_FIELDS} field lines')

    @staticmethod
    def _content_length(value):
        """One valid decimal number; a list of the same number is that number (RFC 9112 §6.3), anything else an error."""
        values = {v.strip() for v in value.split(',')}
        if len(values) != 1 or not DIGITS.fullmatch(next(iter(values)).encode('latin-1')):
            raise driver.ProtocolError(f'an invalid Content-Length: {value!r}')
        return int(next(iter(values)))

    def _chunked(self, conn):
        """A chunked body (RFC 9112 §7.1): hex sizes, extensions ignored, CRLF after each chunk's data, then the trailer."""
        body = bytearray()
        while True:
            size_line = conn.line('a chunk size line')
            size = size_line.split(b';', 1)[0].rstrip(b' \t')
            if not HEX.fullmatch(size):
                raise driver.ProtocolError(f'not a chunk size: {size_line[:80]!r}')
            if len(size.lstrip(b'0')) > 16 or len(body) + int(size, 16) > self.max_bytes:
                raise driver.ProtocolError(f'a chunked body over the maximum of {self.max_bytes} bytes')
            size = int(size, 16)
            if size == 0:
                self._fields(conn, 'the trailer section')
                return bytes(body)
            body += conn.exactly(size, 'a chunk')
            if conn.exactly(2, 'the CRLF after a chunk') != b'\r\n':
                raise driver.ProtocolError('chunk data not followed by CRLF')


def main():
    args = driver.options(__doc__, max_bytes=1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = HttpClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)

    def act(action):
        if action['action'] == 'close':
            return None  # each request has its own connection
        if action['action'] not in ('get', 'head'):
            raise driver.unknown(action)
        status, headers, body = client.request(action['action'].upper(), action['path'])
        driver.deliver(body, status=status, headers=headers)

    driver.serve(act)


if __name__ == '__main__':
    main()
