/**
 * rpc: calls per second on loopback, side by side in one run: wireproof's proxy and
 * daemon, Debian's Pyro4 client and daemon (json serializer, as wireproof speaks it),
 * and the two crossed. Every call is echo(i), checked to return i.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { PyroClient } from '../src/impl/rpc/proxy';
import { ensurePyro4, startPyro4EchoServer, SYSTEM_PYTHON } from '../src/impl/rpc/pyro4/launch';
import { startRpcServer } from '../src/impl/rpc/serve';
import { BenchModule, Contender, compare, measureSideBySide } from './measure';

const CALLS_PER_PASS = 500;

/** N calls of echo(i) through one reused connection; the number that came back right. */
async function wireproofPass(client: PyroClient): Promise<number> {
  let correct = 0;
  for (let i = 0; i < CALLS_PER_PASS; i++) if ((await client.call('echo', [i])) === i) correct++;
  return correct;
}

/** The Python driver: one process for the whole bench, a pass is one request line and its answer. */
function startPythonClient(): { pass(uri: string): Promise<number>; stop(): void } {
  const child: ChildProcessWithoutNullStreams = spawn(SYSTEM_PYTHON, [path.join(__dirname, 'rpc_pyro4_client.py')], {
    env: { ...process.env, PYRO_SERIALIZER: 'json' },
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async pass(uri) {
      child.stdin.write(`${uri} ${CALLS_PER_PASS}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error(`rpc_pyro4_client.py exited: ${errors}`);
      return Number(String(value).split(' ')[0]);
    },
    stop: () => child.stdin.end(),
  };
}

const NAMES = {
  wireproof: 'wireproof proxy -> wireproof daemon',
  pyro4: 'Pyro4 client -> Pyro4 daemon',
  wireproofToPyro4: 'wireproof proxy -> Pyro4 daemon',
  pyro4ToWireproof: 'Pyro4 client -> wireproof daemon',
};

export const bench: BenchModule = {
  name: 'rpc',
  parts: [async () => {
    ensurePyro4();
    const ours = await startRpcServer({ port: 0 });
    const theirs = await startPyro4EchoServer();
    const python = startPythonClient();
    const toOurs = new PyroClient(ours.echoUri);
    const toTheirs = new PyroClient(theirs.echoUri);
    try {
      const contenders: Contender[] = [
        { name: NAMES.wireproof, pass: () => wireproofPass(toOurs), expect: CALLS_PER_PASS },
        { name: NAMES.pyro4, pass: () => python.pass(theirs.echoUri), expect: CALLS_PER_PASS },
        { name: NAMES.wireproofToPyro4, pass: () => wireproofPass(toTheirs), expect: CALLS_PER_PASS },
        { name: NAMES.pyro4ToWireproof, pass: () => python.pass(ours.echoUri.toString()), expect: CALLS_PER_PASS },
      ];
      const measured = await measureSideBySide(contenders, {
        unit: 'ops/s',
        workPerPass: CALLS_PER_PASS,
        warmupPasses: 2,
        rounds: 7,
        minRoundMs: 300,
      });
      const everyOther = (subject: string) => Object.values(NAMES).filter((name) => name !== subject);
      return [
        compare(measured, {
          name: `${NAMES.wireproof}, echo(i) calls`,
          subject: NAMES.wireproof,
          baselines: everyOther(NAMES.wireproof),
          target: { baseline: NAMES.pyro4, ratio: 3 },
          note: 'one call at a time on one connection; wireproof\'s proxy and daemon share one Node process, Pyro4\'s client and daemon are two Python processes',
        }),
        compare(measured, {
          name: `${NAMES.pyro4ToWireproof}, echo(i) calls`,
          subject: NAMES.pyro4ToWireproof,
          baselines: [NAMES.pyro4],
          target: { baseline: NAMES.pyro4, ratio: 1 },
          note: 'the same Pyro4 client: the daemon alone makes the difference',
        }),
      ];
    } finally {
      python.stop();
      await toOurs.close();
      await toTheirs.close();
      await theirs.stop();
      await ours.close();
    }
  }],
};
