// The VFIO type1 DMA ioctls iommufd emulates on the compatibility IOAS:
// VFIO_IOMMU_GET_INFO (page sizes and a capability chain: DMA avail, then
// the usable IOVA ranges), VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA.
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import type { IoctlDef } from '../spec/loader/types.ts';
import { EFAULT, EINVAL, ENODEV } from './errno.ts';
import { ULONG_MAX } from './io_pagetable.ts';
import { hi32, lo32 } from './u64.ts';
import { fixedMapFlags, mapUser, type IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import type { Task } from './task.ts';
import { fieldsOf } from './ucmd.ts';
import { PAGE_SIZE } from './usermem.ts';

const spec = loadSpec();
const C = constant;
const INFO = fieldsOf('vfio_iommu_type1_info'), MAP = fieldsOf('vfio_iommu_type1_dma_map'), UNMAP = fieldsOf('vfio_iommu_type1_dma_unmap');
const HDR = fieldsOf('vfio_info_cap_header'), CAP_IOVA = fieldsOf('vfio_iommu_type1_info_cap_iova_range'), AVAIL = fieldsOf('vfio_iommu_type1_info_dma_avail');
const INFO_SIZE = spec.structs.get('vfio_iommu_type1_info')!.size;
const AVAIL_SIZE = spec.structs.get('vfio_iommu_type1_info_dma_avail')!.size;
const CAP_IOVA_SIZE = spec.structs.get('vfio_iommu_type1_info_cap_iova_range')!.size;
const RANGE_SIZE = spec.structs.get('vfio_iova_range')!.size;
const MAP_READ = Number(C('VFIO_DMA_MAP_FLAG_READ')), MAP_WRITE = Number(C('VFIO_DMA_MAP_FLAG_WRITE'));
const UNMAP_ALL = Number(C('VFIO_DMA_UNMAP_FLAG_ALL'));

/** The caller's mandatory head of an argsz struct: its bytes or -EFAULT. */
function head(task: Task, arg: number, n: number): DataView | number {
  const b = new Uint8Array(n);
  return task.mm.copyFrom(arg, b) < 0 ? -EFAULT : new DataView(b.buffer);
}

/** iommufd_get_pagesizes: what every domain accepts, at least PAGE_SIZE granules and the IOVA alignment. */
function pageSizes(ioas: IoasObject): bigint {
  let bitmap = ULONG_MAX;
  for (const d of ioas.iopt.domains) bitmap &= ~BigInt(d.pageSize - 1) & ULONG_MAX;
  const page = BigInt(PAGE_SIZE);
  if (bitmap & (page - 1n)) bitmap = (bitmap & ~(page - 1n) & ULONG_MAX) | page;
  const align = BigInt(ioas.iopt.iovaAlignment);
  return bitmap > align ? bitmap : align;
}

type CapFill = (ioas: IoasObject, task: Task, at: number, avail: number) => number;

/** The DMA avail capability: U32_MAX mappings. */
const capDmaAvail: CapFill = (_ioas, task, at, avail) => {
  if (avail >= AVAIL_SIZE) {
    const dv = new DataView(new ArrayBuffer(AVAIL_SIZE));
    dv.setUint16(AVAIL['header']! + HDR['id']!, Number(C('VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL')), true);
    dv.setUint16(AVAIL['header']! + HDR['version']!, 1, true);
    dv.setUint32(AVAIL['avail']!, 0xffff_ffff, true);
    if (task.mm.copyTo(at, new Uint8Array(dv.buffer)) < 0) return -EFAULT;
  }
  return AVAIL_SIZE;
};

/** The IOVA range capability: the holes between reserved ranges, as many as fit. */
const capIovaRanges: CapFill = (ioas, task, at, avail) => {
  let n = 0;
  const r = new DataView(new ArrayBuffer(RANGE_SIZE));
  for (const span of ioas.iopt.reserved.spans(0n, ULONG_MAX)) {
    if (!span.hole) continue;
    if (avail >= CAP_IOVA_SIZE + (n + 1) * RANGE_SIZE) {
      r.setBigUint64(0, span.start, true);
      r.setBigUint64(8, span.last, true);
      if (task.mm.copyTo(at + CAP_IOVA_SIZE + n * RANGE_SIZE, new Uint8Array(r.buffer)) < 0) return -EFAULT;
    }
    n++;
  }
  const size = CAP_IOVA_SIZE + n * RANGE_SIZE;
  if (avail >= size) {
    const dv = new DataView(new ArrayBuffer(CAP_IOVA_SIZE));
    dv.setUint16(CAP_IOVA['header']! + HDR['id']!, Number(C('VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE')), true);
    dv.setUint16(CAP_IOVA['header']! + HDR['version']!, 1, true);
    dv.setUint32(CAP_IOVA['nr_iovas']!, n, true);
    if (task.mm.copyTo(at, new Uint8Array(dv.buffer)) < 0) return -EFAULT;
  }
  return size;
};

const align8 = (n: number) => (n + 7) & ~7;

export function getInfo(ctx: IommufdCtx, task: Task, def: IoctlDef, arg: number): number {
  const dv = head(task, arg, def.minSize);
  if (typeof dv === 'number') return dv;
  const argsz = dv.getUint32(INFO['argsz']!, true);
  if (argsz < def.minSize) return -EINVAL;
  const ioas = ctx.vfioIoas;
  if (!ioas) return -ENODEV;
  let total = INFO_SIZE;
  let lastCap = -1;
  for (const fill of [capDmaAvail, capIovaRanges]) {
    const size = argsz > total ? fill(ioas, task, arg + total, argsz - total) : fill(ioas, task, 0, 0);
    if (size < 0) return size;
    if (lastCap >= 0 && argsz >= total) {
      const next = new Uint8Array(4);
      new DataView(next.buffer).setUint32(0, total, true);
      if (task.mm.copyTo(lastCap + HDR['next']!, next) < 0) return -EFAULT;
    }
    lastCap = arg + total;
    total += align8(size);
  }
  const out = new DataView(new ArrayBuffer(INFO_SIZE));
  out.setUint32(INFO['argsz']!, total, true);
  out.setUint32(INFO['flags']!, Number(C('VFIO_IOMMU_INFO_PGSIZES') | C('VFIO_IOMMU_INFO_CAPS')), true);
  out.setBigUint64(INFO['iova_pgsizes']!, pageSizes(ioas), true);
  out.setUint32(INFO['cap_offset']!, argsz >= total ? INFO_SIZE : 0, true);
  const n = Math.min(argsz, INFO_SIZE);
  return task.mm.copyTo(arg, new Uint8Array(out.buffer, 0, n)) < 0 ? -EFAULT : 0;
}

export function mapDma(ctx: IommufdCtx, task: Task, def: IoctlDef, arg: number): number {
  const dv = head(task, arg, def.minSize);
  if (typeof dv === 'number') return dv;
  const flags = dv.getUint32(MAP['flags']!, true);
  if (dv.getUint32(MAP['argsz']!, true) < def.minSize || flags & ~(MAP_READ | MAP_WRITE)) return -EINVAL;
  const ioas = ctx.vfioIoas;
  if (!ioas) return -ENODEV;
  const hl = (field: string): [number, number] => [dv.getUint32(MAP[field]! + 4, true), dv.getUint32(MAP[field]!, true)];
  const rc = mapUser(ctx, task, ioas, ...hl('vaddr'), ...hl('size'), ...hl('iova'),
    fixedMapFlags((flags & MAP_READ) !== 0, (flags & MAP_WRITE) !== 0));
  return typeof rc === 'number' ? rc : 0;
}

export function unmapDma(ctx: IommufdCtx, task: Task, def: IoctlDef, arg: number): number {
  const dv = head(task, arg, def.minSize);
  if (typeof dv === 'number') return dv;
  const flags = dv.getUint32(UNMAP['flags']!, true);
  // The dirty bitmap flag is refused like any unknown flag.
  if (dv.getUint32(UNMAP['argsz']!, true) < def.minSize || flags & ~UNMAP_ALL) return -EINVAL;
  const ioas = ctx.vfioIoas;
  if (!ioas) return -ENODEV;
  const iova = dv.getBigUint64(UNMAP['iova']!, true), size = dv.getBigUint64(UNMAP['size']!, true);
  let rc: number;
  if (flags & UNMAP_ALL) {
    if (iova || size) return -EINVAL;
    rc = ioas.iopt.unmapAll();
  } else {
    if (ioas.iopt.disableLargePages) {
      // Type1 may unmap inside a mapping: cut the areas at both ends first (unsigned long arithmetic).
      const cuts = [(iova + size - 1n) & ULONG_MAX, ...(iova ? [iova - 1n] : [])];
      const rc = ioas.iopt.cutIova(cuts);
      if (rc) return rc;
    }
    rc = ioas.iopt.unmapIova(hi32(iova), lo32(iova), hi32(size), lo32(size));
  }
  dv.setBigUint64(UNMAP['size']!, ioas.iopt.unmapped, true);
  if (task.mm.copyTo(arg, new Uint8Array(dv.buffer)) < 0) return -EFAULT;
  return rc;
}
