// Physical addresses as the backend's process sees them (/proc/self/pagemap
// through the physAddr process op); a backend without the op makes the
// scenario not applicable.
import assert from 'node:assert/strict';
import { BackendSkipped } from '../../harness/backend/interface.ts';
import type { IommufdWorld } from './world.ts';

/** What the current process's /proc/self/pagemap says is the physical address behind addr. */
export async function physAddr(w: IommufdWorld, addr: bigint): Promise<bigint> {
  if (w.backend.info.processOps && !w.backend.info.processOps.includes('physAddr')) {
    throw new BackendSkipped('not applicable: the backend cannot read /proc/self/pagemap (no physAddr)');
  }
  const r = await w.backend.physAddr(addr);
  assert.ok(!r.errno && r.addr !== undefined, `pagemap of 0x${addr.toString(16)}: ${w.errnoName(r.errno)}`);
  return r.addr;
}
