// `iommufd-conform serve`: the reference engine as a wire-protocol server on
// standard input and output. Also the entry of the serve bundle (bin/bundle.mjs).
import type { Backend } from '../backend/interface.ts';
import type { ServeEnd } from '../backend/server.ts';

/**
 * What stops serve before it answers anything, one line per problem: a spec/
 * problem is a SpecError whose message is already file:line: message, and it
 * is not the user's business where in the engine the spec was loaded.
 */
function report(e: unknown): void {
  const errs = e instanceof AggregateError ? e.errors : [e];
  for (const err of errs) {
    const spec = err instanceof Error && err.name === 'SpecError';
    process.stderr.write(`${spec ? err.message : String((err as Error)?.stack ?? err)}\n`);
  }
}

export async function serveMain(): Promise<number> {
  // Imported here, not above: the engine loads spec/ as its modules load, and a
  // broken spec/ must be reported rather than crash the import.
  let run: (b: Backend) => Promise<ServeEnd>;
  let backend: Backend;
  try {
    const [{ serve }, { ReferenceBackend }] = await Promise.all([import('../backend/server.ts'), import('../backend/reference.ts')]);
    backend = new ReferenceBackend();
    run = (b) => serve(b, process.stdin, process.stdout);
  } catch (e) {
    report(e);
    return 2;
  }
  return (await run(backend)) === 'broken' ? 1 : 0;
}
