// IOMMU_HWPT_INVALIDATE: an array of driver-format invalidation requests for
// a nested HWPT (the mock driver's cache_invalidate_user). entry_num is
// written back on every path: the number of entries handled, 0 when none was
// looked at. A vIOMMU as hwpt_id sends the array to the vIOMMU's driver
// (the mock's invalidates the caches of devices by virtual id).
import { EFAULT, EINVAL, ENOENT, EOPNOTSUPP } from './errno.ts';
import type { HwptNestedObject } from './hw_pagetable.ts';
import type { UserDataArray } from './iommu_user_data.ts';
import { mockCacheInvalidateUser } from './mock_iommu.ts';
import { PAGE_SIZE } from './usermem.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import type { ViommuObject } from './viommu.ts';
import { mockViommuCacheInvalidate } from './viommu_mock.ts';
import { constantNum } from '../spec/loader/constants.ts';

const INV = fieldsOf('iommu_hwpt_invalidate');
/** The kernel's cap on entries per call, so that one call cannot hold the CPU for long. */
const ENTRY_NUM_MAX = constantNum('IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX');

/** 0 or -errno; array.entryNum ends as the number of entries handled (0 when the driver never ran). */
function invalidate(ucmd: Ucmd, array: UserDataArray): number {
  const num = array.entryNum;
  array.entryNum = 0;
  if (ucmd.u32(INV.__reserved!)) return -EOPNOTSUPP;
  if (num && (!array.uptr || !array.entryLen || array.entryLen > PAGE_SIZE || num > ENTRY_NUM_MAX)) return -EINVAL;
  const pt = ucmd.ctx.objects.get(ucmd.u32(INV.hwpt_id!));
  if (!pt) return -ENOENT;
  if (pt.type !== 'HWPT_NESTED' && pt.type !== 'VIOMMU') return -EINVAL;
  array.entryNum = num;
  if (pt.type === 'VIOMMU') return mockViommuCacheInvalidate(ucmd.ctx, ucmd.task, pt as ViommuObject, array);
  return mockCacheInvalidateUser(ucmd.task, pt as HwptNestedObject, array);
}

function hwptInvalidate(ucmd: Ucmd): number {
  const array: UserDataArray = {
    type: ucmd.u32(INV.data_type!), uptr: ucmd.u64(INV.data_uptr!),
    entryLen: ucmd.u32(INV.entry_len!), entryNum: ucmd.u32(INV.entry_num!),
  };
  const rc = invalidate(ucmd, array);
  ucmd.setU32(INV.entry_num!, array.entryNum);
  return ucmd.respond() ? -EFAULT : rc;
}

export const handlers = { IOMMU_HWPT_INVALIDATE: hwptInvalidate };
