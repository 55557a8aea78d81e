// The iommufd ioctl dispatch table, built from the ioctls of spec/ (number
// -> struct size, minimum size, handler) as the kernel's iommufd_ioctl_ops[]
// is, never a growing switch.
import { loadSpec } from '../spec/loader/load.ts';
import type { IoctlDef } from '../spec/loader/types.ts';
import { constantNum } from '../spec/loader/constants.ts';
import { E2BIG, EFAULT, EINVAL, ENOTTY } from './errno.ts';
import type { FileTable, IommufdCtx } from './context.ts';
import { Ucmd } from './ucmd.ts';
import type { Task } from './task.ts';
import { handlers as objectHandlers } from './destroy.ts';
import { handlers as ioasHandlers } from './ioas.ts';
import { handlers as rangesHandlers } from './ioas_ranges.ts';
import { handlers as processHandlers } from './ioas_process.ts';
import { handlers as optionHandlers } from './option.ts';
import { handlers as hwptAllocHandlers } from './hwpt_alloc.ts';
import { handlers as hwptInvalidateHandlers } from './hwpt_invalidate.ts';
import { handlers as dirtyHandlers } from './dirty.ts';
import { handlers as testHandlers } from './selftest.ts';
import { handlers as hwInfoHandlers } from './hw_info.ts';
import { handlers as noiommuHandlers } from './noiommu.ts';
import { handlers as faultHandlers } from './fault.ts';
import { handlers as veventqHandlers } from './veventq.ts';
import { handlers as viommuHandlers } from './viommu.ts';
import { handlers as vdeviceHandlers } from './vdevice.ts';
import { handlers as hwQueueHandlers } from './hw_queue.ts';
import { VFIO_NOT_MODELLED, handlers as vfioIoasHandlers, vfioIoctl } from './vfio_compat.ts';
import { notImplemented } from './unimplemented.ts';

export type Handler = (ucmd: Ucmd) => number;

const IOMMUFD_TYPE = constantNum('IOMMUFD_TYPE');
const IOMMUFD_CMD_BASE = constantNum('IOMMUFD_CMD_BASE');

interface IoctlOp { def: IoctlDef; request: number; size: number; minSize: number; execute: Handler; spare?: Ucmd }

const HANDLERS: Record<string, Handler> = {
  ...objectHandlers, ...ioasHandlers, ...rangesHandlers, ...processHandlers, ...optionHandlers, ...hwptAllocHandlers, ...hwptInvalidateHandlers, ...testHandlers, ...vfioIoasHandlers,
  ...hwInfoHandlers, ...noiommuHandlers, ...dirtyHandlers, ...viommuHandlers, ...vdeviceHandlers, ...hwQueueHandlers, ...faultHandlers, ...veventqHandlers,
};

/**
 * iommufd_ioctl_ops[]: indexed by _IOC_NR - IOMMUFD_CMD_BASE, holes left
 * empty. The table ends at its highest ioctl, so a kernel without
 * CONFIG_IOMMUFD_TEST (no IOMMU_TEST_CMD) has a shorter one: the numbers past
 * its last ioctl go to the VFIO compatibility path instead of reading a size.
 */
function buildOps(iommufdTest: boolean): (IoctlOp | undefined)[] {
  const ops: (IoctlOp | undefined)[] = [];
  for (const def of loadSpec().ioctls.values()) {
    if (def.convention !== 'size' || def.type.charCodeAt(0) !== IOMMUFD_TYPE || !def.struct) continue;
    if (def.requires === 'IOMMUFD_TEST' && !iommufdTest) continue;
    ops[def.nr - IOMMUFD_CMD_BASE] = {
      def, request: def.request, size: def.struct.size, minSize: def.minSize,
      execute: HANDLERS[def.name] ?? notImplemented,
    };
  }
  return Array.from(ops);
}
const OPS = buildOps(true);
const OPS_WITHOUT_TEST = buildOps(false);

/** Ioctls whose handler is not written yet (they still follow the generic rules). */
export const UNIMPLEMENTED = [
  ...OPS.filter((op) => op && op.execute === notImplemented).map((op) => op!.def.name),
  ...VFIO_NOT_MODELLED,
];

/** iommufd_fops_ioctl on behalf of task: returns the non-negative result or -errno. */
export function iommufdIoctl(ctx: IommufdCtx, task: Task, request: number, arg: number, files?: FileTable): number {
  const ops = ctx.config.iommufdTest ? OPS : OPS_WITHOUT_TEST;
  const index = (request & 0xff) - IOMMUFD_CMD_BASE;
  if (index < 0 || index >= ops.length) return vfioIoctl(ctx, task, request, arg);
  const userSize = task.mm.readU32(arg);
  if (userSize < 0) return -EFAULT;
  const entry = ops[index];
  // The kernel answers ENOIOCTLCMD, which the VFS turns into ENOTTY.
  if (!entry || entry.request !== request) return -ENOTTY;
  if (userSize < entry.minSize) return -EINVAL;
  const ucmd = takeUcmd(entry).begin(ctx, task, arg, userSize, files);
  const rc = copyStructFromUser(task, ucmd, arg, userSize);
  if (rc) { entry.spare = ucmd; return rc; }
  const ret = entry.execute(ucmd);
  entry.spare = ucmd;
  if (ucmd.newObj) {
    if (ret < 0) ctx.objects.abort(ucmd.newObj);
    else ctx.objects.finalize(ucmd.newObj);
  }
  return ret;
}


/** The op's Ucmd (its kernel copy of the command), reused between calls; a nested call of the same op gets its own. */
function takeUcmd(entry: IoctlOp): Ucmd {
  const u = entry.spare;
  if (!u) return new Ucmd(new Uint8Array(entry.size));
  entry.spare = undefined;
  return u;
}

/** copy_struct_from_user: a longer caller struct must have a zero tail (else E2BIG); a shorter one is zero-extended. */
function copyStructFromUser(task: Task, ucmd: Ucmd, src: number, usize: number): number {
  const dst = ucmd.cmd;
  if (usize > dst.length) {
    const z = task.mm.checkZeroed(src + dst.length, usize - dst.length);
    if (z <= 0) return z < 0 ? z : -E2BIG;
  }
  return task.mm.copyFrom(src, dst, Math.min(usize, dst.length), ucmd.dv) < 0 ? -EFAULT : 0;
}
