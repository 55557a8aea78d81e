// IOMMU_TEST_CMD, the kernel's test interface (CONFIG_IOMMUFD_TEST): mock
// devices and domains are created and inspected through its ops. Ops not
// modelled yet are refused as unknown ops are.
import { EOPNOTSUPP } from './errno.ts';
import type { Ucmd } from './ucmd.ts';

type TestOp = (ucmd: Ucmd) => number;
const OPS = new Map<number, TestOp>();

function iommufdTest(ucmd: Ucmd): number {
  const op = OPS.get(ucmd.u32('op'));
  return op ? op(ucmd) : -EOPNOTSUPP;
}

export const handlers = { IOMMU_TEST_CMD: iommufdTest };
