// Cucumber's configuration. tsx is registered by the first import so that
// the TypeScript step definitions load (the `loader` option fails on Node 20).
export default {
  import: ['steps/support/register.mjs', 'steps/**/*.ts'],
  worldParameters: { backend: 'reference' },
};
