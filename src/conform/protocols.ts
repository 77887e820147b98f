import type { ProtocolPlugin } from './protocol';
import { UsageError } from './errors';

/**
 * Every protocol the suite verifies. Loaded on first use, so `conform --protocol X`
 * loads only X. A new protocol adds one line here and a folder src/conform/<name>/.
 */
const PLUGINS: Record<string, () => ProtocolPlugin> = {
  oneline: () => require('./oneline/plugin').onelinePlugin,
  cobra: () => require('./cobra/plugin').cobraPlugin,
  channel: () => require('./channel/plugin').channelPlugin,
  echo: () => require('./echo/plugin').echoPlugin,
  lenmsg: () => require('./lenmsg/plugin').lenmsgPlugin,
  rpc: () => require('./rpc/plugin').rpcPlugin,
  http: () => require('./http/plugin').httpPlugin,
};

export const PROTOCOL_NAMES = Object.keys(PLUGINS);

export function protocolPlugin(name: string): ProtocolPlugin {
  const load = PLUGINS[name];
  if (!load) throw new UsageError(`unknown protocol "${name}" (known: ${PROTOCOL_NAMES.join(', ')})`);
  return load();
}
