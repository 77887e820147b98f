#!/usr/bin/env python3
"""An echo client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol echo --client "python3 examples/clients/echo.py {host} {port}"

The contract (README, "Verifying a client"): wireproof writes one JSON action per line to
standard input and reads one JSON report per line from standard output. For echo, `send`
is the lecture's whole exchange: connect, send the bytes, close the sending side, read the
echo until the server closes. Bytes travel base64 (echo is bytes, not text).

    stdout  {"event": "ready", "timeoutMs": 1000}
    stdin   {"action": "send", "base64": "aGVsbG8="}        (or "data" when the bytes are text)
    stdout  {"event": "received", "base64": "aGVsbG8="}     any number of pieces
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"

EchoClient below is the client under test; replace it with yours and keep main().
"""
import argparse
import base64
import json
import socket
import sys
import time


class ServerClosed(Exception):
    """The server closed before the whole echo came back."""


class ProtocolError(Exception):
    """The server sent more than the echo of what the client sent."""


class EchoClient:
    def __init__(self, host, port, timeout):
        self.address = (host, port)
        self.timeout = timeout

    def exchange(self, data, deliver):
        """Sends `data`, closes the sending side, and delivers the echo until the server closes."""
        deadline = time.monotonic() + self.timeout
        with socket.create_connection(self.address, timeout=self.timeout) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)  # the server sends what remains, then closes
            received = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f'the echo did not end within {self.timeout} s')
                sock.settimeout(left)
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
                if received > len(data):
                    raise ProtocolError(f'the server sent more than the {len(data)} bytes it was sent')
                deliver(chunk)
            if received < len(data):
                raise ServerClosed(f'the server closed after echoing {received} of {len(data)} bytes')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000)
    args = parser.parse_args()

    def report(**fields):
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()  # a report the suite cannot see yet is a hang

    report(event='ready', timeoutMs=args.timeout_ms)
    client = EchoClient(args.host, args.port, args.timeout_ms / 1000)
    for line in sys.stdin:
        action = json.loads(line)
        try:
            if action['action'] == 'send':
                data = action['data'].encode('utf-8') if 'data' in action else base64.b64decode(action['base64'])
                client.exchange(data, lambda chunk: report(event='received', base64=base64.b64encode(chunk).decode('ascii')))
            elif action['action'] != 'close':  # each exchange has its own connection: nothing to close
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


if __name__ == '__main__':
    main()
