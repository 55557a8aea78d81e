// IO address space objects and their mapping ioctls: IOMMU_IOAS_ALLOC,
// IOMMU_IOAS_MAP, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_COPY, IOMMU_IOAS_UNMAP.
import { loadSpec } from '../harness/spec/load.ts';
import { EBADF, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW } from './errno.ts';
import { IOMMU_READ, IOMMU_WRITE, IoPageTable, ULONG_MAX, putPagesList, type PagesSlice } from './io_pagetable.ts';
import { IommufdObject } from './object.ts';
import { IoptPages, PagesAccount, type PagesFile } from './pages.ts';
import { PAGE_SIZE } from './usermem.ts';
import type { Ucmd } from './ucmd.ts';
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
/** SIZE_MAX - PAGE_SIZE: iopt_alloc_pages refuses lengths above it. */
const MAX_PAGES_LENGTH = ULONG_MAX - PAGE;

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

/** The checks MAP, MAP_FILE and COPY share: flags, then u64 values beyond unsigned long, then no access at all. */
function mapPrologue(flags: number, a: bigint, b: bigint, c = 0n): number {
  if (flags & ~MAP_FLAGS) return -EOPNOTSUPP;
  if (a >= ULONG_MAX || b >= ULONG_MAX || c >= ULONG_MAX) return -EOVERFLOW;
  if (!(flags & (WRITEABLE | READABLE))) return -EINVAL;
  return 0;
}

/** iopt_alloc_pages's own checks and allocation: pages or -errno. */
function allocPages(ctx: IommufdCtx, length: bigint, startByte: bigint, writable: boolean,
  make: (npages: number) => IoptPages): IoptPages | number {
  if (length > MAX_PAGES_LENGTH || length === 0n) return -EINVAL;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  return make(Number((length + startByte + PAGE - 1n) / PAGE));
}

/** iopt_map_common: one slice of new pages, charged per the context's mode. Returns the IOVA or -errno. */
function mapCommon(ctx: IommufdCtx, ioas: IoasObject, pages: IoptPages, startByte: bigint, length: bigint,
  iova: bigint, flags: number): bigint | number {
  if (ctx.accountMode === AccountMode.MM && pages.accountMode === PagesAccount.USER) pages.accountMode = PagesAccount.MM;
  return ioas.iopt.mapPages([{ pages, startByte, length }], length, iova, prot(flags), !(flags & FIXED_IOVA));
}

/** Writes the chosen IOVA back (iommufd_ucmd_respond). */
function respondIova(ucmd: Ucmd, field: string, iova: bigint | number): number {
  if (typeof iova === 'number') return iova;
  ucmd.setU64(field, iova);
  return ucmd.respond();
}

/** iopt_map_user_pages: a user VA range, on behalf of task. flags are IOMMU_IOAS_MAP_* flags. */
export function mapUser(ctx: IommufdCtx, task: Task, ioas: IoasObject, uptr: bigint, length: bigint, iova: bigint, flags: number): bigint | number {
  if (uptr + length > ULONG_MAX) return -EOVERFLOW;
  const down = uptr - (uptr % PAGE);
  const writable = (flags & WRITEABLE) !== 0;
  const pages = allocPages(ctx, length, uptr - down, writable, (n) => new IoptPages(n, writable, task, Number(down)));
  if (typeof pages === 'number') return pages;
  return mapCommon(ctx, ioas, pages, uptr - down, length, iova, flags);
}

/** The IOMMU_IOAS_MAP flags of a fixed-IOVA mapping with these permissions. */
export function fixedMapFlags(read: boolean, write: boolean): number {
  return FIXED_IOVA | (read ? READABLE : 0) | (write ? WRITEABLE : 0);
}

function ioasMap(ucmd: Ucmd): number {
  const flags = ucmd.u32('flags');
  if (ucmd.u32('__reserved')) return -EOPNOTSUPP;
  const iova = ucmd.u64('iova'), length = ucmd.u64('length');
  const rc = mapPrologue(flags, iova, length);
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, ucmd.u32('ioas_id'));
  if (!ioas) return -ENOENT;
  return respondIova(ucmd, 'iova', mapUser(ucmd.ctx, ucmd.task, ioas, ucmd.u64('user_va'), length, iova, flags));
}

/** The file behind fd as iopt_map_file_pages sees it: a memfd backing, null for a file that is not shmem, or -EBADF. */
function fileOf(ucmd: Ucmd, fd: number): PagesFile | number {
  const f = ucmd.files?.file(fd);
  if (!f) return -EBADF;
  return f.kind === 'memfd' ? f.backing : null;
}

function ioasMapFile(ucmd: Ucmd): number {
  const flags = ucmd.u32('flags');
  const iova = ucmd.u64('iova'), length = ucmd.u64('length'), start = ucmd.u64('start');
  const rc = mapPrologue(flags, iova, length);
  if (rc) return rc;
  const ioas = getIoas(ucmd.ctx, ucmd.u32('ioas_id'));
  if (!ioas) return -ENOENT;
  if (!length) return -EINVAL;
  if (start + length - 1n > ULONG_MAX) return -EOVERFLOW;
  const startByte = start % PAGE;
  const file = fileOf(ucmd, ucmd.s32('fd'));
  if (typeof file === 'number') return file;
  const writable = (flags & WRITEABLE) !== 0;
  const pages = allocPages(ucmd.ctx, length, startByte, writable,
    (n) => new IoptPages(n, writable, ucmd.task, 0, file, start - startByte));
  if (typeof pages === 'number') return pages;
  return respondIova(ucmd, 'iova', mapCommon(ucmd.ctx, ioas, pages, startByte, length, iova, flags));
}

function ioasCopy(ucmd: Ucmd): number {
  const flags = ucmd.u32('flags');
  const length = ucmd.u64('length'), srcIova = ucmd.u64('src_iova'), dstIova = ucmd.u64('dst_iova');
  const rc = mapPrologue(flags, length, srcIova, dstIova);
  if (rc) return rc;
  const src = getIoas(ucmd.ctx, ucmd.u32('src_ioas_id'));
  if (!src) return -ENOENT;
  const list = src.iopt.getPages(srcIova, length);
  if (typeof list === 'number') return list;
  const dst = getIoas(ucmd.ctx, ucmd.u32('dst_ioas_id'));
  const iova: bigint | number = dst ? dst.iopt.mapPages(list, length, dstIova, prot(flags), !(flags & FIXED_IOVA)) : -ENOENT;
  // On success the new areas took the references; the list's own are dropped either way.
  if (typeof iova === 'number') { putPagesList(list); return iova; }
  ucmd.setU64('dst_iova', iova);
  return ucmd.respond();
}

function ioasUnmap(ucmd: Ucmd): number {
  const ioas = getIoas(ucmd.ctx, ucmd.u32('ioas_id'));
  if (!ioas) return -ENOENT;
  const iova = ucmd.u64('iova'), length = ucmd.u64('length');
  let r;
  if (iova === 0n && length === ULONG_MAX) {
    r = ioas.iopt.unmapAll();
    if (r.rc) return r.rc;
  } else {
    if (iova >= ULONG_MAX || length >= ULONG_MAX) return -EOVERFLOW;
    r = ioas.iopt.unmapIova(iova, length);
    if (r.rc) return r.rc;
    if (!r.unmapped) return -ENOENT;
  }
  ucmd.setU64('length', r.unmapped);
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
