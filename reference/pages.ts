// iopt_pages: a linear run of user memory (a user VA range or a memfd file
// range) that areas of one or several IO page tables refer to. Its pages are
// pinned only while something needs them: an area filled into the domains of
// its page table, or an access. Each page is pinned once per iopt_pages
// however many users cover it, and every change in the pinned count is
// charged as iopt_pages_update_pinned does.
import { EFAULT, EINVAL, ENOMEM, EPERM } from './errno.ts';
import type { DmabufImport } from './dmabuf.ts';
import type { FailNth } from './fail.ts';
import type { Task, User } from './task.ts';
import { type Backing, PAGE_SIZE, PROT_READ, PROT_WRITE, pageIn } from './usermem.ts';

/** IOPT_PAGES_ACCOUNT_*: who is charged for pinned pages. */
export const enum PagesAccount { NONE = 0, USER = 1, MM = 2 }

/** A physical page: a page of a backing (anonymous memory or memfd). */
export interface PhysPage { backing: Backing; index: number }

/**
 * The pins of one engine (a process and its forked children, which share
 * their files): the pin refcount of every physical page, and the total a leak
 * check reads. Per engine, so that two engines in one Node process never see
 * each other's pins.
 */
export class PinLedger {
  private readonly perPage = new WeakMap<Backing, Map<number, number>>();
  private live = 0;

  /** Pins currently held on the physical page (what IOMMU_TEST_OP_MD_CHECK_REFS compares). */
  count(p: PhysPage): number {
    return this.perPage.get(p.backing)?.get(p.index) ?? 0;
  }

  /** Pins held on all physical pages of this engine (leak checks). */
  total(): number { return this.live; }

  pin(p: PhysPage, delta: number): void {
    let m = this.perPage.get(p.backing);
    if (!m) this.perPage.set(p.backing, (m = new Map()));
    const n = (m.get(p.index) ?? 0) + delta;
    if (n) m.set(p.index, n); else m.delete(p.index);
    this.live += delta;
  }
}

/** A pinned page of an iopt_pages and how many users (domain fills, accesses) cover it. */
interface Pin { phys: PhysPage; users: number }

/** The memfd-like file an iopt_pages maps, or null for a file that cannot be pinned (not shmem). */
export type PagesFile = Backing | null;

export class IoptPages {
  kref = 1;
  npinned = 0;
  lastNpinned = 0;
  accountMode: PagesAccount;
  /** The task (and its mm and user) charged for pins; IOMMU_IOAS_CHANGE_PROCESS moves it. */
  source: Task;
  user: User;
  /** Pinned pages by index; absent while nothing is pinned. */
  pins?: Map<number, Pin>;
  /** Exact access intervals "first,last" -> users (the kernel's access_itree). */
  accesses?: Map<string, number>;
  /** IOPT_ADDRESS_DMABUF: the imported dma-buf; its pages are physical memory, never pinned or charged. */
  dmabuf?: DmabufImport = undefined;

  constructor(
    /** The engine's pins: every page this iopt_pages pins is counted there. */
    readonly ledger: PinLedger,
    /** Number of PAGE_SIZE pages from the page-aligned base. */
    readonly npages: number,
    readonly writable: boolean,
    task: Task,
    /** IOPT_ADDRESS_USER: the page-aligned user VA; IOPT_ADDRESS_FILE: the file and page-aligned start. */
    readonly uptr: number,
    readonly file?: PagesFile,
    readonly fileStart = 0n,
  ) {
    this.source = task;
    this.user = task.user;
    this.accountMode = task.capIpcLock ? PagesAccount.NONE : PagesAccount.USER;
  }

  get isFile(): boolean { return this.file !== undefined; }

  /** The address (user VA or file offset) of the first byte, for IOVA alignment hints. */
  startAddr(startByte: bigint): bigint {
    if (this.dmabuf) return startByte + this.dmabuf.start;
    return startByte + (this.isFile ? this.fileStart : BigInt(this.uptr));
  }

  /** The physical page under index, resolved as pinning would (GUP or memfd_pin_folios), or -errno. */
  resolve(index: number, write: boolean): PhysPage | number {
    if (this.file !== undefined) {
      const off = this.fileStart + BigInt(index) * BigInt(PAGE_SIZE);
      // Only shmem files pin, and never past their end.
      if (!this.file || off >= BigInt(this.file.size)) return -EINVAL;
      return { backing: this.file, index: Number(off) / PAGE_SIZE };
    }
    return gup(this.source, this.uptr + index * PAGE_SIZE, write);
  }

  /** Covers [first, last] with one more user, pinning what is not pinned yet; 0 or -errno, all or nothing. */
  fill(first: number, last: number, fail: FailNth): number {
    // A dma-buf is mapped from its physical range (if not revoked); nothing is pinned.
    if (this.dmabuf) return fail.shouldFail() ? -ENOMEM : 0;
    const pins = this.pins ?? new Map<number, Pin>();
    const fresh: [number, PhysPage][] = [];
    for (let i = first; i <= last; i++) {
      if (pins.has(i)) continue;
      const p = this.resolve(i, this.writable);
      if (typeof p === 'number') return p;
      fresh.push([i, p]);
    }
    if (fresh.length && fail.shouldFail()) return -ENOMEM;
    const rc = updatePinned(this, fresh.length, true);
    if (rc) return rc;
    this.pins = pins;
    for (const [i, phys] of fresh) { pins.set(i, { phys, users: 0 }); this.ledger.pin(phys, 1); }
    for (let i = first; i <= last; i++) pins.get(i)!.users++;
    this.npinned += fresh.length;
    this.lastNpinned = this.npinned;
    return 0;
  }

  /** Drops one user from [first, last]; pages nobody covers any more are unpinned and uncharged. */
  unfill(first: number, last: number): void {
    if (this.dmabuf) return;
    const pins = this.pins!;
    let freed = 0;
    for (let i = first; i <= last; i++) {
      const p = pins.get(i)!;
      if (--p.users) continue;
      pins.delete(i);
      this.ledger.pin(p.phys, -1);
      freed++;
    }
    if (!pins.size) this.pins = undefined;
    this.npinned -= freed;
    if (freed) updatePinned(this, freed, false);
  }

  /** Adds users to one already pinned page (an area split in two inside it). */
  addUsers(index: number, d: number): void { this.pins!.get(index)!.users += d; }

  /** The pinned physical page at index, if any. */
  pinned(index: number): PhysPage | undefined {
    return this.pins?.get(index)?.phys;
  }
}

/**
 * get_user_pages(FOLL_LONGTERM) on the task's mm: the physical page under
 * addr or -EFAULT. In a private file mapping even a read-only pin unshares:
 * the process gets its own copy first and the pin holds that copy, so what
 * the process writes later is what the device sees (mm/gup.c for
 * long-term pins in copy-on-write mappings). A short-term read (longterm
 * false: get_user_pages_fast as the selftest's checks call it) takes the
 * page mapped now, the file's while the process has no copy.
 */
export function gup(task: Task, addr: number, write: boolean, longterm = true): PhysPage | number {
  const v = task.mm.vmaAt(addr);
  if (!v || (v.prot & (write ? PROT_WRITE : PROT_READ)) === 0) return -EFAULT;
  const off = v.offset + (addr - v.start);
  if (off >= v.backing.size) return -EFAULT;
  const index = Math.floor(off / PAGE_SIZE);
  if (!v.cow) return { backing: v.backing, index };
  if (longterm || write) pageIn(v, index, true);
  return { backing: v.cow.pages.has(index) ? v.cow : v.backing, index };
}

const pagesOf = (bytes: number) => Math.floor(bytes / PAGE_SIZE);

/** The RLIMIT_MEMLOCK of a task in pages. */
function lockLimit(task: Task): number {
  return task.rlimitMemlock === Infinity ? Infinity : pagesOf(task.rlimitMemlock);
}

/** Charges (inc) or uncharges npages as iopt_pages_update_pinned: 0 or -ENOMEM. */
export function updatePinned(pages: IoptPages, npages: number, inc: boolean): number {
  if (!npages) return 0;
  const rc = charge(pages.accountMode, pages.source, pages.user, npages, inc);
  if (rc) return rc;
  pages.lastNpinned = pages.npinned;
  return 0;
}

/** The charge itself, by mode, against a source task and user; VmPin moves in every mode. */
export function charge(mode: PagesAccount, task: Task, user: User, npages: number, inc: boolean): number {
  const d = inc ? npages : -npages;
  if (mode === PagesAccount.USER) {
    if (inc && user.lockedVm + npages > lockLimit(task)) return -ENOMEM;
    user.lockedVm += d;
  } else if (mode === PagesAccount.MM) {
    if (inc && task.lockedVm + npages > lockLimit(task)) return -ENOMEM;
    task.lockedVm += d;
  }
  task.pinnedVm += d;
  return 0;
}

/** EPERM for a writable use of read-only pages (iopt_insert_area, access checks). */
export function checkWritable(pages: IoptPages, write: boolean): number {
  return write && !pages.writable ? -EPERM : 0;
}
