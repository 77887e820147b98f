import { parseCommand } from './args';
import { PROTOCOL_NAMES, protocolPlugin } from '../conform/protocols';
import { CLIENT_TARGET, listScenarios } from '../conform/cucumber';
import { faultCases } from '../conform/faults';
import { loadCaseNames } from '../conform/load';
import { loadSrs } from '../conform/srs';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';

const FAULT_KIND = 'fault case (--faults)';
/** Cases of client runs: the suite plays the server for a client under test. */
const CLIENT_RUN = '(--client)';

const HELP = `wireproof list: the requirements of srs.json and the cases that verify each

  --protocol NAME   only this protocol (${PROTOCOL_NAMES.join(', ')})
  --faults          also name each case \`conform --faults\` adds (by default only counted)
  --json            machine-readable output`;

export async function listCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    protocol: { type: 'string' },
    faults: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const srs = loadSrs();
  const protocols = values.protocol ? [values.protocol] : [...new Set(srs.map((r) => r.protocol))];
  const unknown = protocols.filter((p) => !srs.some((r) => r.protocol === p));
  if (unknown.length) throw new UsageError(`no requirements for protocol "${unknown.join(', ')}"`);
  const rows = [];
  for (const protocol of protocols) {
    const cases: { name: string; kind: string; ids: string[] }[] = [];
    if (PROTOCOL_NAMES.includes(protocol)) {
      const plugin = protocolPlugin(protocol);
      const scenarios = await listScenarios(protocol);
      for (const s of scenarios) cases.push({ name: s.name, kind: s.tags.includes(CLIENT_TARGET) ? `scenario ${CLIENT_RUN}` : 'scenario', ids: s.ids });
      for (const p of plugin.properties) cases.push({ name: p.name, kind: `${p.kind} property`, ids: p.ids });
      for (const p of plugin.client?.properties ?? []) cases.push({ name: p.name, kind: `live property ${CLIENT_RUN}`, ids: p.ids });
      const isCore = (id: string) => srs.some((r) => r.id === id && r.scope === 'core');
      for (const c of faultCases(plugin, scenarios, isCore)) cases.push({ name: c.name, kind: FAULT_KIND, ids: c.ids });
      for (const c of loadCaseNames(plugin)) cases.push({ ...c, kind: 'load case (--load)' });
    }
    for (const req of srs.filter((r) => r.protocol === protocol)) {
      const verifying = cases.filter((c) => c.ids.includes(req.id));
      const faults = verifying.filter((c) => c.kind === FAULT_KIND).length;
      const shown = values.faults ? verifying : verifying.filter((c) => c.kind !== FAULT_KIND);
      rows.push({ ...req, cases: shown.map(({ name, kind }) => ({ name, kind })), faultCases: faults });
    }
  }
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.id}  ${row.level.toUpperCase().padEnd(6)} ${row.scope.padEnd(6)} ${row.text}${row.target === 'client' ? ' [--client]' : ''}`);
    if (row.cases.length === 0 && row.faultCases === 0) lines.push('    (no case verifies it)');
    for (const c of row.cases) lines.push(`    ${c.kind}: ${c.name}`);
    if (!values.faults && row.faultCases > 0) lines.push(`    ${FAULT_KIND}: ${row.faultCases} (named with --faults)`);
  }
  console.log(lines.join('\n'));
  return EXIT.ok;
}
