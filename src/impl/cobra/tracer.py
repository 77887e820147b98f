"""Runs one Python program under sys.settrace, one bytecode instruction at a time.

    python3 tracer.py [--free] [--fd N] FILE

Before every instruction of a code object compiled from FILE (module, functions,
classes, comprehensions, generators) it writes one JSON line on the channel fd N
(default 3): {"file","line","offset","opcode","arg","opname","argrepr"}. Code from
other files (the standard library) runs without stopping.

Stepping mode (default): after each line it waits for "next\\n" on the same fd.
--free: never waits; the lines are the program's full trace.

The program runs as plain `python3 FILE` would run it: its own __main__, sys.argv,
sys.path[0], stdout/stderr and exit code; an uncaught exception goes through
sys.excepthook (traceback on stderr, exit code 1). The channel is never stdin/stdout,
so the program's output stays its own.
"""
import builtins
import dis
import json
import os
import sys
import time
import types

try:
    import fcntl
    import termios
except ImportError:  # not POSIX: output ordering falls back to flushing only
    fcntl = None

# A huge constant's repr is cut, so one status line stays small.
MAX_ARGREPR = 4096


class Channel:
    """Line-oriented JSON messages on one inherited fd (a socket pair from the server)."""

    def __init__(self, fd):
        self.fd = fd
        self.pending = b''
        os.set_inheritable(fd, False)  # the program's own subprocesses never see it

    # A broken channel ends the process at once: raising inside the trace function
    # would surface in the program, which might even catch it.
    def send(self, line):
        data = (line + '\n').encode('utf-8')
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            os._exit(1)

    def receive(self):
        while b'\n' not in self.pending:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                chunk = b''
            if not chunk:
                os._exit(1)  # the server is gone: nobody can step this program any more
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b'\n')
        return line.decode('utf-8').strip()


def wait_until_read(fd, limit_seconds=1.0):
    """Waits (bounded) until the server has read everything written to an output pipe,
    so that the program's output reaches the client before the status that follows it."""
    if fcntl is None:
        return
    deadline = time.monotonic() + limit_seconds
    buf = bytearray(4)
    while time.monotonic() < deadline:
        try:
            fcntl.ioctl(fd, termios.FIONREAD, buf)
        except OSError:
            return  # not a pipe (the program redirected it): nothing to wait for
        if int.from_bytes(buf, sys.byteorder) == 0:
            return
        time.sleep(0.0002)


class Tracer:
    def __init__(self, path, channel, free):
        self.path = path
        self.channel = channel
        self.free = free
        self.instructions = {}  # code object -> {offset: dis.Instruction}

    def on_call(self, frame, event, arg):
        if frame.f_code.co_filename != self.path:
            return None  # other files run untraced
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        return self.on_event

    def on_event(self, frame, event, arg):
        if event == 'opcode':
            self.stop(frame)
        return self.on_event

    def instruction_at(self, code, offset):
        table = self.instructions.get(code)
        if table is None:
            # co_code is the un-specialised bytecode, so opnames are the documented ones.
            # EXTENDED_ARG is a prefix the interpreter runs in one step with the instruction
            # it extends, so its offset stands for that instruction (with the full arg).
            table = {}
            following = None
            for ins in reversed(list(dis.get_instructions(code))):
                if ins.opcode != dis.EXTENDED_ARG or following is None:
                    following = ins
                table[ins.offset] = following
            self.instructions[code] = table
        return table[offset]

    def stop(self, frame):
        ins = self.instruction_at(frame.f_code, frame.f_lasti)
        status = {
            'file': self.path,
            'line': frame.f_lineno,
            'offset': ins.offset,
            'opcode': ins.opcode,
            'arg': ins.arg,
            'opname': ins.opname,
            'argrepr': ins.argrepr if len(ins.argrepr) <= MAX_ARGREPR else ins.argrepr[:MAX_ARGREPR] + '...',
        }
        if self.free:
            self.channel.send(json.dumps(status))
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass  # the program replaced or closed it
        wait_until_read(1)
        wait_until_read(2)
        self.channel.send(json.dumps(status))
        command = self.channel.receive()
        if command != 'next':
            os._exit(1)  # the server speaks only "next"; anything else is a broken channel


def run(path, tracer):
    """Runs FILE as __main__ under the tracer, as `python3 FILE` would."""
    with open(path, 'rb') as source_file:
        source = source_file.read()
    main_module = types.ModuleType('__main__')
    main_module.__file__ = path
    main_module.__cached__ = None
    main_module.__builtins__ = builtins
    sys.modules['__main__'] = main_module
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    try:
        code = compile(source, path, 'exec', dont_inherit=True)
        sys.settrace(tracer.on_call)
        try:
            exec(code, main_module.__dict__)
        finally:
            sys.settrace(None)
    except SystemExit:
        raise  # the interpreter turns it into the exit code, as for a plain run
    except BaseException as error:
        # Drop this function's frame: the traceback shows only the program's frames.
        tb = error.__traceback__.tb_next if error.__traceback__ else None
        sys.excepthook(type(error), error.with_traceback(tb), tb)
        sys.exit(1)


def main(argv):
    free = False
    fd = 3
    args = list(argv)
    while args and args[0].startswith('--'):
        option = args.pop(0)
        if option == '--free':
            free = True
        elif option == '--fd' and args:
            fd = int(args.pop(0))
        else:
            sys.exit('usage: tracer.py [--free] [--fd N] FILE')
    if len(args) != 1:
        sys.exit('usage: tracer.py [--free] [--fd N] FILE')
    path = os.path.realpath(args[0])
    run(path, Tracer(path, Channel(fd), free))


if __name__ == '__main__':
    main(sys.argv[1:])
