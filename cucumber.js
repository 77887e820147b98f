// cucumber-js configuration: `npx cucumber-js` runs every protocol's features against its embedded
// reference server, `npx cucumber-js -p oneline` one protocol's; a feature path or --tags narrows
// either, and WIREPROOF_TARGET / WIREPROOF_SPAWN name the server (README: "The features under
// cucumber-js"). `wireproof conform` runs the same features through cucumber's API (src/conform/cucumber.ts).
require('./build').buildIfStale(); // the steps that run the `wireproof` command run dist/
require('ts-node').register({ transpileOnly: true });
module.exports = require('./src/steps/standalone/profiles').cucumberProfiles();
