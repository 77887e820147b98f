/**
 * rpc: calls per second on loopback, side by side in one run: wireproof's proxy and
 * daemon, Debian's Pyro4 client and daemon (json serializer), and the two crossed. Every
 * call is echo(i), checked to return i. And the serpent codec on the same values beside
 * wireproof's json codec and beside python3-serpent (timed inside its own process).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { PyroClient } from '../src/impl/rpc/proxy';
import { decodeJson, encodeJson } from '../src/impl/rpc/json';
import { ensurePyro4, startPyro4EchoServer, SYSTEM_PYTHON } from '../src/impl/rpc/pyro4/launch';
import { type SerpentPeer, startSerpentPeer } from '../src/impl/rpc/pyro4/serpent_peer';
import { decodeSerpent, encodeSerpent } from '../src/impl/rpc/serpent';
import { startRpcServer } from '../src/impl/rpc/serve';
import { BenchModule, BenchResult, Contender, compare, type Measurement, measureSideBySide, median, type SideBySideOptions } from './measure';

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

/** Values both codecs carry, as a call's argument or result might be. */
const CODEC_VALUES: Record<string, unknown> = {
  'the issue\'s {"a": [1, 2]}': { a: [1, 2] },
  '200 records': Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['x', 'y'], score: i + 0.5, ok: i % 2 === 0, note: null })),
  '100 lines of text': Array.from({ length: 100 }, (_, i) => `line ${i}: caf\u00e9 \u20ac "quoted" it's\n\ttabbed \ud83d\ude00`),
};

const CODEC_OPTIONS: SideBySideOptions = { unit: 'ops/s', workPerPass: 1, warmupPasses: 200, rounds: 7, minRoundMs: 200 };

/** python3-serpent's dumps and loads of the value, timed inside Python, as ops/s per round (median over the rounds). */
async function pythonFigures(peer: SerpentPeer, value: unknown, names: { dumps: string; loads: string }): Promise<Measurement[]> {
  const probe = await peer.time(value, 50);
  const count = Math.max(50, Math.ceil((50 * CODEC_OPTIONS.minRoundMs * 1e6) / Math.max(probe.dumps_ns, probe.loads_ns)));
  const dumps: number[] = [];
  const loads: number[] = [];
  for (let round = 0; round < CODEC_OPTIONS.rounds; round++) {
    const timed = await peer.time(value, count);
    dumps.push(count / (timed.dumps_ns / 1e9));
    loads.push(count / (timed.loads_ns / 1e9));
  }
  return [
    { name: names.dumps, unit: 'ops/s', figure: median(dumps), rounds: dumps, passesPerRound: count },
    { name: names.loads, unit: 'ops/s', figure: median(loads), rounds: loads, passesPerRound: count },
  ];
}

const CODEC_NAMES = {
  serpentEncode: 'serpent encode (wireproof)', jsonEncode: 'json encode (wireproof)', dumps: 'serpent dumps (python3-serpent)',
  serpentDecode: 'serpent decode (wireproof)', jsonDecode: 'json decode (wireproof)', loads: 'serpent loads (python3-serpent)',
};

/** For each value: wireproof's serpent encode and decode beside its json ones and python3-serpent's (reported, no target). */
async function codecResults(): Promise<BenchResult[]> {
  ensurePyro4();
  const peer = startSerpentPeer();
  const results: BenchResult[] = [];
  try {
    for (const [label, value] of Object.entries(CODEC_VALUES)) {
      const serpentBytes = encodeSerpent(value);
      const jsonBytes = encodeJson(value);
      // Each pass checks what it made, so a broken codec cannot look fast.
      const contenders: Contender[] = [
        { name: CODEC_NAMES.serpentEncode, pass: () => Number(encodeSerpent(value).length === serpentBytes.length), expect: 1 },
        { name: CODEC_NAMES.jsonEncode, pass: () => Number(encodeJson(value).length === jsonBytes.length), expect: 1 },
        { name: CODEC_NAMES.serpentDecode, pass: () => Number(decodeSerpent(serpentBytes) !== undefined), expect: 1 },
        { name: CODEC_NAMES.jsonDecode, pass: () => Number(decodeJson(jsonBytes) !== undefined), expect: 1 },
      ];
      const measured = await measureSideBySide(contenders, CODEC_OPTIONS);
      for (const m of await pythonFigures(peer, value, CODEC_NAMES)) measured.set(m.name, m);
      const note = `${serpentBytes.length} bytes of serpent, ${jsonBytes.length} of json; python3-serpent timed in its own loop, without the pipe`;
      results.push(
        compare(measured, { name: `serpent encode, ${label}`, subject: CODEC_NAMES.serpentEncode, baselines: [CODEC_NAMES.jsonEncode, CODEC_NAMES.dumps], note }),
        compare(measured, { name: `serpent decode, ${label}`, subject: CODEC_NAMES.serpentDecode, baselines: [CODEC_NAMES.jsonDecode, CODEC_NAMES.loads], note }),
      );
    }
  } finally {
    await peer.stop();
  }
  return results;
}

export const bench: BenchModule = {
  name: 'rpc',
  parts: [codecResults, async () => {
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
