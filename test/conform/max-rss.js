/**
 * Preloaded (node --require) into a wireproof CLI run by test/conform/hostile.test.ts: at exit
 * it writes the process's peak resident memory, in bytes, to the file WIREPROOF_MAX_RSS_FILE names.
 */
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  // resourceUsage().maxRSS is in KiB.
  fs.writeFileSync(process.env.WIREPROOF_MAX_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
