#!/usr/bin/env python3
"""A lenmsg remote behind wireproof's driver contract: a complete adapter, standard library only.

    npx wireproof conform --protocol lenmsg --client "python3 examples/clients/lenmsg.py {host} {port}"

The client under test is a remote (PROTOCOLS.md §3): it runs its own server, connects a
client to the central at HOST:PORT (wireproof plays the central) and says hello with its
server's address; the central connects back there and sends data, heartbeats and shutdown.

LenmsgRemote below is the remote under test and act() in main() its handler of the actions, on
top of driver.py beside it, the contract's plumbing (README, "Verifying a client"). Replace the
class and the handler with yours and keep driver.py beside them.

    stdout  {"event": "ready", "timeoutMs": 1000, "maxBytes": 16777216}
    stdin   {"action": "start", "heartbeatMs": 60}          server, client, hello; the central's interval
    stdin   {"action": "send", "body": {"any": "JSON"}}     one data message
    stdin   {"action": "send-error", "name": "ValueError", "message": "bad"}
    stdin   {"action": "receive", "expect": 2}              data bodies from the central
    stdout  {"event": "received", "data": "{\\"any\\": \\"JSON\\"}"}   a body's JSON text
    stdin   {"action": "wait-stop"}                         until the remote stops on its own
    stdout  {"event": "done", "message": "no heartbeat for 180 ms"}
    stdin   {"action": "close"}                             stop the remote
    stdout  {"event": "done"}       or timeout | closed | protocol-error | error, with a "message"
"""
import json
import queue
import socket
import struct
import threading
import time
import traceback
import uuid

import driver


def no_constant(name):
    raise ValueError(f'{name} is not JSON')  # json.loads accepts NaN and Infinity unless told otherwise


def decode(body):
    """A frame's body as strict UTF-8 JSON, or ProtocolError."""
    try:
        return json.loads(body.decode('utf-8'), parse_constant=no_constant)
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise driver.ProtocolError(f'a body that is not UTF-8 JSON: {err}') from None


def frame(message):
    body = json.dumps(message).encode('utf-8')
    return struct.pack('>I', len(body)) + body


def recv_exactly(conn, n):
    """n bytes, or fewer when the connection ends first; what arrives is all that is held."""
    data = bytearray()
    while len(data) < n:
        chunk = conn.recv(min(n - len(data), 65536))
        if not chunk:
            break
        data += chunk
    return bytes(data)


class LenmsgRemote:
    """A remote: its own server on 127.0.0.1, a client to the central, hello, a heartbeat watchdog."""

    def __init__(self, central, timeout, max_bytes, heartbeat_s):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.inbox = queue.Queue()  # ('data', body) | ('closed' | 'protocol-error', why)
        self.lock = threading.Lock()
        self.links = set()  # the central's connections to our server
        self.stopped = threading.Event()
        self.why = None
        self.server = socket.create_server(('127.0.0.1', 0))
        self.client = socket.create_connection(central, timeout=timeout)
        self.last_heard = time.monotonic()
        self.heartbeat_timeout = 3 * heartbeat_s
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._watchdog, daemon=True).start()
        host, port = self.server.getsockname()
        self.client.sendall(frame({'type': 'hello', 'id': str(uuid.uuid4()), 'host': host, 'port': port}))

    def send(self, body):
        self.client.sendall(frame({'type': 'data', 'body': body}))

    def send_error(self, err):
        """An error as structured data: name, message and stack as strings, never code."""
        stack = ''.join(traceback.format_exception(type(err), err, err.__traceback__))
        self.send({'error': {'name': type(err).__name__, 'message': str(err), 'stack': stack}})

    def receive(self, count, deliver):
        deadline = time.monotonic() + self.timeout
        for _ in range(count):
            try:
                kind, value = self.inbox.get(timeout=max(0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f'no data from the central within {self.timeout} s') from None
            if kind == 'closed':
                raise driver.ServerClosed(value)
            if kind == 'protocol-error':
                raise driver.ProtocolError(value)
            deliver(value)

    def wait_stopped(self):
        if not self.stopped.wait(self.timeout):
            raise TimeoutError(f'still running after {self.timeout} s')
        return self.why

    def stop(self, why):
        """Closes the client and the server (and the central's connections to it), once."""
        with self.lock:
            if self.why is not None:
                return
            self.why = why
            socks = [self.client, self.server, *self.links]
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
            except OSError:
                pass
            sock.close()
        self.inbox.put(('closed', f'the remote stopped: {why}'))
        self.stopped.set()

    def _watchdog(self):
        while not self.stopped.is_set():
            left = self.last_heard + self.heartbeat_timeout - time.monotonic()
            if left <= 0:
                self.stop(f'no heartbeat for {round(self.heartbeat_timeout * 1000)} ms')
                return
            self.stopped.wait(left)

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return  # the server is closed
            with self.lock:
                if self.why is not None:
                    conn.close()
                    return
                self.links.add(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        """Frames from one of the central's connections, until it ends or breaks the framing."""
        why = 'the central closed its connection'
        try:
            while True:
                header = recv_exactly(conn, 4)
                if len(header) < 4:
                    if header:
                        why = 'the central closed its connection in the middle of a length header'
                    break
                (length,) = struct.unpack('>I', header)
                if length > self.max_bytes:  # refused from the header: never waited for, never allocated
                    raise driver.ProtocolError(f'a message length of {length} bytes, over {self.max_bytes}')
                body = recv_exactly(conn, length)
                if len(body) < length:
                    why = f'the central closed its connection after {len(body)} of {length} body bytes'
                    break
                self._handle(decode(body))
        except driver.ProtocolError as err:
            self.inbox.put(('protocol-error', str(err)))
            why = None
        except OSError as err:
            why = f'the central\'s connection failed: {err}'
        with self.lock:
            self.links.discard(conn)
            last = not self.links and self.why is None
        conn.close()  # the receiver closes a connection that broke the framing
        if last and why:
            self.inbox.put(('closed', why))

    def _handle(self, message):
        kind = message.get('type') if isinstance(message, dict) else None
        if kind == 'heartbeat':
            self.last_heard = time.monotonic()
        elif kind == 'shutdown':
            self.stop('the central sent shutdown')
        elif kind == 'data' and 'body' in message:
            self.inbox.put(('data', message['body']))
        # hello, or JSON that is no message: nothing to do


def main():
    args = driver.options(__doc__, max_bytes=16 * 1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    remote = None

    def act(action):
        """Returns the message of `done`: why the remote stopped, for wait-stop."""
        nonlocal remote
        if action['action'] == 'start':
            remote = LenmsgRemote((args.host, args.port), args.timeout_ms / 1000, args.max_bytes, action['heartbeatMs'] / 1000)
        elif remote is None:
            raise ValueError('the remote is not started (the first action is "start")')
        elif action['action'] == 'send':
            remote.send(action['body'])
        elif action['action'] == 'send-error':
            try:  # an exception of that name, raised, so that it has a stack
                raise type(action['name'], (Exception,), {})(action['message'])
            except Exception as err:
                remote.send_error(err)
        elif action['action'] == 'receive':
            remote.receive(action['expect'], lambda body: driver.deliver(json.dumps(body)))
        elif action['action'] == 'wait-stop':
            return remote.wait_stopped()
        elif action['action'] == 'close':
            remote.stop('closed by its user')
        else:
            raise driver.unknown(action)

    driver.serve(act)
    if remote is not None:
        remote.stop('its user is gone')


if __name__ == '__main__':
    main()
