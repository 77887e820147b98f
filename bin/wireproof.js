#!/usr/bin/env node
// The wireproof command: runs the compiled JavaScript of dist/ (`npm run build`; `prepare`
// builds it on `npm install` in a clone and on a git install).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const fail = (message) => {
  console.error(`wireproof: ${message}`);
  process.exit(2);
};
// In a checkout (src/ beside dist/), a dist/ older than the sources would run code no one wrote.
if (fs.existsSync(path.join(ROOT, 'src')) && require(path.join(ROOT, 'build.js')).distIsStale()) {
  fail('dist/ is missing or older than src/: run `npm run build`');
}
const { exitFlushed, ignoreClosedOutput } = require(path.join(ROOT, 'dist', 'cli', 'exit.js'));
ignoreClosedOutput();
require(path.join(ROOT, 'dist', 'cli', 'main.js')).main(process.argv.slice(2)).then(
  exitFlushed,
  (err) => fail(err && err.stack ? err.stack : err),
);
