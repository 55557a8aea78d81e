// The 2020 IOMMU UAPI as its own profile of the engine: one entry point that
// runs an operation of that API (reference/legacy/iommu.ts) for a process,
// against the mock device and the driver named. Its state is the process's
// one mock device (bound PASIDs, pending page requests).
import type { Process } from '../process.ts';
import { EINVAL } from '../errno.ts';
import { DRIVERS, LegacyDevice, type LegacyVendor } from './driver.ts';
import { handlers, type LegacyOp } from './iommu.ts';

export type { LegacyOp, LegacyVendor };
export { LegacyDevice };

/** The operations, in the order the documentation names them, then the mock device's fault and the feature report. */
export const LEGACY_OPS = Object.keys(handlers) as LegacyOp[];

const devices = new WeakMap<Process, LegacyDevice>();

/** The process's mock device (made on first use). */
export function legacyDevice(proc: Process): LegacyDevice {
  let d = devices.get(proc);
  if (!d) devices.set(proc, d = new LegacyDevice());
  return d;
}

/** Runs op with the caller's user pointer uptr: 0 or -errno (EINVAL for a name that is no operation). */
export function legacyUapi(proc: Process, op: string, uptr: number, vendor: LegacyVendor = 'mock'): number {
  if (!Object.hasOwn(handlers, op) || !Object.hasOwn(DRIVERS, vendor)) return -EINVAL;
  return handlers[op as LegacyOp]({ mm: proc.mm, uptr, dev: legacyDevice(proc), ops: DRIVERS[vendor], fail: proc.fail });
}
