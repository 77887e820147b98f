/**
 * conform: the time to a verdict a CI user feels. Per protocol, `wireproof conform
 * --protocol P --spawn ...` (profile core) run as a user runs it, through bin/, against an
 * independent conforming fixture, one that breaks most requirements, and a target that
 * floods every connection (test/fixtures). Wall times are reported, with no target; a run
 * whose exit code is not the one its fixture must get aborts the bench.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ECHO_SERVER, SYSTEM_PYTHON } from '../src/impl/rpc/pyro4/launch';
import { compare, type BenchModule, type BenchResult, type Measurement } from './measure';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'wireproof.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const SEED = '42';

interface Run {
  label: string;
  spawn: string;
  /** The exit codes a correct suite gives this fixture. */
  exits: number[];
}

const python = (file: string, ...args: string[]) => ['python3', path.join(FIXTURES, file), '--port', '{port}', ...args].join(' ');
const typescript = (file: string, args: string) =>
  `TS_NODE_TRANSPILE_ONLY=true ${process.execPath} -r ts-node/register ${path.join(FIXTURES, file)} ${args}`;
const flooder = (protocol: string, ports = '--port {port}') =>
  `${process.execPath} ${path.join(FIXTURES, 'hostile_server.js')} --protocol ${protocol} ${ports} --mode flood`;
const COBRA_PORTS = '--file-port {port} --control-port {port2} --root {root}';

/** Per protocol: the conforming fixture, the broken one, the flooder. */
const RUNS: Record<string, [conforming: Run, broken: Run, flooding: Run]> = {
  oneline: [
    { label: 'oneline_server.py', spawn: python('oneline_server.py'), exits: [0] },
    { label: 'oneline_server.py --break spin', spawn: python('oneline_server.py', '--break', 'spin'), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('oneline'), exits: [1, 2] },
  ],
  channel: [
    { label: 'channel_server.py', spawn: python('channel_server.py'), exits: [0] },
    { label: 'seed004_channel_server.py', spawn: python('seed004_channel_server.py'), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('channel'), exits: [1, 2] },
  ],
  lenmsg: [
    { label: 'lenmsg_server.py', spawn: python('lenmsg_server.py'), exits: [0] },
    { label: 'lenmsg_server.py --break no-connect-back', spawn: python('lenmsg_server.py', '--break', 'no-connect-back'), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('lenmsg'), exits: [1, 2] },
  ],
  echo: [
    { label: 'echo_server.py', spawn: python('echo_server.py'), exits: [0] },
    { label: 'echo_server.py --break wait-eof', spawn: python('echo_server.py', '--break', 'wait-eof'), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('echo'), exits: [1, 2] },
  ],
  http: [
    { label: 'python3 -m http.server', spawn: 'python3 -m http.server --bind 127.0.0.1 {port} --directory {root}', exits: [0] },
    {
      label: 'http_broken.py --break post-200',
      spawn: `python3 ${path.join(FIXTURES, 'http_broken.py')} --port {port} --directory {root} --break post-200`,
      exits: [1],
    },
    { label: 'hostile_server.js --mode flood', spawn: flooder('http'), exits: [1, 2] },
  ],
  rpc: [
    { label: "Debian's Pyro4", spawn: `${SYSTEM_PYTHON} ${ECHO_SERVER} --ns-port {port}`, exits: [0] },
    { label: 'rpc_broken.ts --break ignores-checksum', spawn: typescript('rpc_broken.ts', '--port {port} --break ignores-checksum'), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('rpc'), exits: [1, 2] },
  ],
  cobra: [
    { label: 'wireproof serve cobra', spawn: `${process.execPath} ${BIN} serve cobra ${COBRA_PORTS}`, exits: [0] },
    { label: 'cobra_broken.ts --break unknown-closes', spawn: typescript('cobra_broken.ts', `${COBRA_PORTS} --break unknown-closes`), exits: [1] },
    { label: 'hostile_server.js --mode flood', spawn: flooder('cobra', '--port {port} --port2 {port2}'), exits: [1, 2] },
  ],
};

/** One conform run through bin/, as a user starts it; its wall time in seconds. */
function conformSeconds(protocol: string, run: Run): Promise<number> {
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'wireproof-bench-'));
  const args = [BIN, 'conform', '--protocol', protocol, '--spawn', run.spawn, '--seed', SEED, '--report-dir', reportDir];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rmSync(reportDir, { recursive: true, force: true });
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (!run.exits.includes(code)) {
        reject(new Error(`conform ${protocol} against ${run.label} exited ${code}, expected ${run.exits.join(' or ')}:\n${stdout}${stderr}`));
      } else {
        resolve(seconds);
      }
    });
  });
}

async function protocolResult(protocol: string): Promise<BenchResult> {
  const [conforming, broken, flooding] = RUNS[protocol];
  const against = (run: Run) => `against ${run.label}`;
  const measured = new Map<string, Measurement>();
  for (const run of [conforming, broken, flooding]) {
    const seconds = await conformSeconds(protocol, run);
    measured.set(against(run), { name: against(run), unit: 's', figure: seconds, rounds: [seconds], passesPerRound: 1 });
  }
  return compare(measured, {
    name: `conform ${protocol} (profile core), seconds to a verdict ${against(broken)}`,
    subject: against(broken),
    baselines: [conforming, flooding].map(against),
    note: 'each a `wireproof conform --spawn` through bin/ from start to exit, start-up included',
  });
}

export const bench: BenchModule = {
  name: 'conform',
  parts: Object.keys(RUNS).map((protocol) => async () => [await protocolResult(protocol)]),
};
