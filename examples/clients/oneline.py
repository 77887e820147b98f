#!/usr/bin/env python3
"""A oneline client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol oneline --client "python3 examples/clients/oneline.py {host} {port}"

The contract (README, "Verifying a client"): wireproof writes one JSON action per line to
standard input and reads one JSON report per line from standard output. The first line
announces the client's limits; each action then ends with exactly one terminal report.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 65536}
    stdin   {"action": "send", "data": "ping", "expect": 1}
    stdout  {"event": "received", "data": "pong"}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
    stdin   {"action": "close"}     close the connection; then "done"

OnelineClient below is the client under test; replace it with yours and keep main().
"""
import argparse
import base64
import json
import socket
import sys
import time


class ProtocolError(Exception):
    """A response the client cannot decode: never delivered as data."""


class ServerClosed(Exception):
    """The server closed the connection while a call waited."""


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
                raise ProtocolError(f'a response line over {self.max_bytes} bytes')
            if lf != -1:
                line = bytes(self.pending[:lf])
                del self.pending[:lf + 1]
                try:
                    return line.decode('utf-8')  # strict: invalid UTF-8 raises
                except UnicodeDecodeError as err:
                    raise ProtocolError(f'a response line that is not UTF-8: {err}') from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f'no whole response within {self.timeout} s')
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)  # raises TimeoutError (socket.timeout) when the server is silent
            if not chunk:
                raise ServerClosed('the server closed the connection in the middle of a call')
            self.pending += chunk


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000)
    parser.add_argument('--max-bytes', type=int, default=65536)
    args = parser.parse_args()

    def report(**fields):
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()  # a report the suite cannot see yet is a hang

    report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = None
    for line in sys.stdin:
        action = json.loads(line)
        try:
            if client is None:
                client = OnelineClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)
            if action['action'] == 'send':
                command = action['data'] if 'data' in action else base64.b64decode(action['base64']).decode('utf-8')
                for response in client.send(command, action.get('expect', 0)):
                    report(event='received', data=response)
            elif action['action'] == 'close':
                client.close()
            else:
                raise ValueError(f'unknown action {action["action"]!r}')
            report(event='done')
        except TimeoutError as err:
            report(event='timeout', message=str(err))
        except (ServerClosed, ConnectionError) as err:
            report(event='closed', message=str(err))
        except ProtocolError as err:
            report(event='protocol-error', message=str(err))
        except Exception as err:  # anything else the client raised
            report(event='error', message=f'{type(err).__name__}: {err}')
    if client is not None:
        client.close()


if __name__ == '__main__':
    main()
