import { promises as fs } from 'node:fs';
import path from 'node:path';

import { get } from '../http/client';
import { CobraClient, CobraClientOptions } from './client';
import { CobraStatus } from './protocol';

export interface CobraTuiOptions extends Omit<CobraClientOptions, 'onOutput'> {
  /**
   * The program to run: a local path, sent to the server as an absolute path; or an
   * http(s) URL of the program on a file server over the cobra server's root, whose
   * path is sent (relative to that root) and whose text is shown.
   */
  file: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output?: NodeJS.WritableStream & { rows?: number };
}

const CLEAR = '\x1b[2J\x1b[H';
const INVERSE = '\x1b[7m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const OUTPUT_LINES = 8;
/** The tail of the program's output kept for the output pane. */
const MAX_OUTPUT_KEPT = 1 << 16;
const NEXT_KEYS = new Set(['n', ' ', '\r', '\n']);
const QUIT_KEY = 'q';
const CTRL_C = '\x03';

/** Program text as shown on a terminal: no escape sequences of its own, tabs as spaces. */
function printable(text: string): string {
  return text.replace(/\t/g, '    ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?');
}

/** The whole screen for one status: source around the current line, the instruction, the output. */
export function renderScreen(file: string, source: string[], status: CobraStatus, output: string, rows = 24): string {
  const out: string[] = [`${BOLD}cobra${RESET}  ${file}`];
  const sourceRows = Math.max(3, rows - OUTPUT_LINES - 7);
  const current = status.state === 'STANDBY' ? status.line ?? 0 : 0;
  const first = Math.max(1, Math.min(current - Math.floor(sourceRows / 2), source.length - sourceRows + 1));
  for (let n = first; n < first + sourceRows && n <= source.length; n++) {
    const text = `${n === current ? '>' : ' '} ${String(n).padStart(4)}  ${printable(source[n - 1])}`;
    out.push(n === current ? INVERSE + text + RESET : text);
  }
  out.push('');
  if (status.state === 'STANDBY') {
    const arg = status.arg === null ? '' : ` ${status.arg}`;
    const argrepr = status.argrepr === '' ? '' : ` (${printable(status.argrepr)})`;
    out.push(`STANDBY  line ${status.line ?? '-'}  offset ${status.offset}  ${BOLD}${status.opname}${RESET}${arg}${argrepr}  [opcode ${status.opcode}]`);
  } else if (status.state === 'FINISHED') {
    out.push(`FINISHED  exit code ${status.exitCode}`);
  } else {
    out.push(`ERROR  ${printable(status.error)}`);
  }
  out.push('-- output --');
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines.slice(-OUTPUT_LINES)) out.push(printable(line));
  out.push('', status.state === 'STANDBY' ? 'n / space / enter: next    q: close' : 'q: close');
  return CLEAR + out.join('\n') + '\n';
}

/** What to ask the server for, and the source text to show beside the steps. */
async function locateProgram(file: string, timeoutMs?: number): Promise<{ request: string; source: string }> {
  if (!/^https?:\/\//i.test(file)) {
    const request = path.resolve(file);
    return { request, source: await fs.readFile(request, 'utf8').catch(() => '(source not readable here)') };
  }
  const url = new URL(file);
  const response = await get(url.href, { timeoutMs });
  if (response.status !== 200) throw new Error(`${url.href} answered ${response.status}`);
  return { request: decodeURIComponent(url.pathname).replace(/^\/+/, ''), source: response.body.toString('utf8') };
}

/**
 * The cobra terminal client: loads FILE (a path, or a URL through the http client), shows where the program stands, steps it on
 * n/space/enter, sends `close` on q. Resolves with the process exit code (0 after q,
 * 1 when the server refused the file, 2 when the connection failed).
 */
export async function runCobraTui(options: CobraTuiOptions): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  let program: { request: string; source: string };
  try {
    program = await locateProgram(options.file, options.timeoutMs);
  } catch (err) {
    output.write(`cobra: cannot load ${options.file}: ${(err as Error).message}\n`);
    return 1;
  }
  const file = program.request;
  const source = program.source.split('\n');
  let programOutput = '';
  let client: CobraClient;
  try {
    client = await CobraClient.connect({ ...options, onOutput: (event) => { programOutput = (programOutput + event.text).slice(-MAX_OUTPUT_KEPT); } });
  } catch (err) {
    output.write(`cobra: cannot connect: ${(err as Error).message}\n`);
    return 2;
  }
  const show = (status: CobraStatus) => output.write(renderScreen(file, source, status, programOutput, output.rows));
  let status: CobraStatus;
  try {
    status = await client.load(file);
  } catch (err) {
    client.disconnect();
    output.write(`cobra: ${(err as Error).message}\n`);
    return 1;
  }
  show(status);

  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      for (const key of chunk.toString()) {
        if (key === QUIT_KEY) {
          await client.close().catch(() => client.disconnect());
          return 0;
        }
        if (key === CTRL_C) {
          client.disconnect();
          return 130;
        }
        if (NEXT_KEYS.has(key) && status.state === 'STANDBY') {
          status = await client.next();
          show(status);
        }
      }
    }
    client.disconnect(); // input ended without q: leave the server running
    return 0;
  } catch (err) {
    client.disconnect();
    output.write(`cobra: ${(err as Error).message}\n`);
    return 2;
  } finally {
    if (raw) input.setRawMode!(false);
  }
}
