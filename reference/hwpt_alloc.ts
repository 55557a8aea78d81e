// IOMMU_HWPT_ALLOC: a paging HWPT over an IOAS (iommufd_hwpt_paging_alloc) or
// a nested HWPT over a nesting parent (iommufd_hwpt_nested_alloc), for a
// device of the mock driver, or a nested HWPT on a vIOMMU
// (iommufd_viommu_alloc_hwpt_nested), whose parent is the vIOMMU's.
import { constantNum } from '../spec/loader/constants.ts';
import { EINVAL, ENOENT, EOPNOTSUPP } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { DeviceObject } from './device.ts';
import { HwptNestedObject, HwptPagingObject, type HwptObject } from './hw_pagetable.ts';
import type { UserData } from './iommu_user_data.ts';
import type { IoasObject } from './ioas.ts';
import { mockAllocNested, mockAllocPaging } from './mock_iommu.ts';
import { noiommuAllocPaging } from './noiommu_domain.ts';
import type { Task } from './task.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import type { ViommuObject } from './viommu.ts';

const C = constantNum;
const NEST_PARENT = C('IOMMU_HWPT_ALLOC_NEST_PARENT');
const DIRTY_TRACKING = C('IOMMU_HWPT_ALLOC_DIRTY_TRACKING');
const FAULT_ID_VALID = C('IOMMU_HWPT_FAULT_ID_VALID');
const ALLOC_PASID = C('IOMMU_HWPT_ALLOC_PASID');
const PAGING_VALID = NEST_PARENT | DIRTY_TRACKING | FAULT_ID_VALID | ALLOC_PASID;
const NO_DIRTY = C('MOCK_FLAGS_DEVICE_NO_DIRTY');
const DATA_NONE = C('IOMMU_HWPT_DATA_NONE');

const A = fieldsOf('iommu_hwpt_alloc');

/** iommufd_hwpt_paging_alloc without immediate attach: a reserved, linked HWPT or -errno. */
function pagingAlloc(ctx: IommufdCtx, task: Task, ioas: IoasObject, idev: DeviceObject, flags: number, data?: UserData): HwptPagingObject | number {
  if (flags & ~PAGING_VALID) return -EOPNOTSUPP;
  // device_iommu_capable(IOMMU_CAP_DIRTY_TRACKING): a mock device's flag; never without an IOMMU.
  if ((flags & DIRTY_TRACKING) && (idev.noiommu || idev.flags & NO_DIRTY)) return -EOPNOTSUPP;
  if ((flags & FAULT_ID_VALID) && (flags & NEST_PARENT)) return -EOPNOTSUPP;
  const hwpt = new HwptPagingObject(ctx, ioas);
  let rc = ctx.objects.reserve(hwpt);
  if (rc) { hwpt.destroy(); return rc; }
  // The device's ops: iommufd_noiommu_ops for a device without an IOMMU.
  const domain = idev.noiommu ? noiommuAllocPaging(ctx, flags & ~FAULT_ID_VALID, data) : mockAllocPaging(ctx, task, idev, flags & ~FAULT_ID_VALID, data);
  if (typeof domain === 'number') { ctx.objects.abort(hwpt); return domain; }
  hwpt.domain = domain;
  hwpt.pasidCompat = (flags & ALLOC_PASID) !== 0;
  hwpt.nestParent = (flags & NEST_PARENT) !== 0;
  hwpt.dirtyTracking = (flags & DIRTY_TRACKING) !== 0;
  rc = hwpt.link();
  if (rc) { ctx.objects.abort(hwpt); return rc; }
  return hwpt;
}

/** iommufd_hwpt_nested_alloc: a reserved nested HWPT or -errno. */
function nestedAlloc(ctx: IommufdCtx, task: Task, parent: HwptPagingObject, flags: number, data: UserData): HwptNestedObject | number {
  if ((flags & ~(FAULT_ID_VALID | ALLOC_PASID)) || !data.len) return -EOPNOTSUPP;
  if (parent.autoDomain || !parent.nestParent) return -EINVAL;
  return mockNested(ctx, task, new HwptNestedObject(parent, 0), flags, data);
}

/** The mock's nested domain (mock_alloc_domain_nested) for a new nested HWPT: reserved, or -errno with nothing left. */
function mockNested(ctx: IommufdCtx, task: Task, hwpt: HwptNestedObject, flags: number, data: UserData): HwptNestedObject | number {
  const rc = ctx.objects.reserve(hwpt);
  if (rc) { hwpt.destroy(); return rc; }
  hwpt.pasidCompat = (flags & ALLOC_PASID) !== 0;
  const iotlb = mockAllocNested(ctx, task, flags & ~FAULT_ID_VALID, data);
  if (iotlb < 0) { ctx.objects.abort(hwpt); return iotlb; }
  hwpt.iotlb.fill(iotlb);
  return hwpt;
}

/** iommufd_viommu_alloc_hwpt_nested (every mock device is behind the vIOMMU's mock IOMMU): a reserved nested HWPT or -errno. */
function viommuNestedAlloc(ctx: IommufdCtx, task: Task, viommu: ViommuObject, flags: number, data: UserData): HwptNestedObject | number {
  if ((flags & ~(FAULT_ID_VALID | ALLOC_PASID)) || !data.len) return -EOPNOTSUPP;
  // mock_viommu_alloc_domain_nested: the nested domain of the parent's allocation, tied to the vIOMMU.
  return mockNested(ctx, task, new HwptNestedObject(viommu.hwpt, 0, viommu), flags, data);
}

/** The HWPT pt_id asks for, reserved, or -errno. */
function allocFor(ucmd: Ucmd, idev: DeviceObject, flags: number, data: UserData): HwptObject | number {
  const pt = ucmd.ctx.objects.get(ucmd.u32(A.pt_id!));
  // Any failure to find pt_id, and any object kind that cannot carry a HWPT, is EINVAL.
  if (pt?.type === 'IOAS') return pagingAlloc(ucmd.ctx, ucmd.task, pt as IoasObject, idev, flags, data.len ? data : undefined);
  if (pt?.type === 'HWPT_PAGING') return nestedAlloc(ucmd.ctx, ucmd.task, pt as HwptPagingObject, flags, data);
  // The vIOMMU's physical IOMMU must be the device's (a no-IOMMU device has none).
  if (pt?.type === 'VIOMMU') return idev.noiommu ? -EINVAL : viommuNestedAlloc(ucmd.ctx, ucmd.task, pt as ViommuObject, flags, data);
  return -EINVAL;
}

function hwptAlloc(ucmd: Ucmd): number {
  if (ucmd.u32(A.__reserved!)) return -EOPNOTSUPP;
  const flags = ucmd.u32(A.flags!);
  const data: UserData = { type: ucmd.u32(A.data_type!), len: ucmd.u32(A.data_len!), uptr: ucmd.u64(A.data_uptr!) };
  if ((data.type === DATA_NONE) !== (data.len === 0)) return -EINVAL;
  const idev = ucmd.ctx.objects.get<DeviceObject>(ucmd.u32(A.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  const hwpt = allocFor(ucmd, idev, flags, data);
  if (typeof hwpt === 'number') return hwpt;
  // From here on a failure aborts the reserved HWPT (see iommufdIoctl).
  ucmd.newObj = hwpt;
  if (flags & FAULT_ID_VALID) {
    // The fault queue (fault.ts) gets the page requests of the HWPT's devices from now on.
    const fault = ucmd.ctx.objects.get(ucmd.u32(A.fault_id!), 'FAULT');
    if (!fault) return -ENOENT;
    hwpt.fault = fault;
    fault.users++;
  }
  ucmd.setU32(A.out_hwpt_id!, hwpt.id);
  return ucmd.respond();
}

export const handlers = { IOMMU_HWPT_ALLOC: hwptAlloc };
