#!/usr/bin/env node
// The wireproof command: runs the TypeScript sources through ts-node (transpile only;
// `npm run typecheck` is the type check).
'use strict';
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
require('../src/cli/main').main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`wireproof: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  },
);
