// IOMMU_DESTROY: any object by id.
import { fieldsOf, type Ucmd } from './ucmd.ts';

const DESTROY = fieldsOf('iommu_destroy');

function iommufdDestroy(ucmd: Ucmd): number {
  return ucmd.ctx.objects.remove(ucmd.u32(DESTROY.id!));
}

export const handlers = { IOMMU_DESTROY: iommufdDestroy };
