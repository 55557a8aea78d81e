// Starts the run's backend at once, before the harness loads cucumber and the
// steps, so that a process or a VM boots meanwhile. A bad name is known before
// the backend modules load.
import { checkBackendName } from './names.mjs';
import { presetBackend } from './preset.ts';

export function startBackend(opts: { backend: string; timeoutMs?: number }): void {
  presetBackend((async () => {
    checkBackendName(opts.backend);
    const { createBackend } = await import('./index.ts');
    const b = await createBackend(opts.backend, { timeoutMs: opts.timeoutMs });
    await b.init();
    return b;
  })());
}
