import { After, Before, Status } from '@cucumber/cucumber';
import { currentSession, serverTarget, session } from '../conform/session';
import { NonConformance, TargetUnreachableError } from '../conform/errors';
import { pickleKey, scenarioName, TRACE_MEDIA } from '../conform/cucumber';
import type { WireWorld } from './world';

/** Cases side by side (src/conform/lanes.ts): a lane runs the scenarios it claims first and skips the rest. Defined first, so it runs first. */
Before(function (this: WireWorld, { pickle }) {
  this.caseName = scenarioName(pickle.uri, pickle.name);
  const claims = currentSession()?.claims;
  if (claims && !claims.claim(pickleKey(pickle), this.parameters.lane)) {
    this.notRun = true;
    return 'skipped';
  }
});

/** Cases that stop the server get an instance of their own where the suite can start one. */
Before({ tags: '@stops-server' }, async function (this: WireWorld) {
  this.instance = await serverTarget().fresh();
});

/** Once the target stopped answering, the cases after it are not run against it. */
Before(function (this: WireWorld) {
  const { hungSince } = session();
  if (hungSince) {
    this.notRun = true;
    throw new TargetUnreachableError(`not run: the target stopped answering after "${hungSince}"`);
  }
});

/** Liveness before a destructive case: if the target is already down, the case cannot run. */
Before({ tags: '@destructive' }, async function (this: WireWorld, { pickle }) {
  try {
    await probeLiveness(this, pickle.name);
  } catch (err) {
    this.notRun = true;
    throw new TargetUnreachableError(`target not answering before this case: ${(err as Error).message}`);
  }
});

/** Liveness after a destructive case: a server that stopped answering failed the case (one not run has nothing to prove). */
After({ tags: '@destructive' }, async function (this: WireWorld, { pickle }) {
  if (this.notRun || !currentSession()) return; // not run here (another lane's), or no target could be opened (npx cucumber-js)
  try {
    await probeLiveness(this, pickle.name);
  } catch (err) {
    throw new NonConformance(`the target stopped answering after this case: ${(err as Error).message}`);
  }
});

async function probeLiveness(world: WireWorld, caseName: string): Promise<void> {
  const current = session();
  try {
    await current.plugin.probe(world.endpoint, current.timeoutMs);
  } catch (err) {
    if (!world.instance || world.instance === serverTarget(current).main) current.hungSince = caseName;
    throw err;
  }
}

/**
 * Runs before the liveness hook above (cucumber runs After hooks in reverse order):
 * the scenario's clients must be gone first, or a one-client server could not answer the probe.
 */
After(async function (this: WireWorld, { result }) {
  const passed = result?.status === Status.PASSED;
  try {
    for (const finish of this.finishers.splice(0)) await finish(passed);
  } finally {
    // A finisher may fail the case; the clients, cleanups and the trace are seen to all the same.
    for (const driver of this.clients.values()) driver.destroy();
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
    if (this.instance && this.instance !== serverTarget().main) await this.instance.stop();
    if (!passed || this.trace.events.length > 0) this.attach(JSON.stringify(this.trace.events), TRACE_MEDIA);
  }
});
