/**
 * The cucumber-js plugin of the profiles in cucumber.js (profiles.ts). Plain JavaScript:
 * cucumber loads plugins with import(), which ts-node's require hook does not reach.
 *
 * - keeps the scenarios of the profile's protocols (the folder under features/), so that no
 *   profile needs `paths`, which cucumber would merge with a path given on the command line;
 * - runs them protocol by protocol (one session each, as `wireproof conform`), and within a
 *   protocol the @stops-server scenarios last (CONFORMANCE.md, Targets), whatever --order says;
 * - refuses one WIREPROOF_TARGET or WIREPROOF_SPAWN for scenarios of several protocols;
 * - leaves out the @client-target scenarios: they judge a client, which only
 *   `wireproof conform --client` starts.
 */
'use strict';

const STOPS_SERVER = '@stops-server';
const CLIENT_TARGET = '@client-target';

/** features/<protocol>/...feature → protocol. */
function protocolOf(uri) {
  const parts = uri.split(/[\\/]/);
  return parts[parts.lastIndexOf('features') + 1];
}

module.exports = {
  type: 'plugin',
  optionsKey: 'wireproof',
  coordinator({ transform, options, environment }) {
    const protocols = options.protocols ?? [];
    transform('pickles:filter', (pickles) => {
      const kept = pickles.filter(({ pickle }) => protocols.includes(protocolOf(pickle.uri)) && !pickle.tags.some((t) => t.name === CLIENT_TARGET));
      const running = [...new Set(kept.map(({ pickle }) => protocolOf(pickle.uri)))];
      const named = ['WIREPROOF_TARGET', 'WIREPROOF_SPAWN'].find((name) => environment.env[name]);
      if (named && running.length > 1) {
        throw new Error(`${named} names one server, but scenarios of ${running.join(', ')} would run: choose one protocol (-p NAME, or its feature files)`);
      }
      return kept;
    });
    transform('pickles:order', (pickles) => {
      const protocolRank = [...new Set(pickles.map(({ pickle }) => protocolOf(pickle.uri)))];
      const rank = ({ pickle }) => 2 * protocolRank.indexOf(protocolOf(pickle.uri)) + (pickle.tags.some((t) => t.name === STOPS_SERVER) ? 1 : 0);
      return [...pickles].sort((a, b) => rank(a) - rank(b)); // stable: cucumber's order within each rank
    });
  },
};
