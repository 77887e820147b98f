import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { ConnectionClosedError, TimeoutError } from '../../src/impl/common/errors';
import { startDaemon } from '../../src/impl/rpc/daemon';
import { decodeJson, encodeJson, ExceptionWrapper, RemoteError } from '../../src/impl/rpc/json';
import {
  encodeMessage, FLAGS_COMPRESSED, FLAGS_EXCEPTION, FLAGS_META_ON_CONNECT, FLAGS_ONEWAY, HEADER_SIZE, MessageFramer, MSG_CONNECT,
  MSG_CONNECTFAIL, MSG_CONNECTOK, MSG_INVOKE, MSG_PING, MSG_RESULT, pyroMessage,
} from '../../src/impl/rpc/message';
import { createProxy, kwargs, locateNameServer, PyroClient, PyroProtocolError } from '../../src/impl/rpc/proxy';
import { RunningRpcServer, startRpcServer } from '../../src/impl/rpc/serve';
import { PyroURI } from '../../src/impl/rpc/uri';
import { RawSession } from './helpers';

const connect = (object = 'wireproof.echo', seq = 0) =>
  encodeMessage(pyroMessage(MSG_CONNECT, seq, encodeJson({ handshake: 'hello', object }), { flags: FLAGS_META_ON_CONNECT }));
const invoke = (seq: number, method: string, params: unknown[] = [], kw: Record<string, unknown> = {}, flags = 0) =>
  encodeMessage(pyroMessage(MSG_INVOKE, seq, encodeJson({ object: 'wireproof.echo', method, params, kwargs: kw }), { flags }));

describe('rpc daemon, name server and proxy (wireproof on both ends)', () => {
  let server: RunningRpcServer;
  let echoPort: number;

  before(async () => {
    server = await startRpcServer({ port: 0, maxMessageSize: 64 * 1024 });
    echoPort = server.echoUri.port!;
  });
  after(() => server.close());

  /** A handshaken raw session on the echo daemon. */
  async function session(): Promise<RawSession> {
    const raw = await RawSession.open(echoPort);
    raw.send(connect());
    assert.equal((await raw.next()).type, MSG_CONNECTOK);
    return raw;
  }

  async function assertDaemonAlive() {
    const proxy = createProxy(server.echoUri);
    try {
      assert.equal(await proxy.echo('alive'), 'alive');
    } finally {
      await proxy.close();
    }
  }

  it('reports the ports it got and URIs naming them', () => {
    assert.notEqual(server.port, 0);
    assert.equal(server.nameServerUri.toString(), `PYRO:Pyro.NameServer@127.0.0.1:${server.port}`);
    assert.equal(server.echoUri.toString(), `PYRO:wireproof.echo@127.0.0.1:${echoPort}`);
  });

  it('answers CONNECT with CONNECTOK carrying the handshake and the object metadata', async () => {
    const raw = await RawSession.open(echoPort);
    raw.send(connect('wireproof.echo', 9));
    const reply = await raw.next();
    assert.equal(reply.type, MSG_CONNECTOK);
    assert.equal(reply.seq, 9);
    assert.equal(reply.flags & FLAGS_META_ON_CONNECT, FLAGS_META_ON_CONNECT);
    const body = decodeJson(reply.data) as { handshake: string; meta: Record<string, string[]> };
    assert.equal(body.handshake, 'hello');
    assert.deepEqual(body.meta.methods.sort(), ['add', 'echo', 'fail', 'kwargs', 'last', 'record']);
    assert.deepEqual(body.meta.oneway, ['record']);
    assert.deepEqual(body.meta.attrs, []);
    raw.close();
  });

  it('calls through a PYRONAME URI resolved by the name server, reusing one connection', async () => {
    let connections = 0;
    const relay = net.createServer((client) => {
      connections++;
      const upstream = net.connect(server.port);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const nsPort = (relay.address() as net.AddressInfo).port;
    const proxy = createProxy(`PYRONAME:wireproof.echo@127.0.0.1:${nsPort}`);
    try {
      assert.deepEqual(await proxy.echo({ a: [1, 'two', null] }), { a: [1, 'two', null] });
      assert.equal(await proxy.add(2, 3), 5);
      assert.equal(await proxy.add('a', 'b'), 'ab');
      assert.deepEqual(await proxy.add([1], [2]), [1, 2]);
      assert.equal(connections, 1); // only the name server lookup went through the relay
    } finally {
      await proxy.close();
      relay.close();
    }
  });

  it('reuses one connection for many calls and runs them in order', async () => {
    const client = new PyroClient(server.echoUri);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => client.call('echo', [n])));
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    await client.close();
  });

  it('passes keyword arguments and binds them by parameter name', async () => {
    const proxy = createProxy(server.echoUri);
    try {
      const withProto = JSON.parse('{"x": 1, "__proto__": "data"}');
      assert.deepEqual(await proxy.kwargs(kwargs(withProto)), withProto);
      assert.deepEqual(Object.keys(await proxy.kwargs(kwargs(withProto))), ['x', '__proto__']);
      assert.deepEqual(await proxy.kwargs(), {});
      assert.equal(await proxy.add(kwargs({ b: 2, a: 40 })), 42);
      await assert.rejects(proxy.echo(1, kwargs({ value: 2 })), (e: RemoteError) => e.pythonClass === 'builtins.TypeError' && /multiple values/.test(e.message));
      await assert.rejects(proxy.echo(kwargs({ nope: 1 })), (e: RemoteError) => /unexpected keyword argument 'nope'/.test(e.message));
      await assert.rejects(proxy.echo(1, 2), (e: RemoteError) => /takes 1 positional arguments but 2 were given/.test(e.message));
      await assert.rejects(proxy.add(1), (e: RemoteError) => /missing 1 required positional argument/.test(e.message));
    } finally {
      await proxy.close();
    }
  });

  it('sends an exception back as Pyro4 encodes it and rethrows it typed on the client', async () => {
    const raw = await session();
    raw.send(invoke(1, 'fail', ['boom']));
    const reply = await raw.next();
    assert.equal(reply.type, MSG_RESULT);
    assert.equal(reply.flags & FLAGS_EXCEPTION, FLAGS_EXCEPTION);
    const wire = JSON.parse(reply.data.toString());
    assert.equal(wire.__class__, 'builtins.ValueError');
    assert.equal(wire.__exception__, true);
    assert.deepEqual(wire.args, ['boom']);
    assert.ok(Array.isArray(wire.attributes._pyroTraceback) && wire.attributes._pyroTraceback.length > 0);
    raw.close();

    const proxy = createProxy(server.echoUri);
    await assert.rejects(proxy.fail('boom'), (e: RemoteError) =>
      e instanceof RemoteError && e.pythonClass === 'builtins.ValueError' && e.args[0] === 'boom' && e.remoteTraceback.length > 0);
    assert.equal(await proxy.echo('after an error the connection goes on'), 'after an error the connection goes on');
    await proxy.close();
  });

  it('calls oneway methods without a reply; last() then sees the value', async () => {
    const raw = await session();
    raw.send(Buffer.concat([invoke(1, 'record', ['kept'], {}, FLAGS_ONEWAY), invoke(2, 'last')]));
    const reply = await raw.next();
    assert.equal(reply.seq, 2); // nothing came back for seq 1
    assert.equal(decodeJson(reply.data), 'kept');
    raw.close();

    const proxy = createProxy(server.echoUri);
    assert.equal(await proxy.record({ n: 1 }), undefined); // oneway per the metadata
    assert.deepEqual(await proxy.last(), { n: 1 });
    await proxy.close();
  });

  for (const name of ['hidden', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '_private', 'nothing']) {
    it(`refuses to call ${JSON.stringify(name)} and changes nothing`, async () => {
      const client = new PyroClient(server.echoUri);
      await client.call('record', ['before'], {}, { oneway: false });
      await assert.rejects(client.call(name), (e: RemoteError) => e.pythonClass === 'builtins.AttributeError');
      assert.equal(await client.call('last'), 'before');
      await client.close();
    });
  }

  it('runs a batch in order and stops at the first failure (Pyro4 _ExceptionWrapper)', async () => {
    const client = new PyroClient(server.echoUri);
    const results = await client.batch([['echo', [1]], ['add', [1, 2]], ['fail', ['in batch']], ['echo', [4]]]);
    assert.equal(results!.length, 3);
    assert.deepEqual(results!.slice(0, 2), [1, 3]);
    const failure = results![2] as ExceptionWrapper;
    assert.ok(failure instanceof ExceptionWrapper);
    assert.equal((failure.exception as RemoteError).pythonClass, 'builtins.ValueError');
    assert.equal(await client.batch([['record', ['from batch']]], { oneway: true }), undefined);
    assert.equal(await client.call('last'), 'from batch');
    await client.close();
  });

  it('answers PING with the same seq and serializer id, whatever the serializer', async () => {
    const raw = await session();
    raw.send(encodeMessage(pyroMessage(MSG_PING, 77, Buffer.from('ping'), { serializerId: 42 })));
    const pong = await raw.next();
    assert.deepEqual([pong.type, pong.seq, pong.serializerId, pong.data.toString()], [MSG_PING, 77, 42, 'pong']);
    raw.close();
    const client = new PyroClient(server.echoUri);
    await client.ping();
    await client.close();
  });

  it('accepts a zlib-compressed call body (FLAGS_COMPRESSED)', async () => {
    const raw = await session();
    const body = zlib.deflateSync(encodeJson({ object: 'wireproof.echo', method: 'echo', params: ['x'.repeat(500)], kwargs: {} }));
    raw.send(encodeMessage(pyroMessage(MSG_INVOKE, 1, body, { flags: FLAGS_COMPRESSED })));
    assert.equal(decodeJson((await raw.next()).data), 'x'.repeat(500));
    raw.close();
  });

  it('keeps "__proto__" keys in arguments as data and pollutes nothing', async () => {
    const raw = await session();
    const body = '{"object": "wireproof.echo", "method": "kwargs", "params": [], "kwargs": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}}';
    raw.send(encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.from(body))));
    const reply = await raw.next();
    assert.equal(reply.flags & FLAGS_EXCEPTION, 0);
    assert.equal(reply.data.toString(), '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    raw.close();
  });

  it('answers an undecodable call body with a SerializeError and carries on', async () => {
    const raw = await session();
    raw.send(encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.from('{"object": "wireproof.echo", '))));
    const reply = await raw.next();
    assert.equal(reply.flags & FLAGS_EXCEPTION, FLAGS_EXCEPTION);
    assert.equal((decodeJson(reply.data) as RemoteError).pythonClass, 'Pyro4.errors.SerializeError');
    raw.send(encodeMessage(pyroMessage(MSG_INVOKE, 2, Buffer.from('{"object": 1, "method": [], "params": {}, "kwargs": 3}'))));
    assert.equal(((decodeJson((await raw.next()).data)) as RemoteError).pythonClass, 'Pyro4.errors.SerializeError');
    raw.send(invoke(3, 'echo', ['still here']));
    assert.equal(decodeJson((await raw.next()).data), 'still here');
    raw.close();
  });

  it('answers a call to an unknown object with DaemonError, and a handshake for one with CONNECTFAIL', async () => {
    const raw = await session();
    raw.send(encodeMessage(pyroMessage(MSG_INVOKE, 1, encodeJson({ object: 'no.such', method: 'x', params: [], kwargs: {} }))));
    const error = decodeJson((await raw.next()).data) as RemoteError;
    assert.deepEqual([error.pythonClass, error.args], ['Pyro4.errors.DaemonError', ['unknown object']]);
    raw.close();

    const proxy = createProxy(PyroURI.direct('no.such', '127.0.0.1', echoPort));
    await assert.rejects(proxy.echo(1), (e: Error) => e instanceof PyroProtocolError && /rejected: unknown object/.test(e.message));
    await proxy.close();
  });

  describe('hostile input: the connection closes, the daemon carries on', () => {
    const header = (mutate: (bytes: Buffer) => void) => {
      const bytes = Buffer.from(connect());
      mutate(bytes);
      return bytes;
    };
    const cases: [string, Buffer, boolean][] = [
      ['bad magic', header((b) => b.write('HTTP', 0, 'latin1')), false],
      ['bad version', header((b) => b.writeUInt16BE(46, 4)), false],
      ['bad checksum', header((b) => b.writeUInt16BE(b.readUInt16BE(22) ^ 1, 22)), false],
      ['oversize message (header alone)', encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.alloc(64 * 1024 + 1))).subarray(0, HEADER_SIZE), true],
      ['bad magic after a good call', Buffer.concat([invoke(5, 'echo', [1]), Buffer.from('GET / HTTP/1.0\r\nHost: localhost\r\n\r\n')]), true],
      ['an unexpected message type', encodeMessage(pyroMessage(MSG_CONNECT, 1, encodeJson({ handshake: 'hello' }))), true],
      ['a serializer wireproof does not speak (pickle) on INVOKE', encodeMessage(pyroMessage(MSG_INVOKE, 1, Buffer.from('x'), { serializerId: 4 })), true],
    ];
    for (const [what, bytes, afterHandshake] of cases) {
      it(`closes on ${what}`, async () => {
        const raw = afterHandshake ? await session() : await RawSession.open(echoPort);
        raw.send(bytes);
        const replies = await raw.closedByPeer();
        if (afterHandshake) {
          // Only a complete, valid message before the garbage is answered.
          assert.deepEqual(replies.map((m) => m.seq), what.includes('after a good call') ? [5] : []);
        } else {
          // Before the handshake the peer is told why, as Pyro4 does.
          assert.deepEqual(replies.map((m) => m.type), [MSG_CONNECTFAIL]);
          assert.match(String(decodeJson(replies[0].data)), /magic|version|checksum/);
        }
        await assertDaemonAlive();
      });
    }

    it('answers CONNECTFAIL and closes for a serializer it does not speak (pickle) in the handshake', async () => {
      const raw = await RawSession.open(echoPort);
      raw.send(encodeMessage(pyroMessage(MSG_CONNECT, 0, Buffer.from('x'), { serializerId: 4 })));
      const [reply] = await raw.closedByPeer();
      assert.equal(reply.type, MSG_CONNECTFAIL);
      assert.match(String(decodeJson(reply.data)), /serializer that is not accepted: 4/);
    });

    it('answers CONNECTFAIL and closes when the first message is not CONNECT', async () => {
      const raw = await RawSession.open(echoPort);
      raw.send(invoke(1, 'echo', [1]));
      const [reply] = await raw.closedByPeer();
      assert.equal(reply.type, MSG_CONNECTFAIL);
      assert.match(String(decodeJson(reply.data)), /invalid msg type 4/);
    });

    it('drops a truncated message at EOF and serves others meanwhile', async () => {
      const raw = await session();
      const other = await session();
      raw.send(invoke(1, 'echo', ['partial']).subarray(0, 30));
      other.send(invoke(1, 'echo', ['other connection']));
      assert.equal(decodeJson((await other.next()).data), 'other connection');
      raw.socket.end();
      await raw.closedByPeer();
      other.close();
      await assertDaemonAlive();
    });
  });

  describe('name server', () => {
    it('lists, looks up, registers, removes and counts like Pyro4 naming.NameServer', async () => {
      const ns = locateNameServer('127.0.0.1', server.port);
      try {
        await ns.call('ping');
        assert.equal(await ns.call('count'), 2);
        assert.deepEqual(await ns.call('list', [], { prefix: 'wireproof.' }), { 'wireproof.echo': server.echoUri.toString() });
        assert.deepEqual(await ns.call('lookup', ['wireproof.echo']), server.echoUri);
        await ns.call('register', ['app.one', 'PYRO:one@127.0.0.1:1'], { metadata: ['red', 'big'] });
        await ns.call('register', ['app.two', PyroURI.parse('PYRO:two@127.0.0.1:2')]);
        await assert.rejects(ns.call('register', ['app.one', 'PYRO:x@h:1', true]), (e: RemoteError) =>
          e.pythonClass === 'Pyro4.errors.NamingError' && /name already registered: app.one/.test(e.message));
        await assert.rejects(ns.call('register', ['app.bad', 'not a uri']), RemoteError);
        const [uri, meta] = (await ns.call('lookup', ['app.one'], { return_metadata: true })) as [PyroURI, string[]];
        assert.equal(uri.toString(), 'PYRO:one@127.0.0.1:1');
        assert.deepEqual(meta.sort(), ['big', 'red']);
        assert.deepEqual(await ns.call('list', [], { metadata_any: ['red'] }), { 'app.one': 'PYRO:one@127.0.0.1:1' });
        assert.deepEqual(Object.keys((await ns.call('list', [], { regex: 'app\\.t' })) as object), ['app.two']);
        await assert.rejects(ns.call('list', ['a'], { regex: 'b' }), (e: RemoteError) => e.pythonClass === 'builtins.ValueError');
        assert.equal(await ns.call('remove', ['app.one']), 1);
        assert.equal(await ns.call('remove', [], { prefix: 'app.' }), 1);
        assert.equal(await ns.call('remove', ['Pyro.NameServer']), 0);
        assert.equal(await ns.call('remove', [], { prefix: 'Pyro.' }), 0);
        await assert.rejects(ns.call('lookup', ['app.one']), (e: RemoteError) =>
          e.pythonClass === 'Pyro4.errors.NamingError' && e.args[0] === 'unknown name: app.one');
        assert.equal(await ns.call('count'), 2);
      } finally {
        await ns.close();
      }
    });
  });

  describe('proxy', () => {
    it('times out a call with TimeoutError, drops the connection and reconnects for the next call', async () => {
      const daemon = await startDaemon();
      let release: () => void = () => undefined;
      const slow = {
        wait: () => new Promise<string>((resolve) => { release = () => resolve('late'); }),
        quick: () => 'quick',
      };
      const uri = daemon.register('slow', slow, { methods: { wait: [], quick: [] } });
      const proxy = createProxy(uri, { timeoutMs: 2000 });
      try {
        await assert.rejects(proxy.$pyro.call('wait', [], {}, { timeoutMs: 100 }), TimeoutError);
        release();
        assert.equal(await proxy.quick(), 'quick');
      } finally {
        await proxy.close();
        await daemon.close();
      }
    });

    it('times out connecting to a daemon that never answers the handshake', async () => {
      const silent = net.createServer((socket) => socket.resume());
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const client = new PyroClient(PyroURI.direct('x', '127.0.0.1', (silent.address() as net.AddressInfo).port), { timeoutMs: 150 });
      await assert.rejects(client.call('echo', [1]), TimeoutError);
      await client.close();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('rejects a reply whose seq does not match the call (a protocol error), and a closed connection', async () => {
      const fake = net.createServer((socket) => {
        const framer = new MessageFramer();
        socket.on('data', (chunk) => framer.push(chunk, (m) => {
          if (m.type === MSG_CONNECT) socket.write(encodeMessage(pyroMessage(MSG_CONNECTOK, m.seq, encodeJson('hello'))));
          else if (decodeJson(m.data) && (decodeJson(m.data) as { method: string }).method === 'close') socket.destroy();
          else socket.write(encodeMessage(pyroMessage(MSG_RESULT, m.seq + 1, encodeJson('wrong'))));
        }));
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const client = new PyroClient(PyroURI.direct('x', '127.0.0.1', (fake.address() as net.AddressInfo).port));
      await assert.rejects(client.call('echo', [1]), (e: Error) => e instanceof PyroProtocolError && /sequence out of sync/.test(e.message));
      await assert.rejects(client.call('close'), ConnectionClosedError);
      await client.close();
      await new Promise((resolve) => fake.close(resolve));
    });

    it('is not a thenable and keeps close() local', async () => {
      const proxy = createProxy(server.echoUri);
      assert.equal((proxy as unknown as { then?: unknown }).then, undefined);
      assert.equal(await Promise.resolve(proxy), proxy);
      assert.equal(await proxy.echo(1), 1);
      await proxy.close();
      assert.equal(await proxy.echo(2), 2); // a call after close() reconnects
      await proxy.close();
    });
  });

  it('closes gracefully: a call in progress is answered before its connection closes', async () => {
    const daemon = await startDaemon();
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const uri = daemon.register('slow', { wait: () => { started(); return new Promise((r) => setTimeout(() => r('done'), 100)); } }, { methods: { wait: [] } });
    const client = new PyroClient(uri);
    const call = client.call('wait');
    await running;
    const closed = daemon.close();
    assert.equal(await call, 'done');
    await closed;
    await client.close();
  });
});
