#!/usr/bin/env node
// Entry point. `serve` runs from its bundle when it can (bin/bundle.mjs), so
// that a protocol server starts fast; everything else registers tsx so the
// TypeScript sources run as they are.
const args = process.argv.slice(2);
// A mistyped backend name is refused before the TypeScript loader costs its time.
const problem = args[0] === 'run' ? (await import('../harness/backend/names.mjs')).backendProblem(args.slice(1)) : undefined;
if (problem) console.error(problem);
const bundle = args.length === 1 && args[0] === 'serve' ? await (await import('./bundle.mjs')).serveBundle() : undefined;
if (problem) {
  process.exitCode = 2;
} else if (bundle) {
  const { serveMain } = await import(bundle);
  process.exitCode = await serveMain();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../harness/cli/main.ts');
  process.exitCode = await main(args);
}
