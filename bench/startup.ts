/**
 * startup: how soon `wireproof` answers, the figure a CI user feels on every command.
 * Each command runs compiled (bin/wireproof.js → dist/) beside the same command through
 * ts-node (what bin did before `npm run build`) and a bare `node -e 0` (the floor), one
 * process per start, side by side in rounds. The budget is 300 ms a start.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { BenchModule, BenchResult, compare, Contender, measureSideBySide } from './measure';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'wireproof.js');
/** The start bin/wireproof.js made before the build: ts-node registered, then the TypeScript sources. */
const TS_NODE_START = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} });
require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'main'))}).main(process.argv.slice(1)).then(require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'exit'))}).exitFlushed);`;
const BUDGET_MS = 300;

/** Runs node with these arguments; resolves with the number of lines it printed (it must exit 0). */
function start(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout === '' ? 0 : stdout.trimEnd().split('\n').length);
    });
  });
}

async function startup(command: string[]): Promise<BenchResult> {
  const lines = await start([BIN, ...command]);
  const contenders: Contender[] = [
    { name: 'compiled (dist/)', pass: () => start([BIN, ...command]), expect: lines },
    { name: 'ts-node (src/)', pass: () => start(['-e', TS_NODE_START, '--', ...command]), expect: lines },
    { name: 'node -e 0', pass: () => start(['-e', '0']), expect: 0 },
  ];
  const measured = await measureSideBySide(contenders, { unit: 'ops/s', workPerPass: 1, warmupPasses: 1, rounds: 5, minRoundMs: 0 });
  const ms = (name: string) => (1000 / measured.get(name)!.figure).toFixed(0);
  return compare(measured, {
    name: `wireproof ${command.join(' ')}: starts`,
    subject: 'compiled (dist/)',
    baselines: ['ts-node (src/)', 'node -e 0'],
    target: { baseline: 'ts-node (src/)', ratio: 3 },
    note: `median ${ms('compiled (dist/)')} ms a start compiled (budget ${BUDGET_MS} ms), ${ms('ts-node (src/)')} ms through ts-node, ${ms('node -e 0')} ms for node itself; ${lines} lines of output`,
  });
}

export const bench: BenchModule = {
  name: 'startup',
  parts: [
    async () => [await startup(['--help']), await startup(['list']), await startup(['list', '--protocol', 'oneline'])],
  ],
};
