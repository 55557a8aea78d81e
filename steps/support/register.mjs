// Loaded first by cucumber (see cucumber.mjs): lets it import the TypeScript
// step definitions. The `loader` option fails on Node 20, register() works.
import { register } from 'tsx/esm/api';

register();
