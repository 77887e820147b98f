const t0 = performance.now();
require('./src/conform/run');
console.log('run.ts', ((performance.now() - t0)).toFixed(0), 'ms', Object.keys(require.cache).length, 'modules');
