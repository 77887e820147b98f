"""The Pyro4 side of bench/rpc.ts: a real Pyro4 client (json serializer) that times calls.

Reads lines "URI N" on standard input; for each, calls echo(i) N times through one
proxy per URI (its connection reused, as wireproof's proxy does) and prints
"CORRECT ELAPSED_NS": how many calls returned their argument, and the time they took.
Exits when standard input closes. Run with /usr/bin/python3 (Debian's python3-pyro4).
"""
import sys
import time

import Pyro4

Pyro4.config.SERIALIZER = "json"


def main():
    proxies = {}
    for line in sys.stdin:
        uri, count = line.split()
        proxy = proxies.get(uri) or proxies.setdefault(uri, Pyro4.Proxy(uri))
        started = time.perf_counter_ns()
        correct = sum(1 for i in range(int(count)) if proxy.echo(i) == i)
        print(correct, time.perf_counter_ns() - started, flush=True)
    for proxy in proxies.values():
        proxy._pyroRelease()


if __name__ == "__main__":
    main()
