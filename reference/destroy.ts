// IOMMU_DESTROY: any object by id.
import type { Ucmd } from './ucmd.ts';

function iommufdDestroy(ucmd: Ucmd): number {
  return ucmd.ctx.objects.remove(ucmd.u32('id'));
}

export const handlers = { IOMMU_DESTROY: iommufdDestroy };
