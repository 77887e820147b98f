"""A real Pyro4 client exercising a wireproof name server and daemon, in the serializer Pyro4
is configured with (its default, serpent, or PYRO_SERIALIZER=json).
Usage: pyro4_client.py NS_HOST NS_PORT. Prints one JSON object of observations."""
import json
import sys

import Pyro4
import Pyro4.errors
import Pyro4.message
import Pyro4.util


def class_name(error):
    return type(error).__module__ + "." + type(error).__name__


def remote_error(call):
    """Runs call; returns what a caller sees of the exception it raises."""
    try:
        call()
    except Exception as error:
        return {"class": class_name(error), "args": [str(a) for a in error.args],
                "traceback": "".join(getattr(error, "_pyroTraceback", None) or [])}
    return None


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    out = {"serializer": Pyro4.config.SERIALIZER}
    ns = Pyro4.locateNS(host, port)
    ns.ping()
    out["ns_count"] = ns.count()
    out["ns_list"] = ns.list()
    out["ns_list_prefix"] = ns.list(prefix="wireproof.")
    out["ns_lookup"] = str(ns.lookup("wireproof.echo"))
    ns.register("extra.thing", Pyro4.URI("PYRO:thing@127.0.0.1:1"), metadata=["a", "b"])
    uri, meta = ns.lookup("extra.thing", return_metadata=True)
    out["ns_lookup_meta"] = [str(uri), sorted(meta)]
    out["ns_list_meta_all"] = ns.list(metadata_all=["a"])
    out["ns_list_regex"] = ns.list(regex=r"extra\..*")
    out["ns_register_safe"] = remote_error(lambda: ns.register("extra.thing", "PYRO:x@h:1", safe=True))
    out["ns_remove"] = ns.remove("extra.thing")
    out["ns_remove_self"] = ns.remove(prefix="Pyro.")
    out["ns_unknown"] = remote_error(lambda: ns.lookup("no.such.name"))

    echo = Pyro4.Proxy("PYRONAME:wireproof.echo@%s:%d" % (host, port))
    out["echo"] = echo.echo({"a": [1, 2.5, "x", None, True], "big": 2 ** 70, "__proto__": {"polluted": 1}})
    out["echo_nan"] = repr(echo.echo(float("nan")))
    out["add"] = [echo.add(1, 2), echo.add("a", "b"), echo.add([1], [2]), echo.add(2 ** 62, 2 ** 62)]
    out["fail"] = remote_error(lambda: echo.fail("boom"))
    out["record"] = echo.record("kept")
    out["last"] = echo.last()
    out["kwargs"] = echo.kwargs(x=1, y=[2])
    out["kwargs_empty"] = echo.kwargs()
    out["metadata"] = {"methods": sorted(echo._pyroMethods), "oneway": sorted(echo._pyroOneway)}
    out["hidden_local"] = remote_error(lambda: echo.hidden())
    for name in ("hidden", "__proto__", "constructor", "toString", "_private", "nothing"):
        out["invoke_" + name] = remote_error(lambda: echo._pyroInvoke(name, (), {}))
    out["last_after_hidden"] = echo.last()
    out["too_many_args"] = remote_error(lambda: echo.echo(1, 2))
    batch = Pyro4.batch(echo)
    batch.echo(1)
    batch.add(1, 2)
    batch.fail("in batch")
    batch.echo(3)
    results = []
    try:
        for result in batch():
            results.append(result)
    except Exception as error:
        results.append(class_name(error) + ": " + str(error))
    out["batch"] = results
    Pyro4.message.Message.ping(echo._pyroConnection)
    out["ping"] = "pong"
    location = ns.lookup("wireproof.echo").location
    daemon = Pyro4.Proxy("PYRO:Pyro.Daemon@" + location)
    out["daemon_registered"] = sorted(daemon.registered())
    out["daemon_metadata"] = sorted(daemon.get_metadata("wireproof.echo")["methods"])
    out["unknown_object"] = remote_error(lambda: Pyro4.Proxy("PYRO:no.such.object@" + location).echo(1))
    if Pyro4.config.SERIALIZER == "serpent":
        # What only serpent carries, echoed back: each as repr() shows it to a Python user.
        values = {"tuple": (1, "a", (2,)), "set": {1, 2, 3}, "complex": 1.5 - 2j, "bytes": b"\x00\xff",
                  "big": -2 ** 100, "-inf": float("-inf"), "-0.0": -0.0, "nested empties": {"k": [(), set(), {}]},
                  "surrogate": "\ud800x", "float": 2.5, "integral float": 3.0}
        out["serpent_echo"] = {name: repr(echo.echo(value)) for name, value in values.items()}
        out["serpent_add_tuples"] = repr(echo.add((1,), (2,)))
    for proxy in (ns, echo, daemon):
        proxy._pyroRelease()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
