"""Debian's python3-serpent, as Pyro4 uses it, answering requests on standard input.

One JSON request per line, one JSON answer per line, until standard input closes:

    {"op": "dumps", "value": V}        -> {"ok": base64 of Pyro4's serpent bytes for V}
    {"op": "loads", "data": base64}    -> {"ok": V read back by Pyro4's serpent loads}
    {"op": "nonprintable"}             -> {"ok": [[first, last], ...]}  code points past ASCII repr() escapes
    {"op": "time", "value": V, "n": N} -> {"ok": {"dumps_ns": ..., "loads_ns": ..., "bytes": ...}}  N of each
    any failure                        -> {"error": "ExceptionClass: message"}

V is a tagged value, so that every Python type survives JSON: ["none"], ["bool", b],
["int", "digits"], ["float", "16 hex digits of the IEEE double"], ["str", s],
["bytes", base64], ["list", [V...]], ["tuple", [V...]], ["set", [V...]],
["dict", [[K, V]...]], ["complex", real hex, imag hex], ["uri", "PYRO:..."],
["exception", "module.Class", [args V...], [[name, V]...]].

Serializing is Pyro4.util.SerpentSerializer (serpent.dumps with module_in_classname=True and
Pyro4's class registrations); reading is its loads (serpent.loads, then Pyro4's classes).
Run with /usr/bin/python3 (Debian's python3-pyro4 and python3-serpent).
"""
import base64
import json
import struct
import sys
import time

import Pyro4.core
import Pyro4.errors
import Pyro4.util

SERPENT = Pyro4.util.get_serializer("serpent")
EXCEPTIONS = dict(Pyro4.util.all_exceptions)


def float_of(text):
    return struct.unpack(">d", bytes.fromhex(text))[0]


def hex_of(number):
    return struct.pack(">d", number).hex()


def python_value(tagged):
    kind, rest = tagged[0], tagged[1:]
    if kind == "none":
        return None
    if kind == "bool":
        return bool(rest[0])
    if kind == "int":
        return int(rest[0])
    if kind == "float":
        return float_of(rest[0])
    if kind == "str":
        return rest[0]
    if kind == "bytes":
        return base64.b64decode(rest[0])
    if kind == "list":
        return [python_value(item) for item in rest[0]]
    if kind == "tuple":
        return tuple(python_value(item) for item in rest[0])
    if kind == "set":
        return {python_value(item) for item in rest[0]}
    if kind == "dict":
        return {python_value(key): python_value(value) for key, value in rest[0]}
    if kind == "complex":
        return complex(float_of(rest[0]), float_of(rest[1]))
    if kind == "uri":
        return Pyro4.core.URI(rest[0])
    if kind == "exception":
        name = rest[0].split(".")[-1]
        error = EXCEPTIONS[name](*[python_value(arg) for arg in rest[1]])
        for attribute, value in rest[2]:
            setattr(error, attribute, python_value(value))
        return error
    raise ValueError("unknown tag %r" % kind)


def tagged(value):
    if value is None:
        return ["none"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, float):
        return ["float", hex_of(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", base64.b64encode(value).decode("ascii")]
    if isinstance(value, list):
        return ["list", [tagged(item) for item in value]]
    if isinstance(value, tuple):
        return ["tuple", [tagged(item) for item in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", [tagged(item) for item in value]]
    if isinstance(value, dict):
        return ["dict", [[tagged(key), tagged(item)] for key, item in value.items()]]
    if isinstance(value, complex):
        return ["complex", hex_of(value.real), hex_of(value.imag)]
    if isinstance(value, Pyro4.core.URI):
        return ["uri", str(value)]
    if isinstance(value, BaseException):
        cls = type(value)
        return ["exception", cls.__module__ + "." + cls.__name__, [tagged(arg) for arg in value.args],
                [[name, tagged(item)] for name, item in vars(value).items()]]
    raise TypeError("cannot tag %s" % type(value).__name__)


def nonprintable():
    """Ranges of code points from U+0080 that str.isprintable() refuses (repr escapes them)."""
    ranges = []
    for code in range(0x80, 0x110000):
        if not chr(code).isprintable():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return ranges


def timed(value, count):
    data = SERPENT.dumps(value)
    started = time.perf_counter_ns()
    for _ in range(count):
        SERPENT.dumps(value)
    dumps_ns = time.perf_counter_ns() - started
    started = time.perf_counter_ns()
    for _ in range(count):
        SERPENT.loads(data)
    return {"dumps_ns": dumps_ns, "loads_ns": time.perf_counter_ns() - started, "bytes": len(data)}


def answer(request):
    op = request["op"]
    if op == "dumps":
        return base64.b64encode(SERPENT.dumps(python_value(request["value"]))).decode("ascii")
    if op == "loads":
        return tagged(SERPENT.loads(base64.b64decode(request["data"])))
    if op == "nonprintable":
        return nonprintable()
    if op == "time":
        return timed(python_value(request["value"]), int(request["n"]))
    raise ValueError("unknown op %r" % op)


def main():
    for line in sys.stdin:
        try:
            reply = {"ok": answer(json.loads(line))}
        except Exception as error:  # every failure is an answer: the peer goes on
            reply = {"error": "%s: %s" % (type(error).__name__, error)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
