#!/usr/bin/env python3
"""curl as an http client behind wireproof's driver contract: an adapter around a program.

    npx wireproof conform --protocol http --client "python3 examples/clients/curl_http.py {host} {port}"

Each `get` runs `curl -sS --path-as-is --max-time T --max-filesize M -D HEADS -o BODY
-w '%{http_code}' http://HOST:PORT/PATH` (`head` adds `--head`) and reports what curl said:
exit 0 is the response (the status curl printed, the header fields of the last head curl
saved, the body it wrote), any other exit the terminal event its code and message name
(curl's own words, in `message`). The contract is in driver.py beside it, examples/clients/http.py
and the README.
"""
import os
import subprocess
import tempfile

import driver


# curl's exit codes (man curl, "EXIT CODES") and what each says of a call.
TIMEOUT = {28}                # operation timeout
CLOSED = {18, 52, 55, 56}     # partial file, empty reply, send or receive failure (a close or a reset)
PROTOCOL = {1, 8, 43, 61, 63}  # HTTP/0.9 or unsupported reply, weird server reply, bad chunked stream, bad encoding, max filesize exceeded


def last_head(raw):
    """The header fields of the last head in curl's -D file (interim 1xx heads come before it)."""
    blocks = [b for b in raw.replace(b'\r\n', b'\n').split(b'\n\n') if b.strip()]
    fields = {}
    for line in blocks[-1].split(b'\n')[1:] if blocks else []:
        name, colon, value = line.decode('latin-1').partition(':')
        if colon:
            key = name.strip().lower()
            fields[key] = f'{fields[key]}, {value.strip()}' if key in fields else value.strip()
    return fields


def main():
    args = driver.options(__doc__, max_bytes=1024 * 1024).parse_args()
    driver.report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    with tempfile.TemporaryDirectory() as scratch:
        heads, body = os.path.join(scratch, 'heads'), os.path.join(scratch, 'body')

        def act(action):
            if action['action'] not in ('get', 'head'):  # close: curl opens a connection per call
                if action['action'] == 'close':
                    return f'action {action["action"]!r}'
                raise driver.ClientError(f'action {action["action"]!r}')
            command = ['curl', '-sS', '--path-as-is', '--max-time', str(args.timeout_ms / 1000), '--max-filesize', str(args.max_bytes),
                       '-D', heads, '-o', body, '-w', '%{http_code}', *(['--head'] if action['action'] == 'head' else []),
                       f'http://{args.host}:{args.port}{action["path"]}']
            for stale in (heads, body):
                if os.path.exists(stale):
                    os.remove(stale)  # curl creates them only when it has something to write
            run = subprocess.run(command, capture_output=True)
            message = run.stderr.decode('utf-8', 'replace').strip()
            if run.returncode == 0:
                # With --head curl writes the head as its output: a HEAD's body is empty.
                content = b'' if action['action'] == 'head' or not os.path.exists(body) else open(body, 'rb').read()
                fields = last_head(open(heads, 'rb').read()) if os.path.exists(heads) else {}
                driver.deliver(content, status=int(run.stdout), headers=fields)
            elif run.returncode in TIMEOUT:
                raise TimeoutError(message)
            elif run.returncode in PROTOCOL or 'chunked' in message:
                raise driver.ProtocolError(message)
            elif run.returncode in CLOSED:
                raise driver.ServerClosed(message)
            else:
                raise driver.ClientError(message or f'curl exited with status {run.returncode}')

        driver.serve(act)


if __name__ == '__main__':
    main()
