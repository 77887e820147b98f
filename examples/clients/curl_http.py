#!/usr/bin/env python3
"""curl as an http client behind wireproof's driver contract: an adapter around a program.

    npx wireproof conform --protocol http --client "python3 examples/clients/curl_http.py {host} {port}"

Each `get` runs `curl -sS --path-as-is --max-time T --max-filesize M -D HEADS -o BODY
-w '%{http_code}' http://HOST:PORT/PATH` (`head` adds `--head`) and reports what curl said:
exit 0 is the response (the status curl printed, the header fields of the last head curl
saved, the body it wrote), any other exit the terminal event its code and message name
(curl's own words, in `message`). The contract is in examples/clients/http.py and the README.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

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
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--timeout-ms', type=int, default=1000)
    parser.add_argument('--max-bytes', type=int, default=1024 * 1024)
    args = parser.parse_args()

    def report(**fields):
        sys.stdout.write(json.dumps(fields) + '\n')
        sys.stdout.flush()

    report(event='ready', timeoutMs=args.timeout_ms, maxBytes=args.max_bytes)
    with tempfile.TemporaryDirectory() as scratch:
        heads, body = os.path.join(scratch, 'heads'), os.path.join(scratch, 'body')
        for line in sys.stdin:
            action = json.loads(line)
            if action['action'] not in ('get', 'head'):  # close: curl opens a connection per call
                report(event='done' if action['action'] == 'close' else 'error', message=f'action {action["action"]!r}')
                continue
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
                report(event='received', status=int(run.stdout), headers=fields, base64=base64.b64encode(content).decode('ascii'))
                report(event='done')
            elif run.returncode in TIMEOUT:
                report(event='timeout', message=message)
            elif run.returncode in PROTOCOL or 'chunked' in message:
                report(event='protocol-error', message=message)
            elif run.returncode in CLOSED:
                report(event='closed', message=message)
            else:
                report(event='error', message=message or f'curl exited with status {run.returncode}')


if __name__ == '__main__':
    main()
