/**
 * Interop with Debian's Pyro4 4.82 in both serializers: the wireproof proxy against a
 * Pyro4 name server + daemon, and a Pyro4 client against wireproof's. serpent runs with
 * Pyro4 left at its defaults (no PYRO_* setting, nothing configured): Pyro4 as shipped.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';

import { ExceptionWrapper, RemoteError } from '../../src/impl/rpc/json';
import { withoutPyroSettings } from '../../src/impl/rpc/pyro4/launch';
import { createProxy, kwargs, locateNameServer, PyroClient, RemoteObject } from '../../src/impl/rpc/proxy';
import type { SerializerName } from '../../src/impl/rpc/serializers';
import { startRpcServer } from '../../src/impl/rpc/serve';
import { PyroURI } from '../../src/impl/rpc/uri';
import { Complex, tuple } from '../../src/impl/rpc/values';
import {
  ensurePyro4, Pyro4EchoServer, runPyro4Client, samePythonValue, serpentValue, serpentView, startPyro4EchoServer, SYSTEM_PYTHON, wireValue,
} from './helpers';

/** Polls until `read` gives `want` (a oneway call may still be running: Pyro4 runs them in threads by default). */
async function eventually(read: () => Promise<unknown>, want: unknown): Promise<void> {
  const deadline = Date.now() + 5000;
  let got: unknown;
  while (!samePythonValue((got = await read()), want)) {
    if (Date.now() > deadline) assert.fail(`still ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const PEERS: { serializer: SerializerName; pyro4Defaults: boolean; what: string }[] = [
  { serializer: 'json', pyro4Defaults: false, what: 'json, Pyro4 configured as a conformance target' },
  { serializer: 'serpent', pyro4Defaults: true, what: 'serpent, Pyro4 left at its defaults' },
];

for (const peer of PEERS) describe(`rpc interop (${peer.what}): wireproof proxy → Pyro4 name server and daemon`, () => {
  let pyro4: Pyro4EchoServer;
  let echo: RemoteObject;

  before(async () => {
    ensurePyro4();
    pyro4 = await startPyro4EchoServer({ pyro4Defaults: peer.pyro4Defaults });
    echo = createProxy(`PYRONAME:wireproof.echo@${pyro4.nsHost}:${pyro4.nsPort}`, { serializer: peer.serializer });
  });
  after(async () => {
    await echo?.close();
    await pyro4?.stop();
  });

  it('finds wireproof.echo through the Pyro4 name server and calls it', async () => {
    assert.equal(await echo.echo('hello'), 'hello');
    assert.equal(await echo.add(40, 2), 42);
    assert.equal(await echo.add('a', 'b'), 'ab');
    assert.deepEqual(await echo.add([1], [2, 3]), [1, 2, 3]);
    assert.equal(await echo.add(2n ** 62n, 2n ** 62n), 2n ** 63n);
  });

  it('gets the Pyro4 metadata on connect: exposed methods and oneway, not hidden()', async () => {
    const meta = await echo.$pyro.metadata();
    assert.deepEqual(meta!.methods.sort(), ['add', 'echo', 'fail', 'kwargs', 'last', 'record']);
    assert.deepEqual(meta!.oneway, ['record']);
  });

  it(`echoes any ${peer.serializer} value unchanged (differential through Python)`, async () => {
    if (peer.serializer === 'json') {
      await fc.assert(fc.asyncProperty(wireValue, async (value) => assert.deepStrictEqual(await echo.echo(value), value)), { numRuns: 60 });
    } else {
      await fc.assert(fc.asyncProperty(serpentValue, async (value) => assert.ok(samePythonValue(await echo.echo(value), serpentView(value)))), { numRuns: 60 });
    }
  });

  it('rethrows a Python ValueError with its class name, args and remote traceback', async () => {
    await assert.rejects(echo.fail('boom'), (e: RemoteError) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.pythonClass, 'builtins.ValueError');
      assert.deepEqual(e.args, ['boom']);
      assert.match(e.remoteTraceback.join(''), /Traceback[\s\S]*raise ValueError\(message\)[\s\S]*ValueError: boom/);
      return true;
    });
  });

  it('sends record() oneway and reads it back with last(); passes keyword arguments', async () => {
    assert.equal(await echo.record({ kept: [1, 2] }), undefined);
    await eventually(() => echo.last(), { kept: [1, 2] });
    assert.deepEqual(await echo.kwargs(kwargs({ x: 1, y: 'z' })), { x: 1, y: 'z' });
  });

  it('gets AttributeError from Pyro4 for hidden() and inherited names', async () => {
    for (const name of ['hidden', '__class__', '_last']) {
      await assert.rejects(echo.$pyro.call(name), (e: RemoteError) => e.pythonClass === 'builtins.AttributeError', name);
    }
  });

  it('runs a Pyro4 batch and a Pyro4 ping', async () => {
    const results = await echo.$pyro.batch([['echo', [1]], ['fail', ['in batch']], ['echo', [2]]]);
    assert.equal(results![0], 1);
    assert.equal(((results![1] as ExceptionWrapper).exception as RemoteError).pythonClass, 'builtins.ValueError');
    assert.equal(results!.length, 2);
    await echo.$pyro.ping();
  });

  // json has neither tuples nor complex numbers.
  if (peer.serializer === 'serpent') it('adds tuples and complex numbers as Python does', async () => {
    assert.ok(samePythonValue(await echo.add(tuple<unknown>(1), tuple<unknown>('a')), tuple<unknown>(1, 'a')));
    assert.ok(samePythonValue(await echo.add(new Complex(1, 2), 0.5), new Complex(1.5, 2)));
  });

  it('gets the same name server answers from Pyro4 and from wireproof (differential)', async () => {
    const ours = await startRpcServer({ port: 0 });
    /** One scripted session; URIs reduced to their object id so both servers compare. */
    const session = async (ns: PyroClient) => {
      const seen: unknown[] = [];
      const note = async (what: Promise<unknown>) => {
        try {
          seen.push(normalize(await what));
        } catch (error) {
          seen.push((error as RemoteError).pythonClass ?? String(error));
        }
      };
      await note(ns.call('ping'));
      await note(ns.call('count'));
      await note(ns.call('register', ['app.one', 'PYRO:one@127.0.0.1:1'], { metadata: ['red'] }));
      await note(ns.call('register', ['app.two', PyroURI.parse('PYRO:two@127.0.0.1:2')]));
      await note(ns.call('register', ['app.one', 'PYRO:x@127.0.0.1:3'], { safe: true }));
      await note(ns.call('register', ['app.bad', 'not a uri']));
      await note(ns.call('register', ['app.meta', 'PYRO:m@127.0.0.1:4'], { metadata: 'a str' }));
      await note(ns.call('lookup', ['app.one']));
      await note(ns.call('lookup', ['app.one', true]));
      await note(ns.call('lookup', ['no.such']));
      await note(ns.call('list', [], { prefix: 'app.' }));
      await note(ns.call('list', [], { regex: 'app\\.o' }));
      await note(ns.call('list', [], { metadata_all: ['red'], return_metadata: true }));
      await note(ns.call('list', ['app.'], { regex: 'x' }));
      await note(ns.call('set_metadata', ['app.two', ['blue']]));
      await note(ns.call('list', [], { metadata_any: ['blue', 'red'] }));
      await note(ns.call('remove', ['app.one']));
      await note(ns.call('remove', ['app.one']));
      await note(ns.call('remove', [], { prefix: 'Pyro.' }));
      await note(ns.call('remove', [], { prefix: 'app.' }));
      await note(ns.call('count'));
      await ns.close();
      return seen;
    };
    try {
      const theirs = await session(locateNameServer(pyro4.nsHost, pyro4.nsPort, { serializer: peer.serializer }));
      const mine = await session(locateNameServer(ours.host, ours.port, { serializer: peer.serializer }));
      assert.deepEqual(mine, theirs);
    } finally {
      await ours.close();
    }
  });
});

/** URIs as `protocol:object`, objects with sorted keys, for comparing two name servers. */
function normalize(value: unknown): unknown {
  if (value instanceof PyroURI) return `${value.protocol}:${value.object}`;
  if (typeof value === 'string' && value.startsWith('PYRO:')) return value.replace(/@.*$/, '');
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, normalize((value as Record<string, unknown>)[key])]));
  }
  return value;
}

describe('rpc interop: Pyro4 client → wireproof name server and daemon', () => {
  for (const serializer of ['json', undefined] as const) {
    it(`lets a real Pyro4 client (${serializer ? 'PYRO_SERIALIZER=json' : 'its defaults: serpent'}) use wireproof.echo found through the wireproof name server`, async () => {
      ensurePyro4();
      await pyro4ClientSession(serializer);
    });
  }

  it('runs the issue\'s snippet, as a new user would: `wireproof serve rpc` and Pyro4 as shipped', async () => {
    ensurePyro4();
    const serve = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'wireproof.js'), 'serve', 'rpc', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let printed = '';
      const port = await new Promise<string>((resolve, reject) => {
        serve.stdout!.on('data', (chunk) => {
          printed += chunk;
          const listening = /^rpc listening on 127\.0\.0\.1:(\d+)$/m.exec(printed);
          if (listening) resolve(listening[1]);
        });
        serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${printed}`)));
      });
      const snippet = `import Pyro4; print(Pyro4.Proxy("PYRONAME:wireproof.echo@127.0.0.1:${port}").echo({"a": [1, 2]}))`;
      const python = spawn(SYSTEM_PYTHON, ['-c', snippet], { env: withoutPyroSettings(process.env) });
      let output = '';
      python.stdout.on('data', (chunk) => { output += chunk; });
      python.stderr.on('data', (chunk) => { output += chunk; });
      const [code] = await once(python, 'exit');
      assert.equal(code, 0, output);
      assert.equal(output, "{'a': [1, 2]}\n");
    } finally {
      serve.kill();
      if (serve.exitCode === null) await once(serve, 'exit');
    }
  });
});

/** test/rpc/pyro4_client.py against a wireproof server, in the given serializer (Pyro4's default when undefined). */
async function pyro4ClientSession(serializer: 'json' | undefined): Promise<void> {
  const server = await startRpcServer({ port: 0 });
  try {
    const seen = await runPyro4Client(server.host, server.port, serializer);
    assert.equal(seen.serializer, serializer ?? 'serpent');
    assert.equal(seen.ns_count, 2);
    assert.deepEqual(seen.ns_list, { 'Pyro.NameServer': server.nameServerUri.toString(), 'wireproof.echo': server.echoUri.toString() });
    assert.deepEqual(seen.ns_list_prefix, { 'wireproof.echo': server.echoUri.toString() });
    assert.equal(seen.ns_lookup, server.echoUri.toString());
    assert.deepEqual(seen.ns_lookup_meta, ['PYRO:thing@127.0.0.1:1', ['a', 'b']]);
    assert.deepEqual(seen.ns_list_meta_all, { 'extra.thing': 'PYRO:thing@127.0.0.1:1' });
    assert.deepEqual(seen.ns_list_regex, { 'extra.thing': 'PYRO:thing@127.0.0.1:1' });
    assert.equal(seen.ns_register_safe.class, 'Pyro4.errors.NamingError');
    assert.equal(seen.ns_remove, 1);
    assert.equal(seen.ns_remove_self, 0);
    assert.deepEqual([seen.ns_unknown.class, seen.ns_unknown.args], ['Pyro4.errors.NamingError', ['unknown name: no.such.name']]);

    assert.deepEqual(seen.echo, JSON.parse('{"a": [1, 2.5, "x", null, true], "big": 1180591620717411303424, "__proto__": {"polluted": 1}}'));
    assert.equal(seen.echo_nan, 'nan');
    assert.deepEqual(seen.add, [3, 'ab', [1, 2], 2 ** 63]);
    assert.equal(seen.fail.class, 'builtins.ValueError');
    assert.deepEqual(seen.fail.args, ['boom']);
    assert.match(seen.fail.traceback, /fail/);
    assert.equal(seen.record, null);
    assert.equal(seen.last, 'kept');
    assert.deepEqual(seen.kwargs, { x: 1, y: [2] });
    assert.deepEqual(seen.kwargs_empty, {});
    assert.deepEqual(seen.metadata, { methods: ['add', 'echo', 'fail', 'kwargs', 'last', 'record'], oneway: ['record'] });
    assert.equal(seen.hidden_local.class, 'builtins.AttributeError');
    for (const name of ['hidden', '__proto__', 'constructor', 'toString', '_private', 'nothing']) {
      assert.equal(seen[`invoke_${name}`].class, 'builtins.AttributeError', name);
    }
    assert.equal(seen.last_after_hidden, 'kept');
    assert.equal(seen.too_many_args.class, 'builtins.TypeError');
    assert.deepEqual(seen.batch, [1, 3, 'builtins.ValueError: in batch']);
    assert.equal(seen.ping, 'pong');
    assert.deepEqual(seen.daemon_registered, ['Pyro.Daemon', 'wireproof.echo']);
    assert.deepEqual(seen.daemon_metadata, ['add', 'echo', 'fail', 'kwargs', 'last', 'record']);
    assert.equal(seen.unknown_object.class, 'Pyro4.errors.CommunicationError');
    assert.match(seen.unknown_object.args[0], /rejected: unknown object/);
    if (serializer === undefined) {
      assert.deepEqual(seen.serpent_echo, {
        tuple: "(1, 'a', (2,))", set: '{1, 2, 3}', complex: '(1.5-2j)', bytes: "{'data': 'AP8=', 'encoding': 'base64'}",
        big: '-1267650600228229401496703205376', '-inf': '-inf', '-0.0': '-0.0', 'nested empties': "{'k': [(), (), {}]}",
        surrogate: "'\\ud800x'", float: '2.5',
        'integral float': '3', // JS has one number type: an integral float below 2^53 comes back an int (as with json)
      });
      assert.equal(seen.serpent_add_tuples, '(1, 2)');
    }
  } finally {
    await server.close();
  }
}
