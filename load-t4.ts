const { loadRequirementIds } = require('./src/conform/load');
const { protocolPlugin } = require('./src/conform/protocols');
console.log(loadRequirementIds(protocolPlugin('channel'), {}));
