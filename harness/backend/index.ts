// Backend selection by name: `reference` (default, in-process),
// `cmd:<argv...>` (a process speaking the wire protocol; argv split on
// white space, no shell involved) or `kernel[-X.Y]` (a kernel under qemu).
import type { Backend } from './interface.ts';
import { ProcessBackend, spawnChannel } from './process.ts';
import { kernelBackend } from './kernel.ts';
import { checkBackendName, KERNELS, referenceWithout } from './names.mjs';

export { BACKENDS, KERNELS, checkBackendName } from './names.mjs';

export interface BackendOptions { timeoutMs?: number }


/** Makes a backend; the reference engine is imported only when asked for, so that others start at once. */
export async function createBackend(name: string, opts: BackendOptions = {}): Promise<Backend> {
  checkBackendName(name);
  // The engine, as a test kernel or (reference-no<option>...) one built without some options:
  // -notest has no IOMMU_TEST_CMD, -nonoiommu only the stub of IOMMU_IOAS_NOIOMMU_GET_PA.
  const without = referenceWithout(name);
  if (without) {
    const { ReferenceBackend } = await import('./reference.ts');
    const { testKernelWithout } = await import('../../reference/config.ts');
    return new ReferenceBackend(testKernelWithout(without), name);
  }
  if (name.startsWith('cmd:')) {
    const argv = name.slice(4).trim().split(/\s+/).filter(Boolean);
    return new ProcessBackend({ name: argv.join(' '), timeoutMs: opts.timeoutMs ?? 10_000, connect: () => spawnChannel(argv) });
  }
  // The real kernel under qemu: `kernel` is the newest (7.3), `kernel-X.Y` a given one.
  return kernelBackend(/^kernel-(.+)$/.exec(name)?.[1] ?? KERNELS[0], opts.timeoutMs ?? 30_000);
}
