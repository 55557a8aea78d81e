// Backend selection by name: `reference` (default, in-process). Other kinds
// (a process speaking the wire protocol, the real kernel) plug in here.
import type { Backend } from './interface.ts';
import { ReferenceBackend } from './reference.ts';

export const BACKENDS = ['reference'] as const;

export function createBackend(name: string): Backend {
  if (name === 'reference') return new ReferenceBackend();
  throw new Error(`unknown backend '${name}' (known: ${BACKENDS.join(', ')})`);
}
