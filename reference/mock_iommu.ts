// The selftest's mock IOMMU driver, the part HWPTs need: its domain_alloc_paging_flags,
// domain_alloc_nested and the nested domain's cache_invalidate_user, which read
// driver data of the selftest types (struct iommu_hwpt_selftest, struct
// iommu_hwpt_invalidate_selftest); and IOMMU_TEST_OP_MD_CHECK_IOTLB.
import { loadSpec } from '../spec/loader/load.ts';
import { constantNum } from '../spec/loader/constants.ts';
import { EINVAL, ENOENT, ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { DeviceObject } from './device.ts';
import { MockDomain, type HwptNestedObject } from './hw_pagetable.ts';
import { copyUserData, copyUserDataEntry, type UserData, type UserDataArray } from './iommu_user_data.ts';
import type { Task } from './task.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';

const C = constantNum;
const NEST_PARENT = C('IOMMU_HWPT_ALLOC_NEST_PARENT');
const DIRTY_TRACKING = C('IOMMU_HWPT_ALLOC_DIRTY_TRACKING');
const ALLOC_PASID = C('IOMMU_HWPT_ALLOC_PASID');
const PAGING_FLAGS = NEST_PARENT | DIRTY_TRACKING | ALLOC_PASID;
const NO_DIRTY = C('MOCK_FLAGS_DEVICE_NO_DIRTY');
const DATA_NONE = C('IOMMU_HWPT_DATA_NONE');
const DATA_SELFTEST = C('IOMMU_HWPT_DATA_SELFTEST');
const INVALIDATE_SELFTEST = C('IOMMU_HWPT_INVALIDATE_DATA_SELFTEST');
const INVALIDATE_ALL = C('IOMMU_TEST_INVALIDATE_FLAG_ALL');
const IOTLB_ID_MAX = C('MOCK_NESTED_DOMAIN_IOTLB_ID_MAX');
const IOPT_DEFAULT = C('MOCK_IOMMUPT_DEFAULT');
const IOPT_HUGE = C('MOCK_IOMMUPT_HUGE');

const spec = loadSpec();
/** A driver struct's current size and its first version's size (offsetofend of its first field). */
function sizes(struct: string): { size: number; minLen: number } {
  const def = spec.structs.get(struct)!;
  const first = def.fields[0]!;
  return { size: def.size, minLen: first.offset + first.size };
}
const HWPT_SELFTEST = sizes('iommu_hwpt_selftest');
const SEL = fieldsOf('iommu_hwpt_selftest');
/** The invalidation entry's first version already had both its fields (min_last is iotlb_id). */
const INV_SIZE = spec.structs.get('iommu_hwpt_invalidate_selftest')!.size;
const INV = fieldsOf('iommu_hwpt_invalidate_selftest');

/** A copied-in struct iommu_hwpt_selftest: zero when the caller gave no data. */
function hwptSelftest(task: Task, data: UserData | undefined): DataView | number {
  const buf = new Uint8Array(HWPT_SELFTEST.size);
  const rc = data ? copyUserData(task, buf, data, DATA_SELFTEST, HWPT_SELFTEST.minLen) : 0;
  return rc || new DataView(buf.buffer);
}

/** mock_domain_alloc_paging_flags (with mock_domain_alloc_pgtable): a domain or -errno. */
export function mockAllocPaging(ctx: IommufdCtx, task: Task, idev: DeviceObject, flags: number, data?: UserData): MockDomain | number {
  if ((flags & ~PAGING_FLAGS) || ((flags & DIRTY_TRACKING) && (idev.flags & NO_DIRTY))) return -EOPNOTSUPP;
  if (data && data.type !== DATA_SELFTEST && data.type !== DATA_NONE) return -EOPNOTSUPP;
  const cfg = hwptSelftest(task, data);
  if (typeof cfg === 'number') return cfg;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const type = cfg.getUint32(SEL.pagetable_type!, true);
  if (type !== IOPT_DEFAULT && type !== IOPT_HUGE) return -EOPNOTSUPP;
  // pt_iommu_amdv1_mock_init allocates the top table.
  if (ctx.fail.shouldFail()) return -ENOMEM;
  return new MockDomain(type);
}

/** mock_domain_alloc_nested: the initial IOTLB value, or -errno. */
export function mockAllocNested(ctx: IommufdCtx, task: Task, flags: number, data: UserData): number {
  if (flags & ~ALLOC_PASID) return -EOPNOTSUPP;
  if (data.type !== DATA_SELFTEST) return -EOPNOTSUPP;
  const cfg = hwptSelftest(task, data);
  if (typeof cfg === 'number') return cfg;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  return cfg.getUint32(SEL.iotlb!, true);
}

/** mock_domain_cache_invalidate_user: entries in order until one fails; array.entryNum becomes the number handled. */
export function mockCacheInvalidateUser(task: Task, hwpt: HwptNestedObject, array: UserDataArray): number {
  let done = 0, rc = 0;
  if (array.type !== INVALIDATE_SELFTEST) rc = -EINVAL;
  const buf = new Uint8Array(INV_SIZE);
  const dv = new DataView(buf.buffer);
  for (let i = 0; !rc && i < array.entryNum; i++) {
    rc = copyUserDataEntry(task, buf, array, INVALIDATE_SELFTEST, i, INV_SIZE);
    if (rc) break;
    const flags = dv.getUint32(INV.flags!, true), id = dv.getUint32(INV.iotlb_id!, true);
    if (flags & ~INVALIDATE_ALL) rc = -EOPNOTSUPP;
    else if (id > IOTLB_ID_MAX) rc = -EINVAL;
    else if (flags & INVALIDATE_ALL) hwpt.iotlb.fill(0);
    else hwpt.iotlb[id] = 0;
    if (!rc) done++;
  }
  array.entryNum = done;
  return rc;
}

const TEST = fieldsOf('iommu_test_cmd');
const CHECK_IOTLB = payloadOf('iommu_test_cmd', 'check_iotlb');

/** IOMMU_TEST_OP_MD_CHECK_IOTLB: entry check_iotlb.id of the nested HWPT named by id holds check_iotlb.iotlb. */
export function checkIotlb(ucmd: Ucmd): number {
  const hwpt = ucmd.ctx.objects.get<HwptNestedObject>(ucmd.u32(TEST.id!), 'HWPT_NESTED');
  if (!hwpt) return -ENOENT;
  const id = ucmd.u32(CHECK_IOTLB.id);
  return id > IOTLB_ID_MAX || hwpt.iotlb[id] !== ucmd.u32(CHECK_IOTLB.iotlb) ? -EINVAL : 0;
}
