/** The cucumber-js plugin of cucumber.js's profiles: which scenarios a profile keeps, and their order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';

const plugin = require('../../src/steps/standalone/plugin.js');

type Pickle = { pickle: { uri: string; name: string; tags: { name: string }[] } };
const pickle = (uri: string, name: string, ...tags: string[]): Pickle => ({ pickle: { uri, name, tags: tags.map((t) => ({ name: t })) } });

/** The plugin's two transforms, as cucumber would call them for a profile of these protocols. */
function transforms(protocols: string[], env: Record<string, string> = {}) {
  const registered: Record<string, (pickles: Pickle[]) => Pickle[]> = {};
  plugin.coordinator({ transform: (key: string, fn: (p: Pickle[]) => Pickle[]) => { registered[key] = fn; }, options: { protocols }, environment: { env } });
  return { filter: registered['pickles:filter'], order: registered['pickles:order'] };
}

const ALL = [
  pickle('features/echo/echo.feature', 'e1'),
  pickle('features/oneline/shutdown.feature', 'o-stop', '@stops-server'),
  pickle('features/oneline/commands.feature', 'o1'),
  pickle('features/echo/server.feature', 'e-stop', '@stops-server'),
  pickle('features/oneline/limits.feature', 'o2'),
];

test('a profile keeps the scenarios of its protocols (the folder under features/) and no other', () => {
  const names = (pickles: Pickle[]) => pickles.map((p) => p.pickle.name);
  assert.deepEqual(names(transforms(['oneline']).filter(ALL)), ['o-stop', 'o1', 'o2']);
  assert.deepEqual(names(transforms(['oneline', 'echo']).filter(ALL)), names(ALL));
  assert.deepEqual(transforms(['rpc']).filter(ALL), []);
});

test('scenarios run protocol by protocol, each protocol\'s @stops-server ones last, otherwise in cucumber\'s order', () => {
  assert.deepEqual(transforms(['oneline', 'echo']).order(ALL).map((p) => p.pickle.name), ['e1', 'e-stop', 'o1', 'o2', 'o-stop']);
});

test('one WIREPROOF_TARGET or WIREPROOF_SPAWN for scenarios of several protocols is refused, for one protocol kept', () => {
  for (const name of ['WIREPROOF_TARGET', 'WIREPROOF_SPAWN']) {
    assert.throws(() => transforms(['oneline', 'echo'], { [name]: 'x' }).filter(ALL), new RegExp(`${name} names one server.*echo, oneline`));
    assert.equal(transforms(['oneline', 'echo'], { [name]: 'x' }).filter(ALL.slice(1, 3)).length, 2);
  }
});

test('the @client-target scenarios are left out: only `wireproof conform --client` starts a client to judge', () => {
  const withClient = [...ALL, pickle('features/oneline/client-target/client-framing.feature', 'c1', '@client-target', '@SRS-ONELINE-100')];
  assert.deepEqual(transforms(['oneline']).filter(withClient).map((p) => p.pickle.name), ['o-stop', 'o1', 'o2']);
});
