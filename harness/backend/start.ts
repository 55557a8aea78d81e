// Starts the run's backend at once, before the harness loads cucumber and the
// steps, so that a process or a VM boots meanwhile.
import { createBackend } from './index.ts';
import { presetBackend } from './preset.ts';

export function startBackend(opts: { backend: string; timeoutMs?: number }): void {
  presetBackend(createBackend(opts.backend, { timeoutMs: opts.timeoutMs }).then(async (b) => { await b.init(); return b; }));
}
