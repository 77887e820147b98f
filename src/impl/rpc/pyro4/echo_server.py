"""The conformance test object `wireproof.echo` served by Debian's Pyro4 (python3-pyro4).

Starts a Pyro4 name server and a daemon hosting `wireproof.echo`, registered in that
name server, both accepting serpent (Pyro4's default) and json. Prints one line per server:

    NS PYRO:Pyro.NameServer@127.0.0.1:PORT
    ECHO PYRO:wireproof.echo@127.0.0.1:PORT

then serves until SIGTERM or SIGINT, or until its standard input closes when that is a
pipe (the parent went away). Run as a conformance target:

    wireproof conform --protocol rpc --spawn "/usr/bin/python3 echo_server.py --ns-port {port}"

Usage: /usr/bin/python3 echo_server.py [--host 127.0.0.1] [--ns-port 9090] [--pyro4-defaults]   (0 = ephemeral)

With --pyro4-defaults, Pyro4's configuration is left as shipped (no message size limit,
oneway calls in threads of their own): Pyro4 as people run it.
"""
import argparse
import os
import signal
import stat
import sys
import threading

import Pyro4
import Pyro4.naming


def configure_as_target():
    """What a conformance target needs beyond Pyro4's defaults (its serializers stay the default: serpent, marshal, json)."""
    # record() then last() on one connection must see the recorded value: run oneway calls inline.
    Pyro4.config.ONEWAY_THREADED = False
    # Pyro4's default is no maximum (0); a server must bound what it allocates (PROTOCOLS.md §0).
    Pyro4.config.MAX_MESSAGE_SIZE = 4 * 1024 * 1024


class Echo(object):
    def __init__(self):
        self._last = None

    @Pyro4.expose
    def echo(self, value):
        return value

    @Pyro4.expose
    def add(self, a, b):
        return a + b

    @Pyro4.expose
    def fail(self, message):
        raise ValueError(message)

    @Pyro4.expose
    @Pyro4.oneway
    def record(self, value):
        self._last = value

    @Pyro4.expose
    def last(self):
        return self._last

    @Pyro4.expose
    def kwargs(self, **kw):
        return kw

    def hidden(self):
        self._last = "hidden() was called"
        return "hidden"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ns-port", type=int, default=9090)
    parser.add_argument("--pyro4-defaults", action="store_true", help="leave Pyro4's configuration as shipped")
    args = parser.parse_args()
    if not args.pyro4_defaults:
        configure_as_target()

    ns_uri, ns_daemon, _ = Pyro4.naming.startNS(host=args.host, port=args.ns_port, enableBroadcast=False)
    daemon = Pyro4.Daemon(host=args.host, port=0)
    echo_uri = daemon.register(Echo(), "wireproof.echo")
    ns_daemon.nameserver.register("wireproof.echo", echo_uri)

    for served in (ns_daemon, daemon):
        threading.Thread(target=served.requestLoop, daemon=True).start()
    print("NS", ns_uri, flush=True)
    print("ECHO", echo_uri, flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode):
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    while not stop.wait(0.5):
        pass
    for served in (ns_daemon, daemon):
        served.shutdown()


if __name__ == "__main__":
    main()
