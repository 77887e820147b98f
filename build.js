#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`): compiles src/ to dist/ with tsconfig.build.json, copies
 * the files of src/ that are not TypeScript (the Python helpers) beside their modules, where
 * the compiled code finds them through __dirname, compiles srs.schema.json to JavaScript
 * (dist/conform/srs-schema.js, ajv's standalone code) and indexes the scenarios of every feature
 * file by the hash of its text (dist/conform/scenario-index.json). dist/ is rebuilt from nothing, so that
 * no file of a deleted source lingers (a stale step file would still be loaded).
 *
 * `node build.js --if-stale` (buildIfStale) builds only when something dist/ is made from changed
 * since the last build: the npm scripts and cucumber.js call it so, as the steps that run the
 * `wireproof` command run dist/; bin/wireproof.js refuses a stale dist/ in a checkout (distIsStale).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = __dirname;
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
/** Written last by a build that succeeded: its time is the build's, its text the sources it built. */
const STAMP = path.join(DIST, '.built');
/** What dist/ is made from besides src/. */
const INPUTS = ['build.js', 'tsconfig.json', 'tsconfig.build.json', 'srs.schema.json'].map((file) => path.join(ROOT, file));

/** The files of src/ (Python's __pycache__ aside), relative to it, sorted. */
function sources() {
  return fs.readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !path.relative(SRC, entry.parentPath).split(path.sep).includes('__pycache__'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** True when dist/ is missing or unfinished, a source was added or removed since, or anything it is made from is newer. */
function distIsStale() {
  let built;
  try {
    built = { time: fs.statSync(STAMP).mtimeMs, sources: fs.readFileSync(STAMP, 'utf8') };
  } catch {
    return true;
  }
  const now = sources();
  if (built.sources !== now.join('\n')) return true;
  return [...now.map((file) => path.join(SRC, file)), ...INPUTS].some((file) => fs.statSync(file).mtimeMs > built.time);
}

function build() {
  const started = new Date(); // a source changed while tsc runs is newer than the stamp: the next check rebuilds
  const built = sources();
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const others = built.filter((file) => !file.endsWith('.ts'));
  for (const file of others) {
    fs.mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
    fs.copyFileSync(path.join(SRC, file), path.join(DIST, file));
  }
  fs.writeFileSync(path.join(DIST, 'conform', 'srs-schema.js'), require('./dist/conform/srs').precompiledSchemaSource());
  fs.writeFileSync(path.join(DIST, 'conform', 'scenario-index.json'), JSON.stringify(require('./dist/conform/cucumber').buildScenarioIndex()));
  fs.writeFileSync(STAMP, built.join('\n'));
  fs.utimesSync(STAMP, started, started);
  console.error(`build: src/ compiled to dist/, ${others.length} other file(s) copied beside their modules, srs.schema.json precompiled, scenarios indexed`);
}

/** Builds when dist/ is stale: for what runs dist/ from a checkout (npm scripts, cucumber.js). */
function buildIfStale() {
  if (distIsStale()) build();
}

if (require.main === module) {
  if (process.argv.includes('--if-stale')) buildIfStale();
  else build();
}

module.exports = { distIsStale, buildIfStale };
