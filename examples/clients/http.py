#!/usr/bin/env python3
"""An http client behind wireproof's driver contract: a complete adapter around Python's
urllib.request, standard library only.

    npx wireproof conform --protocol http --client "python3 examples/clients/http.py {host} {port}"

The contract (README, "Verifying a client"): wireproof writes one JSON action per line to
standard input and reads one JSON report per line from standard output. For http an action
is one request, `get` or `head` of a path (the request-target, sent as is); the response is
reported as one `received` unit: its status, the header fields the client chooses to report,
and its body in base64.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 1048576}
    stdin   {"action": "get", "path": "/hello.txt"}
    stdout  {"event": "received", "status": 200, "headers": {"content-type": "text/plain"}, "base64": "aGVsbG8="}
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"

HttpClient below is the client under test; replace it with yours and keep main(). urllib has
no limit of its own on a body, so this one refuses a Content-Length over max_bytes and reads
any other body in pieces, stopping past max_bytes, as a careful user of urllib does. What urllib itself does with a response no server should
send is recorded in the README ("Verifying a client"): it is urllib's, not this adapter's.
"""
import os
import sys

# This file is named http.py, and Python puts its folder first on the import path: the
# standard library's http package must be found instead of this file.
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402 (after the path fix)
import base64  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402


class ProtocolError(Exception):
    """A response the client cannot decode, or a body over its maximum: never delivered as data."""


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
                    raise ProtocolError(f'a Content-Length of {response.length} is over the maximum of {self.max_bytes} bytes')
                body = response.read()  # raises IncompleteRead when the server sends fewer bytes
            else:  # chunked, or to the close: read what arrives, and stop past the maximum
                body = bytearray()
                while piece := response.read1(65536):
                    body += piece
                    if len(body) > self.max_bytes:
                        raise ProtocolError(f'a body over the maximum of {self.max_bytes} bytes')
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000)
    parser.add_argument('--max-bytes', type=int, default=1024 * 1024)
    args = parser.parse_args()

    def report(**fields):
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()  # a report the suite cannot see yet is a hang

    report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = HttpClient(args.host, args.port, args.timeout_ms / 1000, args.max_bytes)
    for line in sys.stdin:
        action = json.loads(line)
        if action['action'] not in ('get', 'head'):  # close: each request has its own connection
            report(event='done' if action['action'] == 'close' else 'error', message=f'action {action["action"]!r}')
            continue
        try:
            status, headers, body = client.request(action['action'].upper(), action['path'])
            report(event='received', status=status, headers=headers, base64=base64.b64encode(body).decode('ascii'))
            report(event='done')
        except (TimeoutError, socket.timeout) as err:
            report(event='timeout', message=str(err))
        except http.client.IncompleteRead as err:
            # http.client says IncompleteRead both for a close and for a chunk size it cannot parse (then a ValueError caused it).
            report(event='protocol-error' if caused_by(err, ValueError) else 'closed', message=repr(err))
        except (http.client.RemoteDisconnected, ConnectionError) as err:
            report(event='closed', message=str(err) or type(err).__name__)
        except (ProtocolError, http.client.HTTPException, ValueError, OverflowError) as err:
            # HTTPException: a bad status line, a line too long; ValueError, OverflowError: a chunk size http.client cannot use.
            report(event='protocol-error', message=f'{type(err).__name__}: {err}')
        except Exception as err:  # anything else the client raised
            report(event='error', message=f'{type(err).__name__}: {err}')


if __name__ == '__main__':
    main()
