#!/usr/bin/env python3
"""Python's urllib.request behind wireproof's driver contract: a witness, not an example to
follow (urllib is lenient where HTTP/1.1 framing matters; its verdicts are recorded in the
README, "Verifying a client"). For a client that passes, read http.py beside it.

    npx wireproof conform --protocol http --client "python3 examples/clients/urllib_http.py {host} {port}"

HttpClient below is the client under test and act() in main() its handler of the actions, on
top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace
the class and the handler with yours and keep driver.py beside them. For http an action is
one request, `get` or `head` of a path (the request-target, sent as is); the response is
reported as one `received` unit: its status, the header fields the client chooses to report,
and its body in base64.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 1048576}
    stdin   {"action": "get", "path": "/hello.txt"}
    stdout  {"event": "received", "status": 200, "headers": {"content-type": "text/plain"}, "base64": "aGVsbG8="}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"

urllib has no limit of its own on a body, so this client refuses a Content-Length over
max_bytes and reads any other body in pieces, stopping past max_bytes, as a careful user of
urllib does. What urllib itself does with a response no server should send is recorded in the
README ("Verifying a client"): it is urllib's, not this adapter's.
"""
import os
import sys

import driver  # beside this file: imported before the path fix below takes its folder away

# Python puts this file's folder first on the import path, and http.py sits in it: the
# standard library's http package must be found instead of that file.
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != os.path.dirname(os.path.abspath(__file__))]

import http.client  # noqa: E402 (after the path fix)
import socket  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402


class HttpClient:
    def __init__(self, host, port, timeout, max_bytes):
        self.origin = f'http://{host}:{port}'
        self.timeout = timeout
        self.max_bytes = max_bytes
        # No redirect handler: the response a server gives is the response reported.
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, method, path):
        """One request; returns (status, headers, body). An error status is a response too."""
        try:
            response = self.opener.open(urllib.request.Request(self.origin + path, method=method), timeout=self.timeout)
        except urllib.error.HTTPError as answer:  # 4xx and 5xx: urllib raises them, but they are responses
            response = answer
        except urllib.error.URLError as err:  # urllib wraps the socket's own errors
            raise err.reason if isinstance(err.reason, Exception) else err
        with response:
            if response.length is not None:  # urllib's reading of Content-Length
                if response.length > self.max_bytes:
                    raise driver.ProtocolError(f'a Content-Length of {response.length} is over the maximum of {self.max_bytes} bytes')
                body = response.read()  # raises IncompleteRead when the server sends fewer bytes
            else:  # chunked, or to the close: read what arrives, and stop past the maximum
                body = bytearray()
                while piece := response.read1(65536):
                    body += piece
                    if len(body) > self.max_bytes:
                        raise driver.ProtocolError(f'a body over the maximum of {self.max_bytes} bytes')
            headers = {name.lower(): ', '.join(response.headers.get_all(name)) for name in set(response.headers.keys())}
            return response.status, headers, bytes(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def caused_by(err, kind):
    while err is not None:
        if isinstance(err, kind):
            return True
        err = err.__context__
    return False


def failure(err):
    """urllib's failures as the contract's terminal events; the driver's own mapping for the rest."""
    if isinstance(err, http.client.IncompleteRead):
        # http.client says IncompleteRead both for a close and for a chunk size it cannot parse (then a ValueError caused it).
        return 'protocol-error' if caused_by(err, ValueError) else 'closed', repr(err)
    if isinstance(err, (TimeoutError, socket.timeout, ConnectionError)):  # RemoteDisconnected is a ConnectionError
        return driver.failure(err)
    if isinstance(err, (driver.ProtocolError, http.client.HTTPException, ValueError, OverflowError)):
        # HTTPException: a bad status line, a line too long; ValueError, OverflowError: a chunk size http.client cannot use.
        return 'protocol-error', f'{type(err).__name__}: {err}'
    return driver.failure(err)


def main():
    args = driver.options(__doc__, max_bytes=1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = HttpClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)

    def act(action):
        if action['action'] not in ('get', 'head'):  # close: each request has its own connection
            if action['action'] == 'close':
                return f'action {action["action"]!r}'
            raise driver.ClientError(f'action {action["action"]!r}')
        status, headers, body = client.request(action['action'].upper(), action['path'])
        driver.deliver(body, status=status, headers=headers)

    driver.serve(act, failure)


if __name__ == '__main__':
    main()
