/**
 * The profiles of cucumber.js: `default` runs every protocol's features, and one profile per
 * protocol runs its own (`npx cucumber-js -p oneline`); a feature path or --tags narrows either.
 * Each loads the step files of its protocols (as `wireproof conform` does) after hooks.ts of this
 * folder. None sets `paths`: plugin.js keeps the scenarios of the profile's protocols instead.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stepFiles } from '../../conform/cucumber';
import { PROTOCOL_NAMES } from '../../conform/protocols';

function profile(protocols: readonly string[]) {
  return {
    require: [path.join(__dirname, `hooks${path.extname(__filename)}`), ...stepFiles(protocols)],
    plugin: [pathToFileURL(path.join(__dirname, 'plugin.js')).href],
    pluginOptions: { wireproof: { protocols } },
    format: ['progress'],
    // A broken SHOULD is cucumber's pending: it fails the run only with --strict, as in `wireproof conform`.
    strict: false,
  };
}

export function cucumberProfiles(): Record<string, ReturnType<typeof profile>> {
  return { default: profile(PROTOCOL_NAMES), ...Object.fromEntries(PROTOCOL_NAMES.map((p) => [p, profile([p])])) };
}
