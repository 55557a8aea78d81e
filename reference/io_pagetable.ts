// The io_pagetable of an IOAS: its areas (IOVA ranges backed by a slice of an
// iopt_pages), reserved ranges (each with an owner), allowed ranges, the
// domains it is filled into and the accesses using it. Every lookup goes
// through the interval trees; nothing scans all areas except the operations
// whose kernel counterpart does (attaching or detaching a domain, unmap all,
// an alignment change).
import { EADDRINUSE, EBUSY, EDEADLK, EEXIST, EINVAL, ENOENT, ENOMEM, ENOSPC, EOPNOTSUPP, EOVERFLOW, EPERM } from './errno.ts';
import type { FailNth } from './fail.ts';
import { IntervalTree, spansOf } from './interval_tree.ts';
import { U32_MAX, addHL, hi32, lastHL, lo32, ltHL, spanHL, u64 } from './u64.ts';
import { IoptPages, checkWritable } from './pages.ts';
import { PAGE_SIZE } from './usermem.ts';

export const ULONG_MAX = (1n << 64n) - 1n;
const PAGE = BigInt(PAGE_SIZE);
/** HPAGE_SIZE of x86-64 (the kernels are built with transparent huge pages). */
const HPAGE_SIZE = 2n * 1024n * 1024n;

/** IOMMU_READ / IOMMU_WRITE of an area. */
export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;

/** What the page table needs of an iommu_domain. */
export interface IoptDomain {
  /** Smallest IOPTE size (1 << __ffs(pgsize_bitmap)). */
  readonly pageSize: number;
  readonly apertureStart: bigint;
  readonly apertureEnd: bigint;
  /** The IOVAs [first, last] left the domain (its IOPTEs there are gone). */
  unmapped?(first: bigint, last: bigint): void;
}

/** What the page table needs of an iommufd_access. */
export interface IoptAccess {
  readonly iovaAlignment: number;
  /** The access's unmap callback: stop using (unpin) whatever overlaps [iova, iova + length). */
  unmap(iova: bigint, length: bigint): void;
}

/**
 * One slice of pages to map (an iopt_pages_list entry), in numbers: its
 * first and last page index in the pages, its byte offset into the first
 * page, and its length as u32 halves.
 */
export interface PagesSlice { pages: IoptPages; index: number; lastIndex: number; offset: number; lenHi: number; lenLo: number }

/** The slice of pages that starts startByte bytes into them and is length bytes long (length > 0). */
export function pagesSlice(pages: IoptPages, startByte: bigint, length: bigint): PagesSlice {
  return {
    pages, index: Number(startByte / PAGE), lastIndex: Number((startByte + length - 1n) / PAGE),
    offset: Number(startByte % PAGE), lenHi: hi32(length), lenLo: lo32(length),
  };
}

/** The page of the last byte of nHi:nLo bytes (not 0) from offset into page 0: (offset + length - 1) / PAGE_SIZE, exact. */
export function lastPageIndex(offset: number, nHi: number, nLo: number): number {
  return nHi * (2 ** 32 / PAGE_SIZE) + Math.floor((nLo + offset - 1) / PAGE_SIZE);
}

/** The slice of a new pages object: offset bytes into its first page, nHi:nLo bytes long (not 0). */
export function firstSlice(pages: IoptPages, offset: number, nHi: number, nLo: number): PagesSlice {
  return { pages, index: 0, lastIndex: lastPageIndex(offset, nHi, nLo), offset, lenHi: nHi, lenLo: nLo };
}

const overlapsHL = (t: IntervalTree, s: bigint, l: bigint) => t.first(s, l) !== 0;

export class IoPageTable {
  readonly areas = new IntervalTree();
  readonly reserved = new IntervalTree();
  allowed = new IntervalTree();
  private reservedOwner: unknown[] = [];
  /** Per area (by node id of `areas`): its pages (undefined while being set up), page index range, offset, prot. */
  private aPages: (IoptPages | undefined)[] = [];
  private aIndex = new Float64Array(0);
  private aLastIndex = new Float64Array(0);
  private aOffset = new Uint16Array(0);
  private aProt = new Uint8Array(0);
  private aAccesses = new Uint32Array(0);
  /** area->num_locks: pins of internal accesses (a HW queue's), which make unmapping the area EBUSY. */
  private aLocks = new Uint32Array(0);
  /** 1 while the area's pages are filled into the domains (it holds one user on its page range). */
  private aFilled = new Uint8Array(0);
  readonly domains: IoptDomain[] = [];
  readonly accesses: IoptAccess[] = [];
  iovaAlignment = 1;
  disableLargePages = false;

  constructor(readonly fail: FailNth) {}

  // --- area records -------------------------------------------------------

  private growAreas(id: number): void {
    if (id < this.aIndex.length) return;
    const n = Math.max(id + 1, 16, this.aIndex.length * 2);
    const g = <T extends Float64Array | Uint16Array | Uint8Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.aIndex = g(this.aIndex); this.aLastIndex = g(this.aLastIndex); this.aOffset = g(this.aOffset);
    this.aProt = g(this.aProt); this.aAccesses = g(this.aAccesses); this.aLocks = g(this.aLocks); this.aFilled = g(this.aFilled);
  }

  areaPages(id: number): IoptPages | undefined { return this.aPages[id]; }
  areaIova(id: number): bigint { return this.areas.start(id); }
  areaLast(id: number): bigint { return this.areas.last(id); }
  areaProt(id: number): number { return this.aProt[id]!; }
  areaIndex(id: number): number { return this.aIndex[id]!; }
  areaLastIndex(id: number): number { return this.aLastIndex[id]!; }
  areaAccesses(id: number): number { return this.aAccesses[id]!; }
  /** iopt_area_start_byte: byte offset into the pages of iova inside the area. */
  startByte(id: number, iova: bigint): bigint {
    return iova - this.areas.start(id) + BigInt(this.aOffset[id]!) + BigInt(this.aIndex[id]!) * PAGE;
  }
  indexOf(id: number, iova: bigint): number { return Number(this.startByte(id, iova) / PAGE); }

  /** Every area with its pages, in IOVA order. */
  *allAreas(): Generator<number> {
    yield* this.areas.overlaps(0n, ULONG_MAX);
  }

  /**
   * iopt_insert_area: checks, then [iova, last] (halves) enters the tree
   * with no pages yet. Returns the id or -errno. (The kernel also checks that
   * the slice's last byte fits in a u64: a slice lies inside its pages, so here it always does.)
   */
  private insertArea(s: PagesSlice, iHi: number, iLo: number, lHi: number, lLo: number, prot: number): number {
    if (checkWritable(s.pages, (prot & IOMMU_WRITE) !== 0)) return -EPERM;
    if (s.offset & (this.iovaAlignment - 1)) return -EINVAL;
    if (lHi > U32_MAX) return -EOVERFLOW;
    const id = this.areas.insertHL(iHi, iLo, lHi, lLo);
    this.growAreas(id);
    this.aPages[id] = undefined;
    this.aIndex[id] = s.index;
    this.aLastIndex[id] = s.lastIndex;
    this.aOffset[id] = s.offset;
    this.aProt[id] = prot;
    this.aAccesses[id] = 0;
    this.aLocks[id] = 0;
    this.aFilled[id] = 0;
    return id;
  }

  private removeArea(id: number): void {
    this.areas.remove(id);
    this.aPages[id] = undefined;
  }

  // --- mapping ------------------------------------------------------------

  /** Scratch for the last byte of a range, as halves (see lastHL). */
  private readonly q = [0, 0];

  /** iopt_check_iova: a fixed IOVA (halves) must be aligned, not reserved and not mapped; the range's last byte is left in q. */
  private checkIova(iHi: number, iLo: number, nHi: number, nLo: number): number {
    // The alignment never exceeds PAGE_SIZE, so the lower half decides.
    if (iLo & (this.iovaAlignment - 1)) return -EINVAL;
    const q = this.q;
    lastHL(q, iHi, iLo, nHi, nLo);
    if (q[0]! > U32_MAX) return -EOVERFLOW;
    if (!this.reserved.empty && this.reserved.firstHL(iHi, iLo, q[0]!, q[1]!)) return -EINVAL;
    // Areas never overlap, so the key probe answers; the insert at iova reuses its descent.
    if (this.areas.probeDisjointHL(iHi, iLo, q[0]!, q[1]!)) return -EEXIST;
    return 0;
  }

  /** iopt_alloc_iova: the lowest suitable IOVA, or -errno. */
  allocIova(addr: bigint, length: bigint): bigint | number {
    if (length === 0n || length >= ULONG_MAX / 2n) return -EOVERFLOW;
    const pageOffset = addr % PAGE;
    let align = roundupPow2(length);
    if (addr) { const low = addr & -addr; if (low < align) align = low; }
    if (align >= HPAGE_SIZE) align = HPAGE_SIZE;
    if (align < BigInt(this.iovaAlignment)) return -EINVAL;
    const fit = (start: bigint, last: bigint): bigint | undefined => {
      const aligned = (((start + align - 1n) & ~(align - 1n)) | pageOffset);
      if (start + align - 1n > ULONG_MAX) return undefined;
      return aligned >= last || last - aligned < length - 1n ? undefined : aligned;
    };
    const allowed = this.allowed.empty ? [{ hole: false, start: PAGE, last: ULONG_MAX - PAGE }]
      : this.allowed.spans(PAGE, ULONG_MAX - PAGE);
    for (const a of allowed) {
      if (a.hole) continue;
      const from = fit(a.start, a.last);
      if (from === undefined) continue;
      for (const h of spansOf([this.reserved, this.areas], from, a.last)) {
        if (!h.hole) continue;
        const iova = fit(h.start, h.last);
        if (iova !== undefined) return iova;
      }
    }
    return -ENOSPC;
  }

  /** The checks of iopt_map_pages before it places the IOVA: one allocation per slice, then the length. */
  private mapPrologue(list: PagesSlice[], nHi: number, nLo: number): number {
    for (let i = 0; i < list.length; i++) if (this.fail.shouldFail()) return -ENOMEM;
    if ((nLo & (this.iovaAlignment - 1)) || (nHi === 0 && nLo === 0)) return -EINVAL;
    return 0;
  }

  /**
   * iopt_map_pages at a fixed IOVA: areas for each slice at consecutive
   * IOVAs from iHi:iLo, nHi:nLo bytes in all, filled into every domain.
   * Takes the slices' page references on success only. Returns 0 or -errno.
   */
  mapPagesAt(list: PagesSlice[], nHi: number, nLo: number, iHi: number, iLo: number, prot: number): number {
    return this.mapPrologue(list, nHi, nLo) || this.checkIova(iHi, iLo, nHi, nLo) || this.insertAreas(list, iHi, iLo, prot);
  }

  /** iopt_map_pages at an IOVA it allocates (iopt_alloc_iova): the IOVA or -errno. */
  mapPagesAnywhere(list: PagesSlice[], nHi: number, nLo: number, prot: number): bigint | number {
    const rc = this.mapPrologue(list, nHi, nLo);
    if (rc) return rc;
    const first = list[0]!;
    const iova = this.allocIova(first.pages.startAddr(BigInt(first.index) * PAGE + BigInt(first.offset)), u64(nHi, nLo));
    if (typeof iova === 'number') return iova;
    return this.insertAreas(list, hi32(iova), lo32(iova), prot) || iova;
  }

  /** The areas of the slices, placed one after the other from iHi:iLo and filled into the domains; all or nothing. */
  private insertAreas(list: PagesSlice[], iHi: number, iLo: number, prot: number): number {
    const ids: number[] = [];
    const q = this.q;
    let rc = 0;
    for (const s of list) {
      lastHL(q, iHi, iLo, s.lenHi, s.lenLo);
      const id = this.insertArea(s, iHi, iLo, q[0]!, q[1]!, prot);
      if (id < 0) { rc = id; break; }
      ids.push(id);
      addHL(q, q[0]!, q[1]!, 0, 1);
      iHi = q[0]!; iLo = q[1]!;
    }
    if (!rc) rc = this.fillAll(ids, list);
    if (rc) {
      for (const id of ids) this.removeArea(id);
      return rc;
    }
    for (let i = 0; i < ids.length; i++) this.aPages[ids[i]!] = list[i]!.pages;
    return 0;
  }

  /** iopt_fill_domains_pages: every new area into the domains; all or nothing. */
  private fillAll(ids: number[], list: PagesSlice[]): number {
    if (!this.domains.length) return 0;
    for (let i = 0; i < ids.length; i++) {
      const rc = this.fillArea(ids[i]!, list[i]!.pages);
      if (rc) {
        for (let j = 0; j < i; j++) this.unfillArea(ids[j]!, list[j]!.pages);
        return rc;
      }
    }
    return 0;
  }

  private fillArea(id: number, pages: IoptPages): number {
    const rc = pages.fill(this.aIndex[id]!, this.aLastIndex[id]!, this.fail);
    if (!rc) this.aFilled[id] = 1;
    return rc;
  }

  private unfillArea(id: number, pages: IoptPages): void {
    if (!this.aFilled[id]) return;
    pages.unfill(this.aIndex[id]!, this.aLastIndex[id]!);
    this.aFilled[id] = 0;
  }

  /** iopt_get_pages: the slices under [iova, iova + length), each holding a page reference. */
  getPages(iova: bigint, length: bigint): PagesSlice[] | number {
    if (!length) return -EINVAL;
    const last = iova + length - 1n;
    if (last > ULONG_MAX) return -EOVERFLOW;
    const list: PagesSlice[] = [];
    const rc = this.contig(iova, last, (id, cur, end) => {
      if (this.fail.shouldFail()) return -ENOMEM;
      const pages = this.aPages[id]!;
      pages.kref++;
      list.push(pagesSlice(pages, this.startByte(id, cur), end - cur + 1n));
      return 0;
    });
    if (rc) { putPagesList(list); return rc; }
    return list;
  }

  /**
   * iopt_for_each_contig_area: fn on each area covering [iova, last] without
   * a gap, with the part of it inside the range; -ENOENT if they do not cover
   * it all, else fn's first error.
   */
  contig(iova: bigint, last: bigint, fn: (id: number, cur: bigint, end: bigint) => number): number {
    let cur = iova;
    let id = this.areas.first(iova, iova);
    while (id && this.aPages[id]) {
      const al = this.areas.last(id);
      const rc = fn(id, cur, al < last ? al : last);
      if (rc) return rc;
      if (al >= last) return 0;
      cur = al + 1n;
      id = this.areas.first(cur, cur);
      if (id && this.areas.start(id) !== cur) id = 0;
    }
    return -ENOENT;
  }

  /**
   * iopt_unmap_iova_range: removes the areas inside [start, last]. An area
   * the range cuts is -ENOENT (areas before it are already gone); accesses
   * are told to let go of an area first. unmapped counts the bytes removed.
   */
  unmapRange(sHi: number, sLo: number, lHi: number, lLo: number): number {
    this.unmappedHi = 0; this.unmappedLo = 0;
    let tries = 0;
    const t = this.areas, q = this.q;
    for (;;) {
      const id = t.firstHL(sHi, sLo, lHi, lLo);
      if (!id) break;
      if (!this.aPages[id] || this.aLocks[id]) return -EBUSY;
      const fHi = t.startHi(id), fLo = t.startLo(id), aHi = t.lastHi(id), aLo = t.lastLo(id);
      if (ltHL(fHi, fLo, sHi, sLo) || ltHL(lHi, lLo, aHi, aLo)) return -ENOENT;
      if (this.aAccesses[id]) {
        // The kernel retries after the unmap callbacks; accesses that never let go end in EDEADLOCK.
        if (++tries > 100) return -EDEADLK;
        sHi = fHi; sLo = fLo;
        const first = u64(fHi, fLo), len = u64(aHi, aLo) - first + 1n;
        for (const a of [...this.accesses]) a.unmap(first, len);
        continue;
      }
      tries = 0;
      this.destroyArea(id);
      // unmapped += last - first + 1, wrapping as an unsigned long does.
      spanHL(q, fHi, fLo, aHi, aLo);
      addHL(q, q[0]!, q[1]!, this.unmappedHi, this.unmappedLo);
      this.unmappedHi = q[0]! % 2 ** 32; this.unmappedLo = q[1]!;
      if (!ltHL(aHi, aLo, lHi, lLo)) break;
      addHL(q, aHi, aLo, 0, 1);
      sHi = q[0]!; sLo = q[1]!;
    }
    return 0;
  }

  /** Bytes the last unmap removed (its *unmapped), as halves. */
  unmappedHi = 0;
  unmappedLo = 0;
  get unmapped(): bigint { return u64(this.unmappedHi, this.unmappedLo); }

  private destroyArea(id: number): void {
    const pages = this.aPages[id]!;
    for (const d of this.domains) d.unmapped?.(this.areas.start(id), this.areas.last(id));
    this.unfillArea(id, pages);
    this.removeArea(id);
    pages.kref--;
  }

  /** iopt_unmap_iova: the superset rule over [iova, iova + length) (halves). 0 or -errno; see unmapped. */
  unmapIova(iHi: number, iLo: number, nHi: number, nLo: number): number {
    this.unmappedHi = 0; this.unmappedLo = 0;
    if (nHi === 0 && nLo === 0) return -EINVAL;
    lastHL(this.q, iHi, iLo, nHi, nLo);
    if (this.q[0]! > U32_MAX) return -EOVERFLOW;
    return this.unmapRange(iHi, iLo, this.q[0]!, this.q[1]!);
  }

  unmapAll(): number {
    return this.unmapRange(0, 0, U32_MAX, U32_MAX);
  }

  // --- reserved and allowed ranges -----------------------------------------

  /** iopt_reserve_iova: EADDRINUSE over an area or an allowed range. */
  reserve(start: bigint, last: bigint, owner: unknown): number {
    if (overlapsHL(this.areas, start, last) || overlapsHL(this.allowed, start, last)) return -EADDRINUSE;
    if (this.fail.shouldFail()) return -ENOMEM;
    const id = this.reserved.insert(start, last);
    this.reservedOwner[id] = owner;
    return 0;
  }

  removeReserved(owner: unknown): void {
    const mine = [...this.reserved.overlaps(0n, ULONG_MAX)].filter((id) => this.reservedOwner[id] === owner);
    for (const id of mine) { this.reserved.remove(id); this.reservedOwner[id] = undefined; }
  }

  /** iopt_set_allow_iova: the new list replaces the old unless one of its ranges is reserved. */
  setAllowed(next: IntervalTree): number {
    for (const id of next.overlaps(0n, ULONG_MAX)) {
      if (overlapsHL(this.reserved, next.start(id), next.last(id))) return -EADDRINUSE;
    }
    this.allowed = next;
    return 0;
  }

  // --- domains, accesses and the IOVA alignment ------------------------------

  /** iopt_check_iova_alignment: every area conforms to a larger alignment, else EADDRINUSE. */
  private checkAlignment(align: number): number {
    const m = BigInt(align - 1);
    for (const id of this.allAreas()) {
      if ((this.areas.start(id) & m) || ((this.areas.last(id) - this.areas.start(id) + 1n) & m) ||
        (this.aOffset[id]! & (align - 1))) return -EADDRINUSE;
    }
    return 0;
  }

  /** iopt_table_add_domain: aperture reserved, every area pinned and mapped; all or nothing. */
  addDomain(d: IoptDomain): number {
    const align = Math.max(d.pageSize, this.iovaAlignment);
    if (align > PAGE_SIZE) return -EINVAL;
    if (align !== this.iovaAlignment) {
      const rc = this.checkAlignment(align);
      if (rc) return rc;
    }
    let rc = 0;
    if (d.apertureStart !== 0n) rc = this.reserve(0n, d.apertureStart - 1n, d);
    if (!rc && d.apertureEnd !== ULONG_MAX) rc = this.reserve(d.apertureEnd + 1n, ULONG_MAX, d);
    if (!rc && this.fail.shouldFail()) rc = -ENOMEM;
    if (!rc && !this.domains.length) rc = this.fillDomain();
    if (rc) { this.removeReserved(d); return rc; }
    this.iovaAlignment = align;
    this.domains.push(d);
    return 0;
  }

  /** iopt_fill_domain for the first domain: every area's pages get pinned. */
  private fillDomain(): number {
    const done: number[] = [];
    for (const id of this.allAreas()) {
      const pages = this.aPages[id];
      if (!pages) continue;
      const rc = this.fillArea(id, pages);
      if (rc) {
        for (const d of done) this.unfillArea(d, this.aPages[d]!);
        return rc;
      }
      done.push(id);
    }
    return 0;
  }

  removeDomain(d: IoptDomain): void {
    const i = this.domains.indexOf(d);
    if (i < 0) return;
    this.domains.splice(i, 1);
    if (!this.domains.length) {
      for (const id of this.allAreas()) { const p = this.aPages[id]; if (p) this.unfillArea(id, p); }
    }
    this.removeReserved(d);
    this.calculateAlignment();
  }

  /** iopt_calculate_iova_alignment: the largest need of the domains, accesses and the huge page option. */
  calculateAlignment(): number {
    let align = this.disableLargePages ? PAGE_SIZE : 1;
    for (const d of this.domains) align = Math.max(align, d.pageSize);
    for (const a of this.accesses) align = Math.max(align, a.iovaAlignment);
    if (align > this.iovaAlignment) {
      const rc = this.checkAlignment(align);
      if (rc) return rc;
    }
    this.iovaAlignment = align;
    return 0;
  }

  addAccess(a: IoptAccess): number {
    if (this.fail.shouldFail()) return -ENOMEM;
    this.accesses.push(a);
    const rc = this.calculateAlignment();
    if (rc) this.accesses.pop();
    return rc;
  }

  removeAccess(a: IoptAccess): void {
    const i = this.accesses.indexOf(a);
    if (i >= 0) this.accesses.splice(i, 1);
    this.calculateAlignment();
  }

  /** iopt_disable_large_pages: refused once domains hold mappings. */
  disableLarge(): number {
    if (this.disableLargePages) return 0;
    if (this.domains.length && !this.areas.empty) return -EINVAL;
    this.disableLargePages = true;
    const rc = this.calculateAlignment();
    if (rc) this.disableLargePages = false;
    return rc;
  }

  enableLarge(): void {
    this.disableLargePages = false;
    this.calculateAlignment();
  }

  // --- accesses -----------------------------------------------------------

  /** Counts an access on an area (iopt_area_add_access bookkeeping). */
  addAreaAccess(id: number, d: number): void { this.aAccesses[id] = this.aAccesses[id]! + d; }
  addAreaLock(id: number, d: number): void { this.aLocks[id] = this.aLocks[id]! + d; }

  /** Whether [cur..] of the area is page aligned for pinning (iopt_area_contig_is_aligned). */
  contigAligned(id: number, cur: bigint, isLast: boolean): boolean {
    if (this.startByte(id, cur) % PAGE) return false;
    return isLast || this.startByte(id, this.areas.last(id)) % PAGE === PAGE - 1n;
  }

  // --- VFIO type1: splitting areas -------------------------------------------

  /** iopt_cut_iova: splits the areas containing each iova so that it becomes an area's last byte. */
  cutIova(iovas: bigint[]): number {
    for (const iova of iovas) {
      const id = this.areas.first(iova, iova);
      if (!id) continue;
      const rc = this.splitArea(id, iova);
      if (rc) return rc;
    }
    return 0;
  }

  private splitArea(id: number, iova: bigint): number {
    const start = this.areas.start(id), last = this.areas.last(id);
    if (iova === start || iova === last) return 0;
    const pages = this.aPages[id];
    if (!pages) return -EBUSY;
    // The domains' view of a dma-buf's areas is not kept per split area.
    if (pages.dmabuf) return -EOPNOTSUPP;
    const align = BigInt(this.iovaAlignment - 1);
    const next = iova + 1n;
    if ((next & align) || (this.startByte(id, next) & align)) return -EINVAL;
    if (this.fail.shouldFail() || this.fail.shouldFail()) return -ENOMEM;
    if (this.aAccesses[id]) return -EINVAL;
    if (this.aFilled[id] && !this.disableLargePages) return -EINVAL;
    const prot = this.aProt[id]!, filled = this.aFilled[id]!;
    const lhs = pagesSlice(pages, this.startByte(id, start), next - start);
    const rhs = pagesSlice(pages, this.startByte(id, next), last - next + 1n);
    this.removeArea(id);
    const l = this.insertArea(lhs, hi32(start), lo32(start), hi32(iova), lo32(iova), prot);
    const r = this.insertArea(rhs, hi32(next), lo32(next), hi32(last), lo32(last), prot);
    this.aPages[l] = pages; this.aPages[r] = pages;
    pages.kref++;
    if (filled) {
      // The pins stay; the two halves cover what the whole did, sharing a page if the cut is inside one.
      this.aFilled[l] = 1; this.aFilled[r] = 1;
      if (this.aLastIndex[l] === this.aIndex[r]) pages.addUsers(this.aIndex[r]!, 1);
    }
    return 0;
  }

  /** The state as text, for observe(). */
  describe(): string {
    const out: string[] = [`align=${this.iovaAlignment} large=${!this.disableLargePages} domains=${this.domains.length} accesses=${this.accesses.length}`];
    for (const id of this.allAreas()) {
      const p = this.aPages[id]!;
      out.push(`area ${hex(this.areas.start(id))}-${hex(this.areas.last(id))} prot=${this.aProt[id]} index=${this.aIndex[id]}+${this.aOffset[id]} filled=${this.aFilled[id]} accesses=${this.aAccesses[id]} locks=${this.aLocks[id]} pages(npinned=${p.npinned} kref=${p.kref}${p.dmabuf ? ` dmabuf revoked=${p.dmabuf.revoked}` : ''})`);
    }
    for (const id of this.reserved.overlaps(0n, ULONG_MAX)) out.push(`reserved ${hex(this.reserved.start(id))}-${hex(this.reserved.last(id))}`);
    for (const id of this.allowed.overlaps(0n, ULONG_MAX)) out.push(`allowed ${hex(this.allowed.start(id))}-${hex(this.allowed.last(id))}`);
    return out.join('\n');
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** roundup_pow_of_two for 0 < v < 2^63. */
function roundupPow2(v: bigint): bigint {
  let p = 1n;
  while (p < v) p <<= 1n;
  return p;
}

/** iopt_free_pages_list: drops the references the slices hold. */
export function putPagesList(list: PagesSlice[]): void {
  for (const s of list) s.pages.kref--;
}

