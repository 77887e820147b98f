#!/usr/bin/env python3
"""A cobra client behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol cobra --client "python3 examples/clients/cobra.py {host} {port} {port2}"

CobraClient below is the client under test and act() in main() its handler of the actions, on
top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace the
class and the handler with yours and keep driver.py beside them. A cobra server has two ports:
{port}, the file port, and {port2}, the control port. Each message the client delivers is
reported as one `received` unit, the message's JSON in `data`, in arrival order.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 1048576}
    stdin   {"action": "load", "path": "hello.py"}     the path on the file port
    stdout  {"event": "received", "data": "{\"ok\": true, \"file\": \"/srv/hello.py\"}"}
    stdout  {"event": "received", "data": "{\"state\": \"STANDBY\", ...}"}    the first status
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
    stdin   {"action": "next"}       output events, then the status (or the error reply)
    stdin   {"action": "close"}      close on the control port, then the server disconnects
"""
import json
import socket
import time

import driver


INSTRUCTION = {'file': str, 'line': (int, type(None)), 'offset': int, 'opcode': int, 'arg': (int, type(None)), 'opname': str, 'argrepr': str}


def is_int(value, kinds=int):
    return isinstance(value, kinds) and not isinstance(value, bool)


def control_message(message):
    """The message if it is one PROTOCOLS.md §6 lists for the control port, else ProtocolError."""
    state = message.get('state')
    if state is None and isinstance(message.get('error'), str):
        return message
    if message.get('event') == 'output' and message.get('stream') in ('stdout', 'stderr') and isinstance(message.get('text'), str):
        return message
    if state == 'STANDBY' and all(is_int(message.get(k), t) if t is not str else isinstance(message.get(k), str) for k, t in INSTRUCTION.items()):
        return message
    if state == 'FINISHED' and is_int(message.get('exitCode')):
        return message
    if state == 'ERROR' and isinstance(message.get('error'), str):
        return message
    raise driver.ProtocolError(f'not a cobra message: {json.dumps(message)[:200]}')


def file_answer(message):
    if message.get('ok') is True and isinstance(message.get('file'), str) or isinstance(message.get('error'), str):
        return message
    raise driver.ProtocolError(f'not an answer to a path: {json.dumps(message)[:200]}')


class Lines:
    """JSON objects, one per LF-terminated line of strict UTF-8, from one connection."""

    def __init__(self, sock, max_bytes):
        self.sock, self.max_bytes, self.pending = sock, max_bytes, bytearray()

    def next(self, deadline):
        while True:
            lf = self.pending.find(b'\n')
            if lf > self.max_bytes or (lf == -1 and len(self.pending) > self.max_bytes):
                raise driver.ProtocolError(f'a line over {self.max_bytes} bytes')
            if lf != -1:
                line = bytes(self.pending[:lf])
                del self.pending[:lf + 1]
                try:
                    message = json.loads(line.decode('utf-8'))  # strict: invalid UTF-8 raises
                except (UnicodeDecodeError, ValueError) as err:
                    raise driver.ProtocolError(f'a line that is not UTF-8 JSON: {err}') from None
                if not isinstance(message, dict):
                    raise driver.ProtocolError('a line that is not a JSON object')
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no whole answer within the timeout')
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise driver.ServerClosed('the server closed the connection in the middle of a call')
            self.pending += chunk


class CobraClient:
    def __init__(self, host, file_port, control_port, timeout, max_bytes):
        self.control = socket.create_connection((host, control_port), timeout=timeout)
        self.file = socket.create_connection((host, file_port), timeout=timeout)
        for sock in (self.control, self.file):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.control_lines, self.file_lines = Lines(self.control, max_bytes), Lines(self.file, max_bytes)
        self.timeout = timeout

    def load(self, path):
        """Sends a path; returns the answer, and after `ok` the output and the program's first status."""
        deadline = time.monotonic() + self.timeout
        self.file.sendall(path.encode('utf-8') + b'\n')
        answer = file_answer(self.file_lines.next(deadline))
        return [answer, *self._until_status(deadline)] if answer.get('ok') is True else [answer]

    def next(self):
        """Executes one instruction; returns the output it wrote, then the status after it (or the error reply)."""
        deadline = time.monotonic() + self.timeout
        self.control.sendall(b'next\n')
        return self._until_status(deadline)

    def close(self):
        """Sends close and waits until the server disconnects."""
        deadline = time.monotonic() + self.timeout
        self.control.sendall(b'close\n')
        try:
            while True:
                control_message(self.control_lines.next(deadline))  # replies to earlier lines, if any
        except driver.ServerClosed:
            pass
        finally:
            self.disconnect()

    def disconnect(self):
        self.control.close()
        self.file.close()

    def _until_status(self, deadline):
        messages = []
        while True:
            message = control_message(self.control_lines.next(deadline))
            messages.append(message)
            if message.get('event') != 'output':
                return messages


def main():
    args = driver.options(__doc__, ports=('file_port', 'control_port'), max_bytes=1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    client = None

    def act(action):
        nonlocal client
        if client is None:
            client = CobraClient(args.host, args.file_port, args.control_port, args.timeout_ms / 1000, args.max_bytes)
        if action['action'] == 'load':
            messages = client.load(action['path'])
        elif action['action'] == 'next':
            messages = client.next()
        elif action['action'] == 'close':
            messages = client.close() or []
        else:
            raise driver.unknown(action)
        for message in messages:
            driver.deliver(json.dumps(message))

    driver.serve(act)
    if client is not None:
        client.disconnect()


if __name__ == '__main__':
    main()
