// IO address space objects and their mapping ioctls: IOMMU_IOAS_ALLOC,
// IOMMU_IOAS_MAP, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_COPY, IOMMU_IOAS_UNMAP.
import { constantNum } from '../spec/loader/constants.ts';
import { EBADF, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW } from './errno.ts';
import { IOMMU_READ, IOMMU_WRITE, IoPageTable, ULONG_MAX, firstSlice, lastPageIndex, putPagesList, type PagesSlice } from './io_pagetable.ts';
import { U32_MAX, addHL, hi32, isMaxHL, lo32 } from './u64.ts';
import { IommufdObject } from './object.ts';
import { IoptPages, PagesAccount, type PagesFile } from './pages.ts';
import { dmabufPages, isDmabuf } from './dmabuf.ts';
import { syzConvIova } from './access.ts';
import { PAGE_SIZE } from './usermem.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import type { Task } from './task.ts';
import type { IommufdCtx } from './context.ts';
import type { HwptPagingObject } from './hw_pagetable.ts';
import { AccountMode } from './context.ts';

const C = constantNum;
const FIXED_IOVA = C('IOMMU_IOAS_MAP_FIXED_IOVA');
const WRITEABLE = C('IOMMU_IOAS_MAP_WRITEABLE');
const READABLE = C('IOMMU_IOAS_MAP_READABLE');
const MAP_FLAGS = FIXED_IOVA | WRITEABLE | READABLE;
const SYZ = C('MOCK_FLAGS_ACCESS_SYZ');
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

const ALLOC = fieldsOf('iommu_ioas_alloc');
const MAP = fieldsOf('iommu_ioas_map');
const MAP_FILE = fieldsOf('iommu_ioas_map_file');
const COPY = fieldsOf('iommu_ioas_copy');
const UNMAP = fieldsOf('iommu_ioas_unmap');

function ioasAlloc(ucmd: Ucmd): number {
  if (ucmd.u32(ALLOC.flags!)) return -EOPNOTSUPP;
  const ioas = new IoasObject(ucmd.ctx);
  const rc = ucmd.ctx.objects.reserve(ioas);
  if (rc) return rc;
  ucmd.newObj = ioas;
  ucmd.setU32(ALLOC.out_ioas_id!, ioas.id);
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
  // DIV_ROUND_UP(length + offset, PAGE_SIZE)
  return make(lastPageIndex(offset, nHi, nLo) + 1);
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
function respondIova(ucmd: Ucmd, field: number, iova: bigint | number): number {
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
  const pages = allocPages(ctx, nHi, nLo, offset, (n) => new IoptPages(ctx.pins, n, writable, task, down));
  if (typeof pages === 'number') return pages;
  return mapCommon(ctx, ioas, firstSlice(pages, offset, nHi, nLo), nHi, nLo, iHi, iLo, flags);
}

/** The IOMMU_IOAS_MAP flags of a fixed-IOVA mapping with these permissions. */
export function fixedMapFlags(read: boolean, write: boolean): number {
  return FIXED_IOVA | (read ? READABLE : 0) | (write ? WRITEABLE : 0);
}

function ioasMap(ucmd: Ucmd): number {
  const flags = ucmd.u32(MAP.flags!);
  if (ucmd.u32(MAP.__reserved!)) return -EOPNOTSUPP;
  const iHi = ucmd.hi(MAP.iova!), iLo = ucmd.lo(MAP.iova!), nHi = ucmd.hi(MAP.length!), nLo = ucmd.lo(MAP.length!);
  const rc = mapPrologue(flags, isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo));
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(MAP.ioas_id!));
  if (!ioas) return -ENOENT;
  return respondIova(ucmd, MAP.iova!,
    mapUser(ucmd.ctx, ucmd.task, ioas, ucmd.hi(MAP.user_va!), ucmd.lo(MAP.user_va!), nHi, nLo, iHi, iLo, flags));
}

/** The file behind fd as iopt_map_file_pages sees it: a memfd backing, null for a file that is not shmem, or -EBADF. */
function fileOf(ucmd: Ucmd, fd: number): PagesFile | number {
  const f = ucmd.files?.file(fd);
  if (!f) return -EBADF;
  return f.kind === 'memfd' ? f.backing : null;
}

function ioasMapFile(ucmd: Ucmd): number {
  const flags = ucmd.u32(MAP_FILE.flags!);
  const iHi = ucmd.hi(MAP_FILE.iova!), iLo = ucmd.lo(MAP_FILE.iova!), nHi = ucmd.hi(MAP_FILE.length!), nLo = ucmd.lo(MAP_FILE.length!);
  const rc = mapPrologue(flags, isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo));
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(MAP_FILE.ioas_id!));
  if (!ioas) return -ENOENT;
  if (nHi === 0 && nLo === 0) return -EINVAL;
  const start = ucmd.u64(MAP_FILE.start!);
  if (start + ucmd.u64(MAP_FILE.length!) - 1n > ULONG_MAX) return -EOVERFLOW;
  const startByte = Number(start % PAGE);
  const fd = ucmd.s32(MAP_FILE.fd!);
  const writable = (flags & WRITEABLE) !== 0;
  const file = isDmabuf(ucmd.files, fd) ? undefined : fileOf(ucmd, fd);
  if (typeof file === 'number') return file;
  const pages = file === undefined
    ? dmabufPages(ucmd.files, fd, ucmd.task, ucmd.ctx.fail, ucmd.ctx.pins, start, ucmd.u64(MAP_FILE.length!), writable)
    : allocPages(ucmd.ctx, nHi, nLo, startByte, (n) => new IoptPages(ucmd.ctx.pins, n, writable, ucmd.task, 0, file, start - BigInt(startByte)));
  if (typeof pages === 'number') return pages;
  return respondIova(ucmd, MAP_FILE.iova!, mapCommon(ucmd.ctx, ioas, firstSlice(pages, startByte, nHi, nLo), nHi, nLo, iHi, iLo, flags));
}

function ioasCopy(ucmd: Ucmd): number {
  let flags = ucmd.u32(COPY.flags!), srcIova = ucmd.u64(COPY.src_iova!);
  // The selftest kernel's syzkaller hook (iommufd_test_syz_conv_iova_id): the flag goes, the source IOVA is converted.
  if (flags & SYZ) {
    flags &= ~SYZ;
    const src = getIoas(ucmd.ctx, ucmd.u32(COPY.src_ioas_id!));
    if (src) srcIova = syzConvIova(src.iopt, srcIova);
    ucmd.setU32(COPY.flags!, flags);
    ucmd.setU64(COPY.src_iova!, srcIova);
  }
  const length = ucmd.u64(COPY.length!), dstIova = ucmd.u64(COPY.dst_iova!);
  const rc = mapPrologue(flags, length >= ULONG_MAX || srcIova >= ULONG_MAX || dstIova >= ULONG_MAX);
  if (rc) return rc;
  const src = getIoas(ucmd.ctx, ucmd.u32(COPY.src_ioas_id!));
  if (!src) return -ENOENT;
  const list = src.iopt.getPages(srcIova, length);
  if (typeof list === 'number') return list;
  const dst = getIoas(ucmd.ctx, ucmd.u32(COPY.dst_ioas_id!));
  const nHi = hi32(length), nLo = lo32(length), p = prot(flags);
  const iova = !dst ? -ENOENT : flags & FIXED_IOVA ? dst.iopt.mapPagesAt(list, nHi, nLo, hi32(dstIova), lo32(dstIova), p)
    : dst.iopt.mapPagesAnywhere(list, nHi, nLo, p);
  // On success the new areas took the references; the list's own are dropped either way.
  if (typeof iova === 'number' && iova < 0) { putPagesList(list); return iova; }
  return respondIova(ucmd, COPY.dst_iova!, iova);
}

function ioasUnmap(ucmd: Ucmd): number {
  const ioas = getIoas(ucmd.ctx, ucmd.u32(UNMAP.ioas_id!));
  if (!ioas) return -ENOENT;
  const iopt = ioas.iopt;
  const iHi = ucmd.hi(UNMAP.iova!), iLo = ucmd.lo(UNMAP.iova!), nHi = ucmd.hi(UNMAP.length!), nLo = ucmd.lo(UNMAP.length!);
  if (iHi === 0 && iLo === 0 && isMaxHL(nHi, nLo)) {
    const rc = iopt.unmapAll();
    if (rc) return rc;
  } else {
    if (isMaxHL(iHi, iLo) || isMaxHL(nHi, nLo)) return -EOVERFLOW;
    const rc = iopt.unmapIova(iHi, iLo, nHi, nLo);
    if (rc) return rc;
    if (iopt.unmappedHi === 0 && iopt.unmappedLo === 0) return -ENOENT;
  }
  ucmd.setHL(UNMAP.length!, iopt.unmappedHi, iopt.unmappedLo);
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
