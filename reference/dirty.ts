// Dirty tracking of paging HWPTs (hw_pagetable.c, io_pagetable.c):
// IOMMU_HWPT_SET_DIRTY_TRACKING turns the domain's tracking on or off, first
// clearing every dirty IOPTE when it turns it on; IOMMU_HWPT_GET_DIRTY_BITMAP
// checks the range and reads the dirty IOPTEs of the areas that cover it
// without a gap from iova on into the user bitmap, clearing them unless
// NO_CLEAR. Only a HWPT allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING has
// dirty ops. IOMMU_TEST_OP_DIRTY (testDirty) marks IOPTEs as a device would.
import { constantNum } from '../spec/loader/constants.ts';
import { EFAULT, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW } from './errno.ts';
import type { HwptPagingObject } from './hw_pagetable.ts';
import { ULONG_MAX, type IoPageTable } from './io_pagetable.ts';
import { IovaBitmap } from './iova_bitmap.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';
import { userAddr } from './usermem.ts';

const ENABLE = constantNum('IOMMU_HWPT_DIRTY_TRACKING_ENABLE');
const NO_CLEAR = constantNum('IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR');
const S = fieldsOf('iommu_hwpt_set_dirty_tracking');
const G = fieldsOf('iommu_hwpt_get_dirty_bitmap');

const pagingHwpt = (ucmd: Ucmd, id: number) => ucmd.ctx.objects.get<HwptPagingObject>(id, 'HWPT_PAGING');

function setDirtyTracking(ucmd: Ucmd): number {
  const flags = ucmd.u32(S.flags!);
  if (flags & ~ENABLE) return -EOPNOTSUPP;
  const hwpt = pagingHwpt(ucmd, ucmd.u32(S.hwpt_id!));
  if (!hwpt) return -ENOENT;
  // iopt_set_dirty_tracking: a domain without dirty ops refuses either way.
  if (!hwpt.dirtyTracking) return -EOPNOTSUPP;
  const state = hwpt.domain.dirty;
  const enable = (flags & ENABLE) !== 0;
  if (enable) state.clearAll();
  state.tracking = enable;
  return 0;
}

/** iommufd_check_iova_range: 0 or -errno. */
export function checkIovaRange(iopt: IoPageTable, iova: bigint, length: bigint, pageSize: bigint): number {
  if (!length) return -EINVAL;
  const last = iova + length - 1n;
  if (last > ULONG_MAX) return -EOVERFLOW;
  const align = BigInt(iopt.iovaAlignment) - 1n;
  if ((iova & align) || ((last + 1n) & align)) return -EINVAL;
  if (!pageSize) return -EINVAL;
  // A mask test only: page_size need not be a power of two.
  if ((iova & (pageSize - 1n)) || (((last + 1n) & ULONG_MAX) & (pageSize - 1n))) return -EINVAL;
  return 0;
}

/** __ffs: the index of the lowest set bit of a non-zero u64. */
function ffs(v: bigint): number {
  let n = 0;
  while (!((v >> BigInt(n)) & 1n)) n++;
  return n;
}

/** The last IOVA of the areas covering [iova, last] without a gap from iova on, or iova - 1 when none does. */
function contiguousEnd(iopt: IoPageTable, iova: bigint, last: bigint): bigint {
  let end = iova - 1n;
  iopt.contig(iova, last, (_id, _cur, e) => { end = e; return 0; });
  return end;
}

function getDirtyBitmap(ucmd: Ucmd): number {
  const flags = ucmd.u32(G.flags!);
  if ((flags & ~NO_CLEAR) || ucmd.u32(G.__reserved!)) return -EOPNOTSUPP;
  const hwpt = pagingHwpt(ucmd, ucmd.u32(G.hwpt_id!));
  if (!hwpt) return -ENOENT;
  const iova = ucmd.u64(G.iova!), length = ucmd.u64(G.length!), pageSize = ucmd.u64(G.page_size!);
  const iopt = hwpt.ioas.iopt;
  const rc = checkIovaRange(iopt, iova, length, pageSize);
  if (rc) return rc;
  if (!hwpt.dirtyTracking) return -EOPNOTSUPP;
  // iova_bitmap_alloc: the bitmap object and its page of page pointers.
  if (ucmd.ctx.fail.shouldFail() || ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  const bitmap = new IovaBitmap(ucmd.task, iova, length, ffs(pageSize), ucmd.u64(G.data!));
  const end = contiguousEnd(iopt, iova, iova + length - 1n);
  // The walk's -EINVAL at a gap is not returned by the kernel: the read just stops there.
  if (end >= iova) hwpt.domain.dirty.read(iova, end, (flags & NO_CLEAR) !== 0, (first, n) => bitmap.set(first, n));
  return 0;
}

const TEST = fieldsOf('iommu_test_cmd');
const D = payloadOf('iommu_test_cmd', 'dirty');
/** The selftest refuses bitmaps over 16 MiB. */
const MAX_DIRTY_BITS = 16n * 1024n * 1024n * 8n;

/** IOMMU_TEST_OP_DIRTY (iommufd_test_dirty): marks the IOPTE under every unit whose bit is set; out_nr_dirty counts the bits. */
export function testDirty(ucmd: Ucmd): number {
  const at = (f: string) => D[f]!;
  const iova = ucmd.u64(at('iova')), length = ucmd.u64(at('length')), pageSize = ucmd.u64(at('page_size')), uptr = ucmd.u64(at('uptr'));
  if (!pageSize || !length || iova % pageSize || length % pageSize || !uptr) return -EINVAL;
  const max = length / pageSize;
  if (max > MAX_DIRTY_BITS) return -EOVERFLOW;
  const hwpt = pagingHwpt(ucmd, ucmd.u32(TEST.id!));
  if (!hwpt) return -ENOENT;
  const state = hwpt.domain.dirty;
  if (!state.tracking) return -EINVAL;
  if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  const bytes = new Uint8Array(Number((max + 7n) / 8n));
  const addr = userAddr(uptr);
  if (addr < 0 || ucmd.task.mm.copyFrom(addr, bytes) < 0) return -EFAULT;
  let count = 0;
  const iopt = hwpt.ioas.iopt;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!b) continue;
    for (let k = 0; k < 8; k++) {
      const bit = i * 8 + k;
      if (!((b >> k) & 1) || bit >= max) continue;
      state.mark(iopt, iova + BigInt(bit) * pageSize);
      count++;
    }
  }
  ucmd.setU64(at('out_nr_dirty'), BigInt(count));
  return ucmd.respond();
}

export const handlers = {
  IOMMU_HWPT_SET_DIRTY_TRACKING: setDirtyTracking,
  IOMMU_HWPT_GET_DIRTY_BITMAP: getDirtyBitmap,
};
