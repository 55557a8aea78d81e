// The domain of a device without an IOMMU (hwpt_noiommu.c): a software-only
// AMDv1 table that no hardware walks, kept only so that
// IOMMU_IOAS_NOIOMMU_GET_PA can look IOVAs up. It is the format of the 7.3
// mock domain, with 4 KiB granules and, from a dynamic top level, the whole
// 64-bit IOVA space as its aperture; iommufd fills and pins it like any domain.
import type { IommufdCtx } from './context.ts';
import { ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { UserData } from './iommu_user_data.ts';
import { ULONG_MAX } from './io_pagetable.ts';
import { MockDomain } from './hw_pagetable.ts';
import { PAGE_SIZE } from './usermem.ts';

export class NoiommuDomain extends MockDomain {
  override readonly pageSize = PAGE_SIZE;
  override readonly apertureStart = 0n;
  override readonly apertureEnd = ULONG_MAX;
  /** The domain's owner is iommufd_noiommu_ops: what iopt_get_phys asks of an area's storage domain. */
  override readonly noiommu = true;
}

/** noiommu_alloc_paging_flags: no flag and no driver data are supported (IOMMU_HWPT_ALLOC for the device). */
export function noiommuAllocPaging(ctx: IommufdCtx, flags: number, data?: UserData): NoiommuDomain | number {
  if (flags || data) return -EOPNOTSUPP;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  return new NoiommuDomain();
}
