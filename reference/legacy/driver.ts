// The IOMMU driver behind the 2020 UAPI: the nesting callbacks of its ops
// (5.10's struct iommu_ops: cache_invalidate, sva_bind_gpasid,
// sva_unbind_gpasid, page_response) and what they keep for the one mock
// device. 'mock' is a VT-d-like driver with every capability, after
// intel_svm_bind_gpasid and intel_svm_unbind_gpasid of that time; 'bare' is
// a driver whose ops have none of these callbacks (most drivers of 5.10).
import { constant, constantNum } from '../../spec/loader/constants.ts';
import { EBUSY, EINVAL, ENOENT, ENOMEM } from '../errno.ts';
import type { FailNth } from '../fail.ts';
import { BIND, type BindData } from './layout.ts';

export type LegacyVendor = 'mock' | 'bare';

const FORMAT_INTEL_VTD = constantNum('IOMMU_PASID_FORMAT_INTEL_VTD');
const VTD_FLAGS = constant('IOMMU_SVA_VTD_GPASID_LAST') - 1n;
const PASID_MAX = constant('PASID_MAX');
const ADDR_WIDTH_4LEVEL = constantNum('ADDR_WIDTH_4LEVEL');
const GPASID_VAL = constant('IOMMU_SVA_GPASID_VAL');
/** The highest guest page directory the mock's second stage can hold (a 48-bit domain). */
const MAX_GPGD = (1n << 48n) - 1n;
const FEATURES = constantNum('IOMMU_NESTING_FEAT_SYSWIDE_PASID') | constantNum('IOMMU_NESTING_FEAT_BIND_PGTBL')
  | constantNum('IOMMU_NESTING_FEAT_CACHE_INVLD');

/** A page request reported with LAST_PAGE, waiting for its response (struct iommu_fault_event on fault_param->faults). */
export interface PendingRequest { grpid: number; pasid: number; needsPasid: boolean }

/** The mock device's nesting state: bound host PASIDs (with their guest PASID) and pending page requests. */
export class LegacyDevice {
  readonly bound = new Map<bigint, bigint | undefined>();
  readonly pending: PendingRequest[] = [];
  invalidations = 0;

  observe(): string {
    const b = [...this.bound].map(([h, g]) => `${h}${g === undefined ? '' : `->${g}`}`).join(',');
    const p = this.pending.map((r) => `${r.grpid}/${r.pasid}${r.needsPasid ? 'P' : ''}`).join(',');
    return `bound [${b}] pending [${p}] invalidations ${this.invalidations}`;
  }
}

export interface NestingOps {
  features: number;
  cacheInvalidate?(dev: LegacyDevice): number;
  svaBindGpasid?(dev: LegacyDevice, data: BindData, fail: FailNth): number;
  svaUnbindGpasid?(dev: LegacyDevice, pasid: bigint): number;
  pageResponse?(dev: LegacyDevice): number;
}

/** The vendor checks of a bind that come before it allocates (intel_svm_bind_gpasid's head). */
function bindArgs(dev: LegacyDevice, d: BindData): number {
  if (d.u32(BIND.format) !== FORMAT_INTEL_VTD) return -EINVAL;
  // The generic layer copied up to argsz; the vendor data must be all there.
  if (d.u32(BIND.argsz) < BIND.vtdEnd) return -EINVAL;
  if (d.u64(BIND.vtdFlags) & ~VTD_FLAGS) return -EINVAL;
  const hpasid = d.u64(BIND.hpasid);
  if (hpasid === 0n || hpasid >= PASID_MAX) return -EINVAL;
  return dev.bound.has(hpasid) ? -EBUSY : 0;
}

/** What the PASID entry takes (intel_pasid_setup_nested): a four-level guest table inside the domain. */
function nestedEntry(d: BindData): number {
  if (d.u32(BIND.addrWidth) !== ADDR_WIDTH_4LEVEL) return -EINVAL;
  return d.u64(BIND.gpgd) > MAX_GPGD ? -EINVAL : 0;
}

const mock: NestingOps = {
  features: FEATURES,
  cacheInvalidate(dev) { dev.invalidations++; return 0; },
  svaBindGpasid(dev, d, fail) {
    const rc = bindArgs(dev, d);
    if (rc) return rc;
    // The svm and its device entry are allocated before the PASID entry is checked.
    if (fail.shouldFail() || fail.shouldFail()) return -ENOMEM;
    const entry = nestedEntry(d);
    if (entry) return entry;
    dev.bound.set(d.u64(BIND.hpasid), d.u64(BIND.flags) & GPASID_VAL ? d.u64(BIND.gpasid) : undefined);
    return 0;
  },
  svaUnbindGpasid(dev, pasid) {
    if (pasid >= PASID_MAX) return -EINVAL;
    // The mock's PASIDs live from bind to unbind: one not bound is one ioasid_find does not find.
    return dev.bound.delete(pasid) ? 0 : -ENOENT;
  },
  pageResponse() { return 0; },
};

export const DRIVERS: Record<LegacyVendor, NestingOps> = { mock, bare: { features: 0 } };
