const t0 = performance.now();
require('./src/conform/protocols').protocolPlugin(process.argv[2]);
console.log(process.argv[2], ((performance.now() - t0)).toFixed(0), 'ms', Object.keys(require.cache).length, 'modules');
