import { setWorldConstructor, World, setDefaultTimeout } from '@cucumber/cucumber';
import { WireDriver, type Endpoint } from '../conform/driver';
import { TraceRecorder } from '../conform/trace';
import { serverTarget, session } from '../conform/session';
import type { TargetInstance } from '../conform/target';

/** The suite's own limit on one step; a step that hits it is an ERROR, not a FAIL. */
setDefaultTimeout(60_000);

/**
 * One scenario's state: the target instance it talks to, its named raw clients,
 * and the trace of every connection it opened.
 */
export class WireWorld extends World {
  readonly trace = new TraceRecorder();
  readonly clients = new Map<string, WireDriver>();
  /** The scenario's name (set by the first Before hook), for messages that cite the case which found something. */
  caseName = '';
  /** Set when this run of the case did nothing: another lane runs it, or the target had stopped answering before it (src/steps/hooks.ts). */
  notRun = false;
  /** Set for @stops-server scenarios: their own server instance. */
  instance: TargetInstance | undefined;
  /** Closed in After: servers and clients a scenario starts besides the target. */
  readonly cleanups: (() => unknown)[] = [];
  /**
   * Run in After while the scenario's clients are still connected, told whether the steps
   * passed: a protocol's way of leaving the target as it found it (cobra steps a program
   * still running to its end), or of a last judgement (a client under test must exit 0).
   */
  readonly finishers: ((passed: boolean) => unknown)[] = [];

  get endpoint(): Endpoint {
    return (this.instance ?? serverTarget().main).endpoint;
  }

  /** The target's root directory when the suite owns it (TargetInstance.root), else undefined. */
  get root(): string | undefined {
    return (this.instance ?? serverTarget().main).root;
  }

  get timeoutMs(): number {
    return session().timeoutMs;
  }

  /** A quiet period long enough to trust that nothing is coming, scaled like every wait. */
  quietMs(ms = 300): number {
    return ms * session().timeoutScale;
  }

  async connect(name: string, endpoint = this.endpoint): Promise<WireDriver> {
    this.clients.get(name)?.destroy();
    const driver = await WireDriver.connect(endpoint, this.trace, this.timeoutMs);
    this.clients.set(name, driver);
    return driver;
  }

  client(name: string): WireDriver {
    const driver = this.clients.get(name);
    if (!driver) throw new Error(`no client named "${name}" in this scenario`);
    return driver;
  }

  /** Records something the case observed (INFO cases show it as their message). */
  observe(text: string): void {
    this.attach(text, 'text/vnd.wireproof.observed');
  }
}

setWorldConstructor(WireWorld);
