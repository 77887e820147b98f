#!/usr/bin/env python3
"""socat as an echo client behind wireproof's driver contract: an adapter around a program.

    npx wireproof conform --protocol echo --client "python3 examples/clients/socat_echo.py {host} {port}"

Each `send` runs `socat -d -d -t T -T T - TCP:HOST:PORT` (T: the timeout), writes the bytes
to its standard input and closes it (socat then closes its sending side), and reports what
socat printed. socat knows nothing of echo, so the adapter says only what socat says: its
log line "inactivity timeout triggered" is a timeout, an error line (level E) a close or an
error, anything else done. The contract is in examples/clients/echo.py and the README.
"""
import argparse
import base64
import json
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000)
    args = parser.parse_args()
    seconds = str(args.timeout_ms / 1000)
    command = ['socat', '-d', '-d', '-t', seconds, '-T', seconds, '-', f'TCP:{args.host}:{args.port}']

    def report(**fields):
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()

    report(event='ready', timeoutMs=args.timeout_ms)
    for line in sys.stdin:
        action = json.loads(line)
        if action['action'] != 'send':
            report(event='done')
            continue
        data = action['data'].encode('utf-8') if 'data' in action else base64.b64decode(action['base64'])
        run = subprocess.run(command, input=data, capture_output=True)
        if run.stdout:
            report(event='received', base64=base64.b64encode(run.stdout).decode('ascii'))
        log = run.stderr.decode('utf-8', errors='replace').splitlines()
        errors = [entry for entry in log if ' E ' in entry]
        if any('inactivity timeout triggered' in entry for entry in log):
            report(event='timeout', message='socat: inactivity timeout triggered')
        elif errors:
            closed = any('reset' in entry.lower() or 'broken pipe' in entry.lower() for entry in errors)
            report(event='closed' if closed else 'error', message=errors[-1])
        elif run.returncode != 0:
            report(event='error', message=f'socat exited with status {run.returncode}')
        else:
            report(event='done')


if __name__ == '__main__':
    main()
