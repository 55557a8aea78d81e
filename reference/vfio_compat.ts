// The VFIO type1 container ioctls that iommufd answers on the same file
// (every request outside the iommufd range goes here), and IOMMU_VFIO_IOAS.
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import type { IoctlDef } from '../spec/loader/types.ts';
import { EINVAL, ENODEV, ENOENT, ENOTTY, EOPNOTSUPP } from './errno.ts';
import { getInfo, mapDma, unmapDma } from './vfio_type1.ts';
import { getIoas, type IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import type { Task } from './task.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';

const spec = loadSpec();
const C = constant;
const VFIO_API_VERSION = Number(C('VFIO_API_VERSION'));
const VFIO_IOAS_GET = Number(C('IOMMU_VFIO_IOAS_GET'));
const VFIO_IOAS_SET = Number(C('IOMMU_VFIO_IOAS_SET'));
const VFIO_IOAS_CLEAR = Number(C('IOMMU_VFIO_IOAS_CLEAR'));

function getCompatIoas(ctx: IommufdCtx): IoasObject | undefined {
  return ctx.vfioIoas;
}

const VFIO_IOAS = fieldsOf('iommu_vfio_ioas');

function iommufdVfioIoas(ucmd: Ucmd): number {
  if (ucmd.u16(VFIO_IOAS.__reserved!)) return -EOPNOTSUPP;
  const ctx = ucmd.ctx;
  switch (ucmd.u16(VFIO_IOAS.op!)) {
    case VFIO_IOAS_GET: {
      const ioas = getCompatIoas(ctx);
      if (!ioas) return -ENODEV;
      ucmd.setU32(VFIO_IOAS.ioas_id!, ioas.id);
      return ucmd.respond();
    }
    case VFIO_IOAS_SET: {
      const ioas = getIoas(ctx, ucmd.u32(VFIO_IOAS.ioas_id!));
      if (!ioas) return -ENOENT;
      ctx.vfioIoas = ioas;
      return 0;
    }
    case VFIO_IOAS_CLEAR:
      ctx.vfioIoas = undefined;
      return 0;
    default:
      return -EOPNOTSUPP;
  }
}

export const handlers = { IOMMU_VFIO_IOAS: iommufdVfioIoas };

type VfioHandler = (ctx: IommufdCtx, task: Task, def: IoctlDef, arg: number) => number;

const TYPE1 = C('VFIO_TYPE1_IOMMU');
const TYPE1v2 = C('VFIO_TYPE1v2_IOMMU');
const UNMAP_ALL = C('VFIO_UNMAP_ALL');
const DMA_CC = C('VFIO_DMA_CC_IOMMU');

/** VFIO_CHECK_EXTENSION: 1 for what the emulation provides, 0 for the rest. */
function checkExtension(ctx: IommufdCtx, type: bigint): number {
  if (type === TYPE1 || type === TYPE1v2 || type === UNMAP_ALL) return 1;
  // Every domain of the reference engine enforces cache coherency.
  if (type === DMA_CC) return getCompatIoas(ctx) ? 1 : -ENODEV;
  return 0;
}

/** VFIO_SET_IOMMU: only the type1 flavours, and only once a compat IOAS exists. */
function setIommu(ctx: IommufdCtx, type: bigint): number {
  if (type !== TYPE1 && type !== TYPE1v2) return -EINVAL;
  const ioas = getCompatIoas(ctx);
  if (!ioas) return -ENODEV;
  // Type1 could unmap inside a mapping; large IOPTEs would prevent that.
  return type === TYPE1 ? ioas.iopt.disableLarge() : 0;
}
const VFIO: Partial<Record<string, VfioHandler>> = {
  VFIO_GET_API_VERSION: () => VFIO_API_VERSION,
  VFIO_CHECK_EXTENSION: (ctx, _task, _def, arg) => checkExtension(ctx, BigInt(arg)),
  VFIO_SET_IOMMU: (ctx, _task, _def, arg) => setIommu(ctx, BigInt(arg)),
  VFIO_IOMMU_GET_INFO: getInfo,
  VFIO_IOMMU_MAP_DMA: mapDma,
  VFIO_IOMMU_UNMAP_DMA: unmapDma,
};

/** Every VFIO ioctl the emulation answers is modelled. */
export const VFIO_NOT_MODELLED: string[] = [];

const BY_REQUEST = new Map<number, { def: IoctlDef; h: VfioHandler }>();
for (const def of spec.ioctls.values()) {
  const h = VFIO[def.name];
  if (def.header === 'linux/vfio.h' && h) BY_REQUEST.set(def.request, { def, h });
}

/** iommufd_vfio_ioctl: VFIO container requests; anything else is not an ioctl of this file. */
export function vfioIoctl(ctx: IommufdCtx, task: Task, request: number, arg: number): number {
  const e = BY_REQUEST.get(request);
  return e ? e.h(ctx, task, e.def, arg) : -ENOTTY;
}
