// IOMMU_IOAS_IOVA_RANGES (the usable IOVA: holes between reserved ranges)
// and IOMMU_IOAS_ALLOW_IOVAS (the ranges automatic allocation may use).
import { EFAULT, EINVAL, EMSGSIZE, ENOENT, ENOMEM, EOPNOTSUPP } from './errno.ts';
import { IntervalTree } from './interval_tree.ts';
import { ULONG_MAX } from './io_pagetable.ts';
import { getIoas } from './ioas.ts';
import { userAddr } from './usermem.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';

const RANGE = 16;

const RANGES = fieldsOf('iommu_ioas_iova_ranges');
const ALLOW = fieldsOf('iommu_ioas_allow_iovas');

function ioasIovaRanges(ucmd: Ucmd): number {
  if (ucmd.u32(RANGES.__reserved!)) return -EOPNOTSUPP;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(RANGES.ioas_id!));
  if (!ioas) return -ENOENT;
  const max = ucmd.u32(RANGES.num_iovas!);
  const base = ucmd.u64(RANGES.allowed_iovas!);
  let n = 0;
  const elm = new Uint8Array(RANGE);
  const dv = new DataView(elm.buffer);
  for (const span of ioas.iopt.reserved.spans(0n, ULONG_MAX)) {
    if (!span.hole) continue;
    if (n < max) {
      dv.setBigUint64(0, span.start, true);
      dv.setBigUint64(8, span.last, true);
      const at = userAddr(base + BigInt(n * RANGE));
      if (at < 0 || ucmd.task.mm.copyTo(at, elm) < 0) return -EFAULT;
    }
    n++;
  }
  ucmd.setU32(RANGES.num_iovas!, n);
  ucmd.setU64(RANGES.out_iova_alignment!, BigInt(ioas.iopt.iovaAlignment));
  const rc = ucmd.respond();
  if (rc) return rc;
  return n > max ? -EMSGSIZE : 0;
}

/** iommufd_ioas_load_iovas: the caller's ranges as a tree, checked one by one. */
function loadIovas(ucmd: Ucmd, base: bigint, num: number): IntervalTree | number {
  const tree = new IntervalTree();
  const elm = new Uint8Array(RANGE);
  const dv = new DataView(elm.buffer);
  for (let i = 0; i < num; i++) {
    const at = userAddr(base + BigInt(i * RANGE));
    if (at < 0 || ucmd.task.mm.copyFrom(at, elm) < 0) return -EFAULT;
    const start = dv.getBigUint64(0, true), last = dv.getBigUint64(8, true);
    if (start >= last) return -EINVAL;
    if (tree.first(start, last)) return -EINVAL;
    if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
    tree.insert(start, last);
  }
  return tree;
}

function ioasAllowIovas(ucmd: Ucmd): number {
  if (ucmd.u32(ALLOW.__reserved!)) return -EOPNOTSUPP;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(ALLOW.ioas_id!));
  if (!ioas) return -ENOENT;
  const tree = loadIovas(ucmd, ucmd.u64(ALLOW.allowed_iovas!), ucmd.u32(ALLOW.num_iovas!));
  if (typeof tree === 'number') return tree;
  return ioas.iopt.setAllowed(tree);
}

export const handlers = { IOMMU_IOAS_IOVA_RANGES: ioasIovaRanges, IOMMU_IOAS_ALLOW_IOVAS: ioasAllowIovas };
