// IOMMU_OPTION: the global RLIMIT_MODE and the per-IOAS HUGE_PAGES option.
import { constantNum } from '../spec/loader/constants.ts';
import { EBUSY, EFAULT, EINVAL, ENOENT, EOPNOTSUPP, EPERM } from './errno.ts';
import { getIoas } from './ioas.ts';
import { AccountMode } from './context.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';

const C = constantNum;
const RLIMIT_MODE = C('IOMMU_OPTION_RLIMIT_MODE');
const HUGE_PAGES = C('IOMMU_OPTION_HUGE_PAGES');
const OP_SET = C('IOMMU_OPTION_OP_SET');
const OP_GET = C('IOMMU_OPTION_OP_GET');

const OPTION = fieldsOf('iommu_option');

function rlimitMode(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  if (ucmd.u32(OPTION.object_id!)) return -EOPNOTSUPP;
  const op = ucmd.u16(OPTION.op!);
  if (op === OP_GET) {
    ucmd.setU64(OPTION.val64!, ctx.accountMode === AccountMode.MM ? 1n : 0n);
    return 0;
  }
  if (op !== OP_SET) return -EOPNOTSUPP;
  if (!ucmd.task.capSysResource) return -EPERM;
  if (ctx.objects.count) return -EBUSY;
  const v = ucmd.u64(OPTION.val64!);
  if (v > 1n) return -EINVAL;
  ctx.accountMode = v === 1n ? AccountMode.MM : AccountMode.USER;
  return 0;
}

function hugePages(ucmd: Ucmd): number {
  const ioas = getIoas(ucmd.ctx, ucmd.u32(OPTION.object_id!));
  if (!ioas) return -ENOENT;
  const op = ucmd.u16(OPTION.op!);
  if (op === OP_GET) {
    ucmd.setU64(OPTION.val64!, ioas.iopt.disableLargePages ? 0n : 1n);
    return 0;
  }
  if (op !== OP_SET) return -EOPNOTSUPP;
  const v = ucmd.u64(OPTION.val64!);
  if (v === 0n) return ioas.iopt.disableLarge();
  if (v === 1n) { ioas.iopt.enableLarge(); return 0; }
  return -EINVAL;
}

function iommufdOption(ucmd: Ucmd): number {
  if (ucmd.u16(OPTION.__reserved!)) return -EOPNOTSUPP;
  const id = ucmd.u32(OPTION.option_id!);
  const rc = id === RLIMIT_MODE ? rlimitMode(ucmd) : id === HUGE_PAGES ? hugePages(ucmd) : -EOPNOTSUPP;
  if (rc) return rc;
  // Only val64 goes back to the caller.
  const off = OPTION.val64!;
  return ucmd.task.mm.copyTo(ucmd.ubuffer + off, ucmd.cmd.subarray(off, off + 8)) < 0 ? -EFAULT : 0;
}

export const handlers = { IOMMU_OPTION: iommufdOption };
