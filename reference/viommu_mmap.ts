// The regions a driver exports for mmap of the iommufd (ictx->mt_mmap): each
// is a page-aligned range of the file's offset space, handed out lowest
// first from PAGE_SIZE on, owned by one object. mmap(2) of the iommufd at a
// region's exact offset and length maps its memory and holds its owner.
import { constantNum } from '../spec/loader/constants.ts';
import { ENOMEM, ENXIO, EPERM } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { IommufdObject } from './object.ts';
import { Backing, PAGE_SIZE } from './usermem.ts';

const PROT_EXEC = constantNum('PROT_EXEC');

export interface MmapRegion { offset: number; length: number; owner: IommufdObject; backing: Backing }

/** The regions of each open iommufd, sorted by offset; a few per file, so a sorted array does. */
const regions = new WeakMap<IommufdCtx, MmapRegion[]>();

function listOf(ctx: IommufdCtx): MmapRegion[] {
  let l = regions.get(ctx);
  if (!l) regions.set(ctx, (l = []));
  return l;
}

/** _iommufd_alloc_mmap: the lowest free range of length bytes from PAGE_SIZE on, or -errno. */
export function allocMmap(ctx: IommufdCtx, owner: IommufdObject, backing: Backing): MmapRegion | number {
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const list = listOf(ctx);
  const length = backing.size;
  let at = PAGE_SIZE, i = 0;
  for (; i < list.length && list[i]!.offset - at < length; i++) at = list[i]!.offset + list[i]!.length;
  const region = { offset: at, length, owner, backing };
  list.splice(i, 0, region);
  return region;
}

/** _iommufd_destroy_mmap. */
export function destroyMmap(ctx: IommufdCtx, region: MmapRegion): void {
  const list = listOf(ctx);
  const i = list.indexOf(region);
  if (i >= 0) list.splice(i, 1);
}

/**
 * iommufd_fops_mmap for a shared mapping of length bytes at offset: the
 * region, with a users reference taken on its owner, or -errno. The offset
 * must be a region's own start and the length its whole length.
 */
export function iommufdMmap(ctx: IommufdCtx, offset: number, length: number, prot: number): MmapRegion | number {
  if (prot & PROT_EXEC) return -EPERM;
  const region = listOf(ctx).find((r) => r.offset <= offset && offset < r.offset + r.length);
  if (!region || region.offset !== offset || region.length !== length) return -ENXIO;
  return region;
}
