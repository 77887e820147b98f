"""The plumbing of wireproof's driver contract, shared by the adapters beside it (standard
library only; Python 3.8 or later). Copy it beside your own adapter.

The contract (README, "Verifying a client"): wireproof writes one JSON action per line to the
adapter's standard input and reads one JSON report per line from its standard output. The
first report is `ready`, with the client's limits; each action then ends with exactly one
terminal report: `done`, `timeout`, `closed`, `protocol-error` or `error`, each may carry a
`message`. When standard input ends, the adapter closes its client and exits 0.

An adapter is its client class and one handler, act(action), which does what the action
says, reports with deliver() each unit the client delivered, and returns (`done`, with the
message it returns, if any) or raises (the terminal event of its exception, failure() below).
"""
import argparse
import base64
import json
import socket
import sys


class ServerClosed(Exception):
    """The server closed (or reset) the connection while a call waited: `closed`."""


class ProtocolError(Exception):
    """Something the client received and cannot decode: never delivered as data, `protocol-error`."""


class ClientError(Exception):
    """A failure the adapter words itself (a program's own message): `error`, the message as is."""


def report(**fields):
    sys.stdout.write(json.dumps(fields) + '\n')
    sys.stdout.flush()  # a report the suite cannot see yet is a hang


def deliver(unit, **fields):
    """Reports one unit the client delivered: text as `data`, bytes as `base64`, and a protocol's own fields."""
    if isinstance(unit, str):
        report(event='received', **fields, data=unit)
    else:
        report(event='received', **fields, base64=base64.b64encode(unit).decode('ascii'))


def payload(action):
    """The bytes an action carries: `data` (text, sent as UTF-8) or `base64` (bytes that are not text)."""
    return action['data'].encode('utf-8') if 'data' in action else base64.b64decode(action['base64'])


def failure(err):
    """The terminal event and message of a call that raised err."""
    if isinstance(err, (TimeoutError, socket.timeout)):  # the same class from Python 3.10 on
        return 'timeout', str(err) or type(err).__name__
    if isinstance(err, (ServerClosed, ConnectionError)):  # ConnectionError: a reset, a broken pipe
        return 'closed', str(err) or type(err).__name__
    if isinstance(err, ProtocolError):
        return 'protocol-error', str(err)
    if isinstance(err, ClientError):
        return 'error', str(err)
    return 'error', f'{type(err).__name__}: {err}'  # anything else the client raised


def serve(act, failure=failure):
    """Runs each action on standard input through act(action) and reports how it ended; returns when standard input ends."""
    for line in sys.stdin:
        action = json.loads(line)
        try:
            message = act(action)
        except Exception as err:
            event, message = failure(err)
            report(event=event, message=message)
        else:
            report(event='done', **({'message': message} if message else {}))


def unknown(action):
    """The error for an action the adapter does not know."""
    return ValueError(f'unknown action {action["action"]!r}')


def options(doc, ports=('port',), max_bytes=None, timeout_help=None, max_bytes_help=None):
    """The common command line: HOST, the port(s), --timeout-ms (1000) and, where the protocol has
    a maximum, --max-bytes; an adapter adds its own options before parse_args()."""
    parser = argparse.ArgumentParser(description=doc.split('\n')[0])
    parser.add_argument('host')
    for port in ports:
        parser.add_argument(port, type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000, help=timeout_help)
    if max_bytes is not None:
        parser.add_argument('--max-bytes', type=int, default=max_bytes, help=max_bytes_help)
    return parser
