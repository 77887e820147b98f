// cucumber-js configuration, for running the features directly (`npx cucumber-js`).
// `wireproof conform` runs the same features through cucumber's API (src/conform/cucumber.ts).
module.exports = {
  default: {
    requireModule: ['ts-node/register'],
    require: ['src/steps/**/*.ts'],
    paths: ['features/**/*.feature'],
    format: ['summary'],
  },
};
