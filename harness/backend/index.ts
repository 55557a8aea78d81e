// Backend selection by name: `reference` (default, in-process) or
// `cmd:<argv...>` (a process speaking the wire protocol; argv split on
// white space, no shell involved).
import type { Backend } from './interface.ts';
import { ProcessBackend, spawnChannel } from './process.ts';
import { kernelBackend } from './kernel.ts';

export const BACKENDS = ['reference', 'cmd:<argv...>', 'kernel', 'kernel-6.12'] as const;

export interface BackendOptions { timeoutMs?: number }

/** Makes a backend; the reference engine is imported only when asked for, so that others start at once. */
export async function createBackend(name: string, opts: BackendOptions = {}): Promise<Backend> {
  if (name === 'reference') return new (await import('./reference.ts')).ReferenceBackend();
  if (name.startsWith('cmd:')) {
    const argv = name.slice(4).trim().split(/\s+/).filter(Boolean);
    if (!argv.length) throw new Error('cmd: needs a program to run, e.g. cmd:node bin/iommufd-conform.mjs serve');
    return new ProcessBackend({ name: argv.join(' '), timeoutMs: opts.timeoutMs ?? 10_000, connect: () => spawnChannel(argv) });
  }
  // The real kernel under qemu: `kernel` is the newest (7.3), `kernel-X.Y` a given one.
  const k = /^kernel(?:-(\d+\.\d+))?$/.exec(name);
  if (k) return kernelBackend(k[1] ?? '7.3', opts.timeoutMs ?? 30_000);
  throw new Error(`unknown backend '${name}' (known: ${BACKENDS.join(', ')})`);
}
