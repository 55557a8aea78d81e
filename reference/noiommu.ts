// IOMMU_IOAS_NOIOMMU_GET_PA (iommufd_ioas_noiommu_get_pa, CONFIG_IOMMUFD_NOIOMMU):
// the physical address behind an IOVA, for devices without an IOMMU only.
// The answer comes from the software page table of a no-IOMMU domain
// (hwpt_noiommu.c), which only a VFIO no-IOMMU device bound through its cdev
// creates. The selftest's devices all sit behind the mock IOMMU, so here an
// area is never stored in such a domain and a mapped IOVA is refused as the
// test kernel refuses it.
import { EINVAL, ENOENT, EOPNOTSUPP, EOVERFLOW, EPERM } from './errno.ts';
import { ULONG_MAX, type IoPageTable } from './io_pagetable.ts';
import { getIoas } from './ioas.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';

const CMD = fieldsOf('iommu_ioas_noiommu_get_pa');

/** iopt_get_phys: the area under iova must be mapped, not a revoked dma-buf, and stored in a no-IOMMU domain. */
function getPhys(iopt: IoPageTable, iova: bigint): number {
  const id = iopt.areas.first(iova, iova);
  const pages = id ? iopt.areaPages(id) : undefined;
  if (!pages) return -ENOENT;
  if (pages.dmabuf?.revoked) return -EINVAL;
  // The storage domain is absent (no device) or the mock driver's: never iommufd_noiommu_ops.
  return -EOPNOTSUPP;
}

function noiommuGetPa(ucmd: Ucmd): number {
  if (!ucmd.task.capSysRawio) return -EPERM;
  if (ucmd.u32(CMD.flags!) || ucmd.u32(CMD.__reserved!)) return -EOPNOTSUPP;
  if (!ucmd.u64(CMD.length!)) return -EINVAL;
  const iova = ucmd.u64(CMD.iova!);
  if (iova >= ULONG_MAX) return -EOVERFLOW;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(CMD.ioas_id!));
  if (!ioas) return -ENOENT;
  return getPhys(ioas.iopt, iova);
}

export const handlers = { IOMMU_IOAS_NOIOMMU_GET_PA: noiommuGetPa };
