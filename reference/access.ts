// In-kernel accesses (IOMMUFD_OBJ_ACCESS) as the selftest drives them: an
// access attached to an IOAS pins pages under IOVAs (iommufd_access_pin_pages)
// or copies through them (iommufd_access_rw). The selftest keeps its pinned
// ranges as items and lets go of them when the IOAS unmaps under them.
import { EBADE, EINVAL, ENOENT, ENOMEM, EOVERFLOW, EPERM } from './errno.ts';
import { IOMMU_READ, IOMMU_WRITE, ULONG_MAX, type IoPageTable, type IoptAccess } from './io_pagetable.ts';
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject } from './object.ts';
import { type IoptPages, type PhysPage, gup } from './pages.ts';
import type { Task } from './task.ts';
import { PAGE_SIZE } from './usermem.ts';

const PAGE = BigInt(PAGE_SIZE);

/** A range the selftest pinned through its access. */
interface Item { id: number; iova: bigint; length: bigint }

export class AccessObject extends IommufdObject implements IoptAccess {
  readonly type = 'ACCESS' as const;
  ioas?: IoasObject;
  readonly items: Item[] = [];
  nextItem = 0;

  constructor(readonly ctx: IommufdCtx, readonly needsPinPages: boolean) {
    super();
    // The creating driver holds a reference until it destroys the access.
    this.users++;
  }

  override describe(): string {
    return `ioas=${this.ioas?.id ?? 0} pin=${this.needsPinPages} items=${this.items.map((i) => `${i.id}:${i.iova}+${i.length}`).join(',')}`;
  }

  get iovaAlignment(): number { return this.needsPinPages ? PAGE_SIZE : 1; }

  /** iommufd_access_attach: joins the IOAS's access list (its alignment may rise). */
  attach(ioas: IoasObject): number {
    const rc = ioas.iopt.addAccess(this);
    if (rc) return rc;
    ioas.users++;
    this.ioas = ioas;
    return 0;
  }

  /**
   * iommufd_access_replace (IOMMU_TEST_OP_ACCESS_REPLACE_IOAS): the access
   * joins the new IOAS first (which may refuse it), then the driver is told
   * to unmap everything from the old one, so nothing it pinned there stays
   * pinned, and the old IOAS loses the access and the reference it held.
   */
  replace(next: IoasObject): number {
    const cur = this.ioas;
    if (!cur) return -ENOENT;
    if (cur === next) return 0;
    const rc = next.iopt.addAccess(this);
    if (rc) return rc;
    next.users++;
    this.unmap(0n, ULONG_MAX);
    cur.iopt.removeAccess(this);
    cur.users--;
    this.ioas = next;
    return 0;
  }

  /** The unmap callback: every item overlapping [iova, iova + length) is unpinned. */
  unmap(iova: bigint, length: bigint): void {
    const last = iova + length - 1n;
    for (const it of [...this.items]) {
      if (iova > it.iova + it.length - 1n || last < it.iova) continue;
      this.items.splice(this.items.indexOf(it), 1);
      unpinPages(this.ioas!.iopt, it.iova, it.length);
    }
  }

  /** iommufd_access_destroy: unmap everything, leave the IOAS, leave the table. */
  release(): void {
    if (this.ioas) {
      this.unmap(0n, ULONG_MAX);
      this.ioas.iopt.removeAccess(this);
      this.ioas.users--;
      this.ioas = undefined;
    }
    this.users--;
    this.ctx.objects.remove(this.id);
    // The access file kept a closed context alive; now it can go.
    if (this.ctx.closed) this.ctx.objects.destroyAll();
  }
}

const canAccess = (prot: number, write: boolean) => (prot & (write ? IOMMU_WRITE : IOMMU_READ)) !== 0;

/** iommufd_access_pin_pages over the iopt: 0 or -errno; on failure nothing stays pinned. */
export function pinPages(iopt: IoPageTable | undefined, iova: bigint, length: bigint, write: boolean): number {
  if (!length) return -EINVAL;
  const last = iova + length - 1n;
  if (last > ULONG_MAX) return -EOVERFLOW;
  if (!iopt) return -ENOENT;
  let done = iova;
  const rc = iopt.contig(iova, last, (id, cur, end) => {
    if (!iopt.contigAligned(id, cur, end === last)) return -EINVAL;
    if (!canAccess(iopt.areaProt(id), write)) return -EPERM;
    const pages = iopt.areaPages(id)!;
    if (write && !pages.writable) return -EPERM;
    // A dma-buf has no struct pages to hand out.
    if (pages.dmabuf) return -EINVAL;
    const r = addAccess(iopt, pages, iopt.indexOf(id, cur), iopt.indexOf(id, end));
    if (r) return r;
    iopt.addAreaAccess(id, 1);
    done = end + 1n;
    return 0;
  });
  if (rc && done > iova) unpinPages(iopt, iova, done - iova);
  return rc;
}

/** iopt_area_add_access: the exact interval shares its users, else a new one is filled. */
function addAccess(iopt: IoPageTable, pages: IoptPages, first: number, last: number): number {
  const key = `${first},${last}`;
  const users = pages.accesses?.get(key);
  if (users) { pages.accesses!.set(key, users + 1); return 0; }
  if (iopt.fail.shouldFail()) return -ENOMEM;
  const rc = pages.fill(first, last, iopt.fail);
  if (rc) return rc;
  (pages.accesses ??= new Map()).set(key, 1);
  return 0;
}

/** iommufd_access_unpin_pages: undoes pinPages of the same range. */
export function unpinPages(iopt: IoPageTable, iova: bigint, length: bigint): void {
  iopt.contig(iova, iova + length - 1n, (id, cur, end) => {
    const pages = iopt.areaPages(id)!;
    const first = iopt.indexOf(id, cur), lastIdx = iopt.indexOf(id, end);
    const key = `${first},${lastIdx}`;
    const users = pages.accesses!.get(key)! - 1;
    iopt.addAreaAccess(id, -1);
    if (users) { pages.accesses!.set(key, users); return 0; }
    pages.accesses!.delete(key);
    if (!pages.accesses!.size) pages.accesses = undefined;
    pages.unfill(first, lastIdx);
    return 0;
  });
}

/** The physical pages pinned under [iova, iova + length) (for the selftest's page comparison). */
export function pinnedUnder(iopt: IoPageTable, iova: bigint, length: bigint): PhysPage[] {
  const out: PhysPage[] = [];
  iopt.contig(iova, iova + length - 1n, (id, cur, end) => {
    const pages = iopt.areaPages(id)!;
    for (let i = iopt.indexOf(id, cur); i <= iopt.indexOf(id, end); i++) out.push(pages.pinned(i)!);
    return 0;
  });
  return out;
}

/**
 * iommufd_access_rw: copies between data and the memory under the IOVAs.
 * User memory is reached through its VA in the caller's mm (the fast path)
 * unless slow is asked; files always through their pages.
 */
export function accessRw(iopt: IoPageTable | undefined, task: Task, iova: bigint, data: Uint8Array, write: boolean, slow: boolean): number {
  if (!data.length) return -EINVAL;
  const last = iova + BigInt(data.length) - 1n;
  if (last > ULONG_MAX) return -EOVERFLOW;
  if (!iopt) return -ENOENT;
  let pos = 0;
  return iopt.contig(iova, last, (id, cur, end) => {
    if (!canAccess(iopt.areaProt(id), write)) return -EPERM;
    const pages = iopt.areaPages(id)!;
    if (write && !pages.writable) return -EPERM;
    if (pages.dmabuf) return -EINVAL;
    const n = Number(end - cur + 1n);
    const startByte = iopt.startByte(id, cur);
    const chunk = data.subarray(pos, pos + n);
    pos += n;
    if (!pages.isFile && !slow && pages.source.mm === task.mm) {
      const at = pages.uptr + Number(startByte);
      return write ? task.mm.copyTo(at, chunk) : task.mm.copyFrom(at, chunk);
    }
    return rwPages(pages, startByte, chunk, write);
  });
}

/** The slow path: page by page through the pinned page or a fresh pin. */
function rwPages(pages: IoptPages, startByte: bigint, chunk: Uint8Array, write: boolean): number {
  let done = 0;
  let byte = startByte;
  while (done < chunk.length) {
    const index = Number(byte / PAGE), off = Number(byte % PAGE);
    const phys = pages.pinned(index) ?? pages.resolve(index, write);
    if (typeof phys === 'number') return phys;
    const n = Math.min(PAGE_SIZE - off, chunk.length - done);
    const page = phys.backing.page(phys.index, write);
    if (write) page!.set(chunk.subarray(done, done + n), off);
    else if (page) chunk.set(page.subarray(off, off + n), done);
    else chunk.fill(0, done, done + n);
    done += n;
    byte += BigInt(n);
  }
  return 0;
}

/** GUP of n pages from uptr compared with pinned pages: 0, the GUP error, or -EBADE (iommufd_test_check_pages). */
export function checkPages(task: Task, uptr: number, pinned: PhysPage[]): number {
  for (let i = 0; i < pinned.length; i++) {
    const p = gup(task, uptr + i * PAGE_SIZE, false, false);
    if (typeof p === 'number') return p;
    const q = pinned[i]!;
    if (p.backing !== q.backing || p.index !== q.index) return -EBADE;
  }
  return 0;
}

/**
 * The selftest's syzkaller mode (MOCK_FLAGS_ACCESS_SYZ): the u64 IOVA holds
 * an area index (low half) and an offset (high half), turned into the IOVA
 * at that offset in the IOAS's nth area in IOVA order; 0 without an IOAS or
 * with fewer areas (__iommufd_test_syz_conv_iova).
 */
export function syzConvIova(iopt: IoPageTable | undefined, raw: bigint): bigint {
  if (!iopt) return 0n;
  let nth = Number(raw & 0xffff_ffffn);
  for (const id of iopt.allAreas()) {
    if (nth-- === 0) return (iopt.areaIova(id) + (raw >> 32n)) & ULONG_MAX;
  }
  return 0n;
}
