/**
 * Checks of a reference server's own options (binding, ports, closing), shared by the
 * protocol step files: each protocol words its own steps, the checks are these.
 * (This file defines no step by itself: defineReferenceServerSteps does, when a protocol calls it.)
 */
import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { NonConformance } from '../conform/errors';
import { resolveServeOptions } from '../cli/serve';
import type { RunningServer } from '../impl/common/net';
import type { WireWorld } from './world';

/** The server says it is bound to `host`, and a connection to `host` reaches it from there. */
export async function expectBoundTo(server: RunningServer, host: string): Promise<void> {
  assert.equal(server.host, host);
  const socket = net.connect({ host, port: server.port });
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    assert.equal(socket.remoteAddress, host);
  } finally {
    socket.destroy();
  }
}

/** The reported port is a real one: a client of the world connects to it. */
export async function expectReportedPortAccepts(world: WireWorld, server: RunningServer): Promise<void> {
  assert.ok(server.port > 0, `reported port ${server.port}`);
  await world.connect('probe', { host: server.host, port: server.port });
}

export async function expectClosedResolves(world: WireWorld, server: RunningServer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new NonConformance('closed did not resolve')), world.timeoutMs);
  });
  await Promise.race([server.closed, timeout]).finally(() => clearTimeout(timer));
}

/** Polls until host:port refuses connections (a closed listener gives a client no event). */
export async function expectStopsAccepting(world: WireWorld, host: string, port: number): Promise<void> {
  const deadline = Date.now() + world.timeoutMs;
  while (await accepts(host, port)) {
    if (Date.now() > deadline) throw new NonConformance(`${host}:${port} still accepts connections ${world.timeoutMs} ms later`);
    await delay(25);
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A world that may hold a reference server its scenario started (besides the target). */
export interface ReferenceWorld extends WireWorld {
  reference?: RunningServer;
}

/** Keeps a reference server the scenario started, and closes it when the scenario ends. */
export function keepReference(world: ReferenceWorld, server: RunningServer): void {
  world.reference = server;
  world.cleanups.push(() => server.close());
}

/**
 * The steps that check a protocol's reference server options, worded with the protocol's
 * name ("a reference echo server on an ephemeral port", ...), so no two protocols share a step text.
 */
export function defineReferenceServerSteps(protocol: string, start: (options: { host?: string }) => Promise<RunningServer>): void {
  Given(`a reference ${protocol} server on an ephemeral port`, async function (this: ReferenceWorld) {
    keepReference(this, await start({}));
  });
  Given(`a reference ${protocol} server on {string} and an ephemeral port`, async function (this: ReferenceWorld, host: string) {
    keepReference(this, await start({ host }));
  });
  When(`client {word} connects to the reference ${protocol} server`, async function (this: ReferenceWorld, name: string) {
    await this.connect(name, { host: this.reference!.host, port: this.reference!.port });
  });
  Then(`the reference ${protocol} server is bound to {string}`, async function (this: ReferenceWorld, host: string) {
    await expectBoundTo(this.reference!, host);
  });
  Then(`the reference ${protocol} server reports a port above 0 that accepts connections`, async function (this: ReferenceWorld) {
    await expectReportedPortAccepts(this, this.reference!);
  });
  Then(`\`wireproof serve ${protocol}\` without --port would listen on {word}`, function (where: string) {
    const { host, port } = resolveServeOptions(protocol, {});
    assert.equal(`${host}:${port}`, where);
  });
  When(`the reference ${protocol} server closes`, function (this: ReferenceWorld) {
    void this.reference!.close(); // completes as its clients see their FIN and go
  });
  Then(`the reference ${protocol} server's closed promise resolves`, async function (this: ReferenceWorld) {
    await expectClosedResolves(this, this.reference!);
  });
  Then(`the reference ${protocol} server stops accepting connections`, async function (this: ReferenceWorld) {
    await expectStopsAccepting(this, this.reference!.host, this.reference!.port);
  });
}
