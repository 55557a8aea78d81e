// The generic IOMMU layer's UAPI entry points of Linux 5.10 to 5.17
// (drivers/iommu/iommu.c): iommu_uapi_cache_invalidate,
// iommu_uapi_sva_bind_gpasid, iommu_uapi_sva_unbind_gpasid, and
// iommu_page_response with the fault report it answers. VFIO was to call them
// with the caller's user pointer (its ioctls were never merged), so they are
// entry points of their own here, not ioctls of /dev/iommu. Each checks the
// size and the content the generic way, then hands the kernel copy to the
// driver's callback; every answer is 0 or -errno, whatever the bytes.
import { constant, constantNum } from '../../spec/loader/constants.ts';
import { EFAULT, EINVAL, ENODEV, ENOMEM } from '../errno.ts';
import type { FailNth } from '../fail.ts';
import type { AddressSpace } from '../usermem.ts';
import type { LegacyDevice, NestingOps } from './driver.ts';
import { BIND, CACHE, FAULT, KernelCopy, RESP } from './layout.ts';

/** One call: the caller's memory and pointer, the device, and the driver's ops. */
export interface LegacyCall { mm: AddressSpace; uptr: number; dev: LegacyDevice; ops: NestingOps; fail: FailNth }

const num = constantNum;
const GRANU_DOMAIN = num('IOMMU_INV_GRANU_DOMAIN');
const GRANU_PASID = num('IOMMU_INV_GRANU_PASID');
const GRANU_ADDR = num('IOMMU_INV_GRANU_ADDR');
const GRANU_NR = num('IOMMU_INV_GRANU_NR');
const CACHE_TYPES = (1 << num('IOMMU_CACHE_INV_TYPE_NR')) - 1;
/** The N/A cells of the documented cache/granularity table: the cache type each granularity cannot serve. */
const NOT_SERVED: Record<number, number> = {
  [GRANU_DOMAIN]: num('IOMMU_CACHE_INV_TYPE_DEV_IOTLB'),
  [GRANU_PASID]: 0,
  [GRANU_ADDR]: num('IOMMU_CACHE_INV_TYPE_PASID'),
};
/** The flags each granularity's info may carry. */
const INFO_FLAGS: Record<number, { at: number; known: number }> = {
  [GRANU_PASID]: { at: CACHE.pasidFlags, known: num('IOMMU_INV_PASID_FLAGS_PASID') | num('IOMMU_INV_PASID_FLAGS_ARCHID') },
  [GRANU_ADDR]: {
    at: CACHE.addrFlags,
    known: num('IOMMU_INV_ADDR_FLAGS_PASID') | num('IOMMU_INV_ADDR_FLAGS_ARCHID') | num('IOMMU_INV_ADDR_FLAGS_LEAF'),
  },
};
/** What argsz must reach for a granularity whose info is read. */
const INFO_END: Record<number, number> = { [GRANU_PASID]: CACHE.pasidEnd, [GRANU_ADDR]: CACHE.addrEnd };

/** copy_from_user of len bytes at off of the caller's struct into the kernel copy: false on a fault. */
function copyIn(c: LegacyCall, k: KernelCopy, off: number, len: number): boolean {
  if (len === 0) return true;
  if (c.uptr < 0) return false;
  return c.mm.copyFrom(c.uptr + off, k.bytes.subarray(off, off + len)) >= 0;
}

/**
 * The size rule of the mandatory-part structs: the part before the union is
 * read first and must be all there by argsz; then at most the kernel's size,
 * so a newer caller's longer struct is cut to what this kernel knows.
 */
function copySized(c: LegacyCall, k: KernelCopy, minsz: number, needs: (k: KernelCopy) => number): number {
  if (!copyIn(c, k, 0, minsz)) return -EFAULT;
  const argsz = k.u32(0);
  if (argsz < needs(k)) return -EINVAL;
  return copyIn(c, k, minsz, Math.min(argsz, k.bytes.length) - minsz) ? 0 : -EFAULT;
}

/** iommu_check_cache_invl_data: version, known bits, the table's combinations, zero padding. */
function checkCacheInvlData(k: KernelCopy): number {
  if (k.u32(CACHE.version) !== num('IOMMU_CACHE_INVALIDATE_INFO_VERSION_1')) return -EINVAL;
  const cache = k.u8(CACHE.cache);
  const granu = k.u8(CACHE.granularity);
  if (cache & ~CACHE_TYPES || granu >= GRANU_NR) return -EINVAL;
  if (cache & NOT_SERVED[granu]!) return -EINVAL;
  const flags = INFO_FLAGS[granu];
  if (flags && k.u32(flags.at) & ~flags.known) return -EINVAL;
  return k.zero(CACHE.padding, CACHE.paddingLen) ? 0 : -EINVAL;
}

function cacheInvalidate(c: LegacyCall): number {
  if (!c.ops.cacheInvalidate) return -ENODEV;
  const k = new KernelCopy(CACHE.size);
  const rc = copySized(c, k, CACHE.minsz, (m) => INFO_END[m.u8(CACHE.granularity)] ?? CACHE.minsz)
    || checkCacheInvlData(k);
  return rc || c.ops.cacheInvalidate(c.dev);
}

/** iommu_check_bind_data: version, a format below IOMMU_PASID_FORMAT_LAST, known flags, zero padding. */
function checkBindData(k: KernelCopy): number {
  if (k.u32(BIND.version) !== num('IOMMU_GPASID_BIND_VERSION_1')) return -EINVAL;
  if (k.u32(BIND.format) >= num('IOMMU_PASID_FORMAT_LAST')) return -EINVAL;
  if (k.u64(BIND.flags) & ~constant('IOMMU_SVA_GPASID_VAL')) return -EINVAL;
  return k.zero(BIND.padding, BIND.paddingLen) ? 0 : -EINVAL;
}

/** iommu_sva_prepare_bind_data: the size rule, then the generic content checks; the driver sees argsz as given. */
function prepareBindData(c: LegacyCall): KernelCopy | number {
  const k = new KernelCopy(BIND.size);
  return copySized(c, k, BIND.minsz, () => BIND.minsz) || checkBindData(k) || k;
}

function svaBindGpasid(c: LegacyCall): number {
  if (!c.ops.svaBindGpasid) return -ENODEV;
  const k = prepareBindData(c);
  return typeof k === 'number' ? k : c.ops.svaBindGpasid(c.dev, k, c.fail);
}

function svaUnbindGpasid(c: LegacyCall): number {
  // The kernel asks for the bind callback here, then for the unbind one.
  if (!c.ops.svaBindGpasid) return -ENODEV;
  const k = prepareBindData(c);
  if (typeof k === 'number') return k;
  if (!c.ops.svaUnbindGpasid) return -ENODEV;
  // The PASID goes on as an ioasid_t: the low 32 bits of hpasid.
  return c.ops.svaUnbindGpasid(c.dev, BigInt.asUintN(32, k.u64(BIND.hpasid)));
}

/**
 * iommu_page_response. The kernel took a kernel struct from its caller; this
 * entry point copies the whole struct from the user pointer, as VFIO would
 * have, and like the kernel never reads argsz.
 */
function pageResponse(c: LegacyCall): number {
  if (!c.ops.pageResponse) return -ENODEV;
  const k = new KernelCopy(RESP.size);
  if (!copyIn(c, k, 0, RESP.size)) return -EFAULT;
  const flags = k.u32(RESP.flags);
  const pasidValid = num('IOMMU_PAGE_RESP_PASID_VALID');
  if (k.u32(RESP.version) !== num('IOMMU_PAGE_RESP_VERSION_1') || flags & ~pasidValid) return -EINVAL;
  const hasPasid = (flags & pasidValid) !== 0;
  const grpid = k.u32(RESP.grpid);
  const pasid = k.u32(RESP.pasid);
  // The first pending request of the group; one that needs a PASID matches only a response carrying the same one.
  const at = c.dev.pending.findIndex((r) => r.grpid === grpid && (!r.needsPasid || (hasPasid && r.pasid === pasid)));
  if (at < 0) return -EINVAL;
  const rc = c.ops.pageResponse(c.dev);
  c.dev.pending.splice(at, 1);
  return rc;
}

/**
 * iommu_report_device_fault, which the mock device calls with the struct
 * iommu_fault at the user pointer (the engine's stand-in for hardware): the
 * last page request of a group is kept until its response.
 */
function reportDeviceFault(c: LegacyCall): number {
  const k = new KernelCopy(FAULT.size);
  if (!copyIn(c, k, 0, FAULT.size)) return -EFAULT;
  const flags = k.u32(FAULT.prmFlags);
  if (k.u32(FAULT.type) !== num('IOMMU_FAULT_PAGE_REQ') || !(flags & num('IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE'))) return 0;
  if (c.fail.shouldFail()) return -ENOMEM;
  const needsPasid = (flags & num('IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID')) !== 0;
  c.dev.pending.push({ grpid: k.u32(FAULT.prmGrpid), pasid: k.u32(FAULT.prmPasid), needsPasid });
  return 0;
}

/** The nesting features the driver reports (a u32 of IOMMU_NESTING_FEAT_* bits at the user pointer). */
function nestingFeatures(c: LegacyCall): number {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, c.ops.features, true);
  return c.uptr >= 0 && c.mm.copyTo(c.uptr, out) >= 0 ? 0 : -EFAULT;
}

export const handlers = {
  cache_invalidate: cacheInvalidate,
  sva_bind_gpasid: svaBindGpasid,
  sva_unbind_gpasid: svaUnbindGpasid,
  page_response: pageResponse,
  report_device_fault: reportDeviceFault,
  nesting_features: nestingFeatures,
} satisfies Record<string, (c: LegacyCall) => number>;

export type LegacyOp = keyof typeof handlers;
