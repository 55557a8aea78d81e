// IO address space objects and their mapping ioctls: IOMMU_IOAS_ALLOC,
// IOMMU_IOAS_MAP, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_COPY, IOMMU_IOAS_UNMAP.
import { loadSpec } from '../harness/spec/load.ts';
import { EBADF, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW } from './errno.ts';
import { IOMMU_READ, IOMMU_WRITE, IoPageTable, ULONG_MAX, firstSlice, putPagesList, type PagesSlice } from './io_pagetable.ts';
import { hi32, lo32 } from './interval_tree.ts';
import { U32_MAX, addHL, isMaxHL } from './u64.ts';
import { IommufdObject } from './object.ts';
import { IoptPages, PagesAccount, type PagesFile } from './pages.ts';
import { PAGE_SIZE } from './usermem.ts';
import { layoutOf, type Ucmd } from './ucmd.ts';
import type { Task } from './task.ts';
import type { IommufdCtx } from './main.ts';
import type { HwptPagingObject } from './hw_pagetable.ts';
import { AccountMode } from './main.ts';

const C = (name: string) => Number(loadSpec().constants.get(name)!.value);
const FIXED_IOVA = C('IOMMU_IOAS_MAP_FIXED_IOVA');
const WRITEABLE = C('IOMMU_IOAS_MAP_WRITEABLE');
const READABLE = C('IOMMU_IOAS_MAP_READABLE');
const MAP_FLAGS = FIXED_IOVA | WRITEABLE | READABLE;
const PAGE = BigInt(PAGE_SIZE);
/** The lower half of SIZE_MAX - PAGE_SIZE (its upper half is U32_MAX): iopt_alloc_pages refuses lengths above it. */
const MAX_PAGES_LENGTH_LO = U32_MAX - PAGE_SIZE;
/** Scratch for u64 sums as halves. */
const q = [0, 0];

export class IoasObject extends IommufdObject {
  readonly type = 'IOAS' as const;
  readonly iopt: IoPageTable;
  /** Paging HWPTs linked to this IOAS (hwpt_list), in creation order. */
  readonly hwpts: HwptPagingObject[] = [];

  constructor(readonly ctx: IommufdCtx) {
    super();
    this.iopt = new IoPageTable(ctx.fail);
  }

  override describe(): string { return this.iopt.describe(); }

  override destroy(): void {
    if (this.ctx.vfioIoas === this) this.ctx.vfioIoas = undefined;
    this.iopt.unmapAll();
    // Ranges IOMMU_TEST_OP_ADD_RESERVED added have no owner.
    this.iopt.removeReserved(null);
  }
}

export function getIoas(ctx: IommufdCtx, id: number): IoasObject | undefined {
  return ctx.objects.get<IoasObject>(id, 'IOAS');
}

function ioasAlloc(ucmd: Ucmd): number {
  if (ucmd.u32('flags')) return -EOPNOTSUPP;
  const ioas = new IoasObject(ucmd.ctx);
  const rc = ucmd.ctx.objects.reserve(ioas);
  if (rc) return rc;
  ucmd.newObj = ioas;
  ucmd.setU32('out_ioas_id', ioas.id);
  return ucmd.respond();
}

/** conv_iommu_prot. */
function prot(flags: number): number {
  return (flags & WRITEABLE ? IOMMU_WRITE : 0) | (flags & READABLE ? IOMMU_READ : 0);
}

/** The checks MAP, MAP_FILE and COPY share: flags, then a u64 value beyond unsigned long, then no access at all. */
function mapPrologue(flags: number, overflow: boolean): number {
  if (flags & ~MAP_FLAGS) return -EOPNOTSUPP;
  if (overflow) return -EOVERFLOW;
  if (!(flags & (WRITEABLE | READABLE))) return -EINVAL;
  return 0;
}

/** iopt_alloc_pages's own checks and allocation for nHi:nLo bytes from offset into the first page: pages or -errno. */
function allocPages(ctx: IommufdCtx, nHi: number, nLo: number, offset: number,
  make: (npages: number) => IoptPages): IoptPages | number {
  if ((nHi === U32_MAX && nLo > MAX_PAGES_LENGTH_LO) || (nHi === 0 && nLo === 0)) return -EINVAL;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  // DIV_ROUND_UP(length + offset, PAGE_SIZE), exact: 2^32 / PAGE_SIZE pages per unit of the upper half.
  return make(nHi * (2 ** 32 / PAGE_SIZE) + Math.floor((nLo + offset + PAGE_SIZE - 1) / PAGE_SIZE));
}

/**
 * iopt_map_common: one slice of new pages, charged per the context's mode,
 * at the fixed IOVA iHi:iLo or at one allocated for it. Returns 0 (fixed),
 * the allocated IOVA, or -errno.
 */
function mapCommon(ctx: IommufdCtx, ioas: IoasObject, slice: PagesSlice, nHi: number, nLo: number,
  iHi: number, iLo: number, flags: number): bigint | number {
  const pages = slice.pages;
  if (ctx.accountMode === AccountMode.MM && pages.accountMode === PagesAccount.USER) pages.accountMode = PagesAccount.MM;
  if (flags & FIXED_IOVA) return ioas.iopt.mapPagesAt([slice], nHi, nLo, iHi, iLo, prot(flags));
  return ioas.iopt.mapPagesAnywhere([slice], nHi, nLo, prot(flags));
}

/** Answers a map: -errno as is; an allocated IOVA is written back; a fixed one is already in place (iommufd_ucmd_respond). */
function respondIova(ucmd: Ucmd, field: string, iova: bigint | number): number {
  if (typeof iova === 'number') return iova < 0 ? iova : ucmd.respond();
  ucmd.setU64(field, iova);
  return ucmd.respond();
}

/**
 * iopt_map_user_pages: nHi:nLo bytes of user VA uHi:uLo, on behalf of task,
 * at iHi:iLo unless flags (IOMMU_IOAS_MAP_*) ask for an allocated IOVA.
 * Returns what mapCommon does.
 */
export function mapUser(ctx: IommufdCtx, task: Task, ioas: IoasObject, uHi: number, uLo: number,
  nHi: number, nLo: number, iHi: number, iLo: number, flags: number): bigint | number {
  addHL(q, uHi, uLo, nHi, nLo);
  if (q[0]! > U32_MAX) return -EOVERFLOW;
  const offset = uLo % PAGE_SIZE;
  // The page-aligned user address, a number as user addresses are (exact below 2^53).
  const down = uHi * 2 ** 32 + (uLo - offset);
  const writable = (flags & WRITEABLE) !== 0;
  const pages = allocPages(ctx, nHi, nLo, offset, (n) => new IoptPages(n, writable, task, down));
  if (typeof pages === 'number') return pages;
  return mapCommon(ctx, ioas, firstSlice(pages, offset, nHi, nLo), nHi, nLo, iHi, iLo, flags);
}

/** The IOMMU_IOAS_MAP flags of a fixed-IOVA mapping with these permissions. */
export function fixedMapFlags(read: boolean, write: boolean): number {
  return FIXED_IOVA | (read ? READABLE : 0) | (write ? WRITEABLE : 0);
}

// MAP and UNMAP, the calls that dominate a workload, read their fields at
// constant offsets: a read by name goes through a property lookup that every
// op shares, which costs about a tenth of such a call.
const M = layoutOf(loadSpec().structs.get('iommu_ioas_map')!);
const U = layoutOf(loadSpec().structs.get('iommu_ioas_unmap')!);

function ioasMap(ucmd: Ucmd): number {
  const dv = ucmd.dv;
  const flags = dv.getUint32(M.flags!, true);
  if (dv.getUint32(M.__reserved!, true)) return -EOPNOTSUPP;
  const iHi = dv.getUint32(M.iova! + 4, true), iLo = dv.getUint32(M.iova!, true), nHi = dv.getUint32(M.length! + 4, true), nLo = dv.getUint32(M.length!, true);
  const rc = mapPrologue(flags, isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo));
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, dv.getUint32(M.ioas_id!, true));
  if (!ioas) return -ENOENT;
  return respondIova(ucmd, 'iova',
    mapUser(ucmd.ctx, ucmd.task, ioas, dv.getUint32(M.user_va! + 4, true), dv.getUint32(M.user_va!, true), nHi, nLo, iHi, iLo, flags));
}

/** The file behind fd as iopt_map_file_pages sees it: a memfd backing, null for a file that is not shmem, or -EBADF. */
function fileOf(ucmd: Ucmd, fd: number): PagesFile | number {
  const f = ucmd.files?.file(fd);
  if (!f) return -EBADF;
  return f.kind === 'memfd' ? f.backing : null;
}

function ioasMapFile(ucmd: Ucmd): number {
  const flags = ucmd.u32('flags');
  const iHi = ucmd.hi('iova'), iLo = ucmd.lo('iova'), nHi = ucmd.hi('length'), nLo = ucmd.lo('length');
  const rc = mapPrologue(flags, isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo));
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, ucmd.u32('ioas_id'));
  if (!ioas) return -ENOENT;
  if (nHi === 0 && nLo === 0) return -EINVAL;
  const start = ucmd.u64('start');
  if (start + ucmd.u64('length') - 1n > ULONG_MAX) return -EOVERFLOW;
  const startByte = Number(start % PAGE);
  const file = fileOf(ucmd, ucmd.s32('fd'));
  if (typeof file === 'number') return file;
  const writable = (flags & WRITEABLE) !== 0;
  const pages = allocPages(ucmd.ctx, nHi, nLo, startByte,
    (n) => new IoptPages(n, writable, ucmd.task, 0, file, start - BigInt(startByte)));
  if (typeof pages === 'number') return pages;
  return respondIova(ucmd, 'iova', mapCommon(ucmd.ctx, ioas, firstSlice(pages, startByte, nHi, nLo), nHi, nLo, iHi, iLo, flags));
}

function ioasCopy(ucmd: Ucmd): number {
  const flags = ucmd.u32('flags');
  const length = ucmd.u64('length'), srcIova = ucmd.u64('src_iova'), dstIova = ucmd.u64('dst_iova');
  const rc = mapPrologue(flags, length >= ULONG_MAX || srcIova >= ULONG_MAX || dstIova >= ULONG_MAX);
  if (rc) return rc;
  const src = getIoas(ucmd.ctx, ucmd.u32('src_ioas_id'));
  if (!src) return -ENOENT;
  const list = src.iopt.getPages(srcIova, length);
  if (typeof list === 'number') return list;
  const dst = getIoas(ucmd.ctx, ucmd.u32('dst_ioas_id'));
  const nHi = hi32(length), nLo = lo32(length), p = prot(flags);
  const iova = !dst ? -ENOENT : flags & FIXED_IOVA ? dst.iopt.mapPagesAt(list, nHi, nLo, hi32(dstIova), lo32(dstIova), p)
    : dst.iopt.mapPagesAnywhere(list, nHi, nLo, p);
  // On success the new areas took the references; the list's own are dropped either way.
  if (typeof iova === 'number' && iova < 0) { putPagesList(list); return iova; }
  return respondIova(ucmd, 'dst_iova', iova);
}

function ioasUnmap(ucmd: Ucmd): number {
  const dv = ucmd.dv;
  const ioas = getIoas(ucmd.ctx, dv.getUint32(U.ioas_id!, true));
  if (!ioas) return -ENOENT;
  const iopt = ioas.iopt;
  const iHi = dv.getUint32(U.iova! + 4, true), iLo = dv.getUint32(U.iova!, true), nHi = dv.getUint32(U.length! + 4, true), nLo = dv.getUint32(U.length!, true);
  if (iHi === 0 && iLo === 0 && isMaxHL(nHi, nLo)) {
    const rc = iopt.unmapAll();
    if (rc) return rc;
  } else {
    if (isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo)) return -EOVERFLOW;
    const rc = iopt.unmapIova(iHi, iLo, nHi, nLo);
    if (rc) return rc;
    if (iopt.unmappedHi === 0 && iopt.unmappedLo === 0) return -ENOENT;
  }
  dv.setUint32(U.length!, iopt.unmappedLo, true); dv.setUint32(U.length! + 4, iopt.unmappedHi, true);
  return ucmd.respond();
}

export type { PagesSlice };
export const handlers = {
  IOMMU_IOAS_ALLOC: ioasAlloc,
  IOMMU_IOAS_MAP: ioasMap,
  IOMMU_IOAS_MAP_FILE: ioasMapFile,
  IOMMU_IOAS_COPY: ioasCopy,
  IOMMU_IOAS_UNMAP: ioasUnmap,
};
