#!/usr/bin/env python3
"""An echo client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol echo --client "python3 examples/clients/echo.py {host} {port}"

EchoClient below is the client under test and act() in main() its handler of the actions, on
top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace the
class and the handler with yours and keep driver.py beside them. For echo, `send` is the
lecture's whole exchange: connect, send the bytes, close the sending side, read the echo until
the server closes. Bytes travel base64 (echo is bytes, not text).

    stdout  {"event": "ready", "timeoutMs": 1000}
    stdin   {"action": "send", "base64": "aGVsbG8="}        (or "data" when the bytes are text)
    stdout  {"event": "received", "base64": "aGVsbG8="}     any number of pieces
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
"""
import socket
import time

import driver


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
                    raise driver.ProtocolError(f'the server sent more than the {len(data)} bytes it was sent')
                deliver(chunk)
            if received < len(data):
                raise driver.ServerClosed(f'the server closed after echoing {received} of {len(data)} bytes')


def main():
    args = driver.options(__doc__).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms)
    client = EchoClient(args.host, args.port, args.timeout_ms / 1000)

    def act(action):
        if action['action'] == 'send':
            client.exchange(driver.payload(action), driver.deliver)
        elif action['action'] != 'close':  # each exchange has its own connection: nothing to close
            raise driver.unknown(action)

    driver.serve(act)


if __name__ == '__main__':
    main()
