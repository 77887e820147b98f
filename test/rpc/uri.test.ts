import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { ExposedObject } from '../../src/impl/rpc/exposed';
import { RemoteError } from '../../src/impl/rpc/json';
import { DEFAULT_NS_PORT, PyroURI } from '../../src/impl/rpc/uri';

describe('rpc URIs (Pyro4 core.URI)', () => {
  it('parses PYRO:obj@host:port and PYRONAME:name[@host[:port]] like Pyro4', () => {
    const direct = PyroURI.parse('PYRO:wireproof.echo@127.0.0.1:5555');
    assert.deepEqual([direct.protocol, direct.object, direct.host, direct.port], ['PYRO', 'wireproof.echo', '127.0.0.1', 5555]);
    const named = PyroURI.parse('pyroname:wireproof.echo@ns.example');
    assert.deepEqual([named.protocol, named.host, named.port], ['PYRONAME', 'ns.example', DEFAULT_NS_PORT]);
    const bare = PyroURI.parse('PYRONAME:wireproof.echo');
    assert.deepEqual([bare.host, bare.port, bare.toString()], [undefined, undefined, 'PYRONAME:wireproof.echo']);
    const v6 = PyroURI.parse('PYRO:obj@[::1]:7');
    assert.deepEqual([v6.host, v6.location, v6.toString()], ['::1', '[::1]:7', 'PYRO:obj@[::1]:7']);
  });

  it('refuses what Pyro4 refuses, and what wireproof does not speak', () => {
    for (const bad of ['', 'PYRO:obj', 'PYRO:obj@host', 'PYRO:obj@host:port', 'PYRO:obj@host:99999', 'HTTP:x@h:1', 'PYROMETA:a,b', 'PYRO:obj@./u:sock', 'PYRO:o@[[::1]]:1']) {
      assert.throws(() => PyroURI.parse(bad), TypeError, bad);
    }
  });

  it('prints what it parses (round trip)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/);
    fc.assert(fc.property(fc.constantFrom('PYRO', 'PYRONAME'), id, id, fc.integer({ min: 0, max: 65535 }), (protocol, object, host, port) => {
      const text = `${protocol}:${object}@${host}:${port}`;
      assert.equal(PyroURI.parse(text).toString(), text);
    }));
  });
});

describe('rpc exposure', () => {
  class Target {
    visible() { return 'ok'; }
    secret() { return 'no'; }
  }

  it('refuses to expose reserved, inherited or missing names', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '_private', 'missing']) {
      assert.throws(() => new ExposedObject(new Target(), { methods: { [name]: [] } }), TypeError, name);
    }
    assert.throws(() => new ExposedObject(new Target(), { methods: { visible: [] }, oneway: ['secret'] }), /not exposed/);
  });

  it('resolves only exposed methods; the others are AttributeError with Pyro4 texts', async () => {
    const exposed = new ExposedObject(new Target(), { methods: { visible: [] } });
    assert.equal(await exposed.method('visible')([], {}), 'ok');
    const texts = ['secret', 'constructor', '__proto__', 'nothing'].map((name) => {
      try {
        exposed.method(name);
        return 'resolved';
      } catch (error) {
        assert.equal((error as RemoteError).pythonClass, 'builtins.AttributeError');
        return String((error as RemoteError).args[0]);
      }
    });
    assert.deepEqual(texts, [
      "attempt to access unexposed attribute 'secret'",
      "attempt to access private attribute 'constructor'",
      "attempt to access private attribute '__proto__'",
      "'Target' object has no attribute 'nothing'",
    ]);
    assert.deepEqual(exposed.metadata(), { methods: ['visible'], oneway: [], attrs: [] });
  });
});
