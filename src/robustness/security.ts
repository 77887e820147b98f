/**
 * The report's security section: where each reference server binds by default (read
 * from the process's own sockets), the hostile requests the conformance run already
 * made (cobra's root jail, rpc exposure, http traversal: counted from its results, not
 * run again), and the scan for evaluation of received data.
 */
import path from 'node:path';
import { resolveServeOptions } from '../cli/serve';
import { PROJECT_ROOT } from '../conform/srs';
import type { AttemptSummary, BindAddressCheck, CaseResult, RequirementResult, SecuritySection } from '../report/types';
import { referenceServer, ServerProcess } from './process';
import { scanForEvaluation } from './scan';

const LOOPBACK = '127.0.0.1';

/** A family of hostile requests, by the requirements its cases verify. */
interface AttemptFamily {
  name: string;
  protocol: string;
  requirements: string[];
  /** Scenarios of those requirements that check an allowed request (a link inside the root), not an attempt. */
  control?: RegExp;
}

export const ATTEMPT_FAMILIES: readonly AttemptFamily[] = [
  { name: 'cobra root jail', protocol: 'cobra', requirements: ['SRS-COBRA-004', 'SRS-COBRA-005', 'SRS-COBRA-006', 'SRS-COBRA-007'], control: /stays inside the root/ },
  // Unexposed names asked for in json and in serpent, and serpent bodies that would run something if evaluated.
  { name: 'rpc exposure', protocol: 'rpc', requirements: ['SRS-RPC-017', 'SRS-RPC-063'] },
  { name: 'http traversal', protocol: 'http', requirements: ['SRS-HTTP-006', 'SRS-HTTP-007', 'SRS-HTTP-008', 'SRS-HTTP-013', 'SRS-HTTP-020'], control: /stays inside the root/ },
];

/** The issue asks for at least this many variants of each family. */
export const MINIMUM_VARIANTS = 20;

/** Starts each protocol's reference server with its defaults (ports 0) and reads the addresses it listens on. */
export async function checkBindAddresses(protocols: string[]): Promise<BindAddressCheck[]> {
  return Promise.all(protocols.map(async (protocol): Promise<BindAddressCheck> => {
    const defaultHost = resolveServeOptions(protocol, {}).host;
    let server: ServerProcess | undefined;
    try {
      server = await ServerProcess.start(referenceServer(protocol));
      const listening = server.listening();
      const wrong = listening.filter((address) => !address.startsWith(`${LOOPBACK}:`));
      const pass = defaultHost === LOOPBACK && listening.length > 0 && wrong.length === 0;
      const note = pass ? undefined : defaultHost !== LOOPBACK ? `serve defaults to ${defaultHost}` : listening.length === 0 ? 'no listening socket found' : `listens beyond loopback: ${wrong.join(', ')}`;
      return { protocol, defaultHost, listening, verdict: pass ? 'PASS' : 'FAIL', ...(note ? { note } : {}) };
    } catch (err) {
      return { protocol, defaultHost, listening: [], verdict: 'FAIL', note: (err as Error).message };
    } finally {
      await server?.stop();
    }
  }));
}

/** Counts a family's variants and refusals from the conformance results. */
export function summarizeAttempts(family: AttemptFamily, requirements: readonly RequirementResult[]): AttemptSummary {
  const results = requirements.filter((r) => family.requirements.includes(r.id));
  const isVariant = (c: CaseResult) => c.kind === 'scenario' && !family.control?.test(c.name);
  const cases = [...new Map(results.flatMap((r) => r.cases).map((c) => [c.name, c])).values()];
  const variants = cases.filter(isVariant);
  const byRequirement = results.map((r) => {
    const tried = r.cases.filter(isVariant);
    return { id: r.id, variants: tried.length, refused: tried.filter((c) => c.verdict === 'PASS').length };
  });
  const properties = cases.filter((c) => c.kind === 'property').map((c) => ({ name: c.name, verdict: c.verdict }));
  const notRefused = variants.filter((c) => c.verdict !== 'PASS').map((c) => `${c.name} (${c.verdict})`);
  const refused = variants.length - notRefused.length;
  const verdict = results.length === 0
    ? 'NOT RUN'
    : variants.length >= MINIMUM_VARIANTS && notRefused.length === 0 && properties.every((p) => p.verdict === 'PASS') ? 'PASS' : 'FAIL';
  return {
    name: family.name, requirements: family.requirements, variants: variants.length, refused, minimumVariants: MINIMUM_VARIANTS,
    byRequirement, variantNames: variants.map((c) => c.name), notRefused, properties, verdict,
  };
}

export async function securitySection(protocols: string[], requirements: readonly RequirementResult[]): Promise<SecuritySection> {
  const bindAddresses = await checkBindAddresses(protocols);
  const attempts = ATTEMPT_FAMILIES.map((family) => summarizeAttempts(family, requirements));
  const evaluation = scanForEvaluation([path.join(PROJECT_ROOT, 'src'), path.join(PROJECT_ROOT, 'bin')], PROJECT_ROOT);
  const verdicts = [...bindAddresses, ...attempts, evaluation].map((part) => part.verdict);
  return { verdict: verdicts.includes('FAIL') ? 'FAIL' : 'PASS', bindAddresses, attempts, evaluation };
}
