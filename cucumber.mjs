// Cucumber's configuration. tsx is registered by the first import so that
// the TypeScript step definitions load (the `loader` option fails on Node 20);
// cucumber-support.ts reports a scenario a backend cannot run as skipped, not failed.
export default {
  import: ['steps/support/register.mjs', 'harness/report/cucumber-support.ts', 'steps/**/*.ts'],
  worldParameters: { backend: 'reference' },
};
