#!/usr/bin/env python3
"""socat as an echo client behind wireproof's driver contract: an adapter around a program.

    npx wireproof conform --protocol echo --client "python3 examples/clients/socat_echo.py {host} {port}"

Each `send` runs `socat -d -d -t T -T T - TCP:HOST:PORT` (T: the timeout), writes the bytes
to its standard input and closes it (socat then closes its sending side), and reports what
socat printed. socat knows nothing of echo, so the adapter says only what socat says: its
log line "inactivity timeout triggered" is a timeout, an error line (level E) a close or an
error, anything else done. The contract is in driver.py beside it, examples/clients/echo.py
and the README.
"""
import subprocess

import driver


def main():
    args = driver.options(__doc__).parse_args()
    seconds = str(args.timeout_ms / 1000)
    command = ['socat', '-d', '-d', '-t', seconds, '-T', seconds, '-', f'TCP:{args.host}:{args.port}']
    driver.report(event='ready', timeoutMs=args.timeout_ms)

    def act(action):
        if action['action'] != 'send':
            return
        run = subprocess.run(command, input=driver.payload(action), capture_output=True)
        if run.stdout:
            driver.deliver(run.stdout)
        log = run.stderr.decode('utf-8', errors='replace').splitlines()
        errors = [entry for entry in log if ' E ' in entry]
        if any('inactivity timeout triggered' in entry for entry in log):
            raise TimeoutError('socat: inactivity timeout triggered')
        if errors:
            closed = any('reset' in entry.lower() or 'broken pipe' in entry.lower() for entry in errors)
            raise (driver.ServerClosed if closed else driver.ClientError)(errors[-1])
        if run.returncode != 0:
            raise driver.ClientError(f'socat exited with status {run.returncode}')

    driver.serve(act)


if __name__ == '__main__':
    main()
