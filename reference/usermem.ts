// The simulated caller's address space: mappings (VMAs) with protections
// over anonymous or memfd-like backings, and the copy_from_user /
// copy_to_user primitives the engine uses on it (EFAULT where a real kernel
// would fault). Addresses are JS numbers: user space lies below 2^47.
import { EFAULT, EINVAL, ENOMEM } from './errno.ts';
import { PROT_READ, PROT_WRITE } from '../spec/loader/constants.ts';

export { PROT_READ, PROT_WRITE };

export const PAGE_SIZE = 4096;
/** The default hugetlb page size of x86-64 (MAP_HUGETLB without a size). */
export const HUGE_PAGE_SIZE = 2 * 1024 * 1024;
/** Highest user address + 1 on x86-64 with 4-level paging. */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;
const MMAP_BASE = 2 ** 40;

/** Bumped by every change of a mapping or a file size: it invalidates each address space's page cache. */
let layoutEpoch = 0;

/**
 * Memory a mapping shows: anonymous memory or a memfd-like file. Pages are
 * allocated on first write. A hugetlb backing (MAP_HUGETLB) is made of
 * HUGE_PAGE_SIZE pages, each physically contiguous and aligned, which is
 * what lets a domain map it with large IOPTEs; two of them are never taken
 * as contiguous with each other (the kernel's may happen to be).
 */
export class Backing {
  readonly pages = new Map<number, Uint8Array>();
  constructor(public size: number, readonly hugetlb = false) {}
  /**
   * Told how many more (or fewer) mappings show this backing, as a driver's
   * vm_ops open and close are: set for memory a driver exports (an iommufd's
   * mmap region), whose owner each mapping holds.
   */
  mapped?: (delta: number) => void = undefined;

  page(index: number, create: boolean): Uint8Array | undefined {
    let p = this.pages.get(index);
    if (!p && create) { p = new Uint8Array(PAGE_SIZE); this.pages.set(index, p); }
    return p;
  }

  /** A private copy, as fork() gives the child of anonymous memory. */
  clone(): Backing {
    const b = new Backing(this.size, this.hugetlb);
    for (const [i, p] of this.pages) b.pages.set(i, p.slice());
    return b;
  }

  truncate(size: number): void {
    layoutEpoch++;
    const keep = Math.ceil(size / PAGE_SIZE);
    for (const i of this.pages.keys()) if (i >= keep) this.pages.delete(i);
    const tail = this.pages.get(Math.floor(size / PAGE_SIZE));
    if (tail && size % PAGE_SIZE) tail.fill(0, size % PAGE_SIZE);
    this.size = size;
  }
}

/** anon: private anonymous memory (copied on fork), else a shared file mapping. */
export interface Vma { start: number; end: number; prot: number; backing: Backing; offset: number; anon: boolean }

const isPageAligned = (n: number) => n % PAGE_SIZE === 0;
/** Copies up to this many bytes go byte by byte: cheaper than a subarray view for an ioctl struct. */
const SMALL = 64;

export class AddressSpace {
  /** Sorted by start, non-overlapping; lookups are binary searches. */
  private vmas: Vma[] = [];
  private next = MMAP_BASE;

  /** Index of the VMA containing addr, or -1. */
  private find(addr: number): number {
    let lo = 0, hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid]!;
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.end) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  vmaAt(addr: number): Vma | undefined {
    const i = this.find(addr);
    return i < 0 ? undefined : this.vmas[i];
  }

  /**
   * Maps length bytes (rounded up to pages) of a backing, or of fresh
   * anonymous memory, hugetlb if asked (then address and length are rounded
   * to HUGE_PAGE_SIZE); returns the address or -errno.
   */
  mmap(length: number, prot: number, backing?: Backing, offset = 0, hugetlb = false): number {
    if (!Number.isSafeInteger(length) || length <= 0 || !isPageAligned(offset)) return -EINVAL;
    const unit = hugetlb ? HUGE_PAGE_SIZE : PAGE_SIZE;
    const len = Math.ceil(length / unit) * unit;
    const start = Math.ceil(this.next / unit) * unit;
    if (start + len > TASK_SIZE) return -ENOMEM;
    this.next = start + len + PAGE_SIZE; // a guard page between mappings
    this.insert({ start, end: start + len, prot, backing: backing ?? new Backing(len, hugetlb), offset, anon: !backing });
    backing?.mapped?.(1);
    return start;
  }

  /** The child's address space after fork(): the same mappings, anonymous memory copied, files shared. */
  fork(): AddressSpace {
    const copies = new Map<Backing, Backing>();
    const child = new AddressSpace();
    child.next = this.next;
    child.vmas = this.vmas.map((v) => {
      if (!v.anon) { v.backing.mapped?.(1); return { ...v }; }
      let b = copies.get(v.backing);
      if (!b) copies.set(v.backing, (b = v.backing.clone()));
      return { ...v, backing: b };
    });
    return child;
  }

  private insert(v: Vma): void {
    layoutEpoch++;
    let lo = 0, hi = this.vmas.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.vmas[mid]!.start < v.start) lo = mid + 1; else hi = mid; }
    this.vmas.splice(lo, 0, v);
  }

  /** Applies fn to the parts of [addr, addr+len) that are mapped, splitting VMAs at the edges. */
  private carve(addr: number, len: number, fn: (v: Vma) => Vma | undefined): void {
    const end = addr + len;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= end) { out.push(v); continue; }
      const before = out.length;
      if (v.start < addr) out.push({ ...v, end: addr });
      const mid = { ...v, start: Math.max(v.start, addr), end: Math.min(v.end, end) };
      mid.offset = v.offset + (mid.start - v.start);
      const kept = fn(mid);
      if (kept) out.push(kept);
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) });
      // A split mapping is one more (vm_ops open); an unmapped one is one fewer (close).
      if (v.backing.mapped && out.length - before !== 1) v.backing.mapped(out.length - before - 1);
    }
    this.vmas = out;
    layoutEpoch++;
  }

  munmap(addr: number, length: number): number {
    if (!isPageAligned(addr) || length <= 0 || addr + length > TASK_SIZE) return -EINVAL;
    this.carve(addr, Math.ceil(length / PAGE_SIZE) * PAGE_SIZE, () => undefined);
    return 0;
  }

  mprotect(addr: number, length: number, prot: number): number {
    if (!isPageAligned(addr) || length < 0) return -EINVAL;
    const len = Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
    for (let a = addr; a < addr + len;) {
      const v = this.vmaAt(a);
      if (!v) return -ENOMEM;
      a = v.end;
    }
    this.carve(addr, len, (v) => ({ ...v, prot }));
    return 0;
  }

  /**
   * Walks [addr, addr+len) page by page, calling fn(page bytes or undefined
   * for a never-written page, offset in page, count, position in the walk).
   * Returns 0, or -EFAULT at the first byte that is unmapped, lacks `prot`
   * or lies beyond the end of its file. fn may stop the walk by returning false.
   */
  walk(addr: number, len: number, prot: number, create: boolean,
    fn: (page: Uint8Array | undefined, off: number, n: number, pos: number) => boolean | void): number {
    if (len === 0) return 0;
    if (!Number.isSafeInteger(addr) || addr < 0 || addr + len > TASK_SIZE) return -EFAULT;
    let pos = 0;
    while (pos < len) {
      const a = addr + pos;
      const v = this.vmaAt(a);
      if (!v || (v.prot & prot) !== prot) return -EFAULT;
      const fileOff = v.offset + (a - v.start);
      if (fileOff >= v.backing.size) return -EFAULT;
      const inPage = fileOff % PAGE_SIZE;
      const n = Math.min(len - pos, PAGE_SIZE - inPage, v.end - a, v.backing.size - fileOff);
      if (fn(v.backing.page(Math.floor(fileOff / PAGE_SIZE), create), inPage, n, pos) === false) return 0;
      pos += n;
    }
    return 0;
  }

  /** Offset in its page of the last onePage() hit. */
  private oneOff = 0;
  /** The last whole page onePage() found (an ioctl argument is read and written back in one): its user address, bytes and protection. */
  private cBase = -1;
  private cPage: Uint8Array | undefined;
  private cView: DataView | undefined;
  private cProt = 0;
  private cEpoch = -1;

  /**
   * The page holding all of [addr, addr + len) with prot when one page does
   * (the common small struct): the page, null for a never-written one, or
   * undefined to take the general walk. The offset is left in oneOff.
   */
  private onePage(addr: number, len: number, prot: number, create: boolean): Uint8Array | null | undefined {
    const off = addr % PAGE_SIZE;
    if (addr - off === this.cBase && this.cEpoch === layoutEpoch && off + len <= PAGE_SIZE && (this.cProt & prot) === prot) {
      this.oneOff = off;
      return this.cPage;
    }
    const v = this.vmaAt(addr);
    if (!v || (v.prot & prot) !== prot || addr + len > v.end) return undefined;
    const fileOff = v.offset + (addr - v.start);
    const inPage = fileOff % PAGE_SIZE;
    if (inPage + len > PAGE_SIZE || fileOff + len > v.backing.size) return undefined;
    this.oneOff = inPage;
    const page = v.backing.page(Math.floor(fileOff / PAGE_SIZE), create);
    if (!page) return null;
    if (fileOff - inPage + PAGE_SIZE <= v.backing.size) {
      this.cBase = addr - inPage; this.cPage = page; this.cProt = v.prot; this.cEpoch = layoutEpoch;
      this.cView = new DataView(page.buffer, page.byteOffset, PAGE_SIZE);
    }
    return page;
  }

  /** copy_from_user of len bytes (all of dst by default; dstView, a view of dst, lets a small copy go by words): 0 or -EFAULT. */
  copyFrom(addr: number, dst: Uint8Array, len = dst.length, dstView?: DataView): number {
    const one = this.onePage(addr, len, PROT_READ, false);
    if (one !== undefined) {
      if (!one) dst.fill(0, 0, len);
      else if (len <= SMALL && dstView && one === this.cPage) copyWords(dstView, 0, this.cView!, this.oneOff, len);
      else if (len <= SMALL) for (let i = 0, o = this.oneOff; i < len; i++) dst[i] = one[o + i]!;
      else dst.set(one.subarray(this.oneOff, this.oneOff + len));
      return 0;
    }
    return this.walk(addr, len, PROT_READ, false, (p, off, n, pos) => {
      if (p) dst.set(p.subarray(off, off + n), pos); else dst.fill(0, pos, pos + n);
    });
  }

  /** copy_to_user of len bytes (all of src by default; srcView as dstView above): 0 or -EFAULT (bytes before the fault may already be written, as in the kernel). */
  copyTo(addr: number, src: Uint8Array, len = src.length, srcView?: DataView): number {
    const one = this.onePage(addr, len, PROT_WRITE, true);
    if (one) {
      if (len <= SMALL && srcView && one === this.cPage) copyWords(this.cView!, this.oneOff, srcView, 0, len);
      else if (len <= SMALL) for (let i = 0, o = this.oneOff; i < len; i++) one[o + i] = src[i]!;
      else one.set(len === src.length ? src : src.subarray(0, len), this.oneOff);
      return 0;
    }
    return this.walk(addr, len, PROT_WRITE, true, (p, off, n, pos) => { p!.set(src.subarray(pos, pos + n), off); });
  }

  /** get_user of a little-endian u32: the value, or -EFAULT. */
  readU32(addr: number): number {
    const one = this.onePage(addr, 4, PROT_READ, false);
    if (one === undefined) return this.copyFrom(addr, this.u32buf) < 0 ? -EFAULT : this.u32view.getUint32(0, true);
    if (!one) return 0;
    const o = this.oneOff;
    return (one[o]! | one[o + 1]! << 8 | one[o + 2]! << 16) + one[o + 3]! * 0x100_0000;
  }
  private readonly u32buf = new Uint8Array(4);
  private readonly u32view = new DataView(this.u32buf.buffer);

  /** check_zeroed_user: 1 if all len bytes are zero, 0 at the first non-zero one, -EFAULT if a fault comes first. */
  checkZeroed(addr: number, len: number): number {
    let zero = true;
    const rc = this.walk(addr, len, PROT_READ, false, (p, off, n) => {
      if (!p) return true;
      for (let i = off; i < off + n; i++) if (p[i]) { zero = false; return false; }
      return true;
    });
    if (!zero) return 0;
    return rc < 0 ? rc : 1;
  }
}

/** A small copy four bytes at a time (a struct's fields are 4-byte multiples), then the odd bytes. */
function copyWords(dst: DataView, dOff: number, src: DataView, sOff: number, len: number): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) dst.setUint32(dOff + i, src.getUint32(sOff + i, true), true);
  for (; i < len; i++) dst.setUint8(dOff + i, src.getUint8(sOff + i));
}

/** A u64 from an ioctl argument as a user address, or -1 when no user address can have that value. */
export function userAddr(v: bigint): number {
  return v >= 0n && v < BigInt(TASK_SIZE) ? Number(v) : -1;
}

