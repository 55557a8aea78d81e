// Dirty state of a mock domain: in 7.3 the mock is the AMDv1 format of the
// generic page table, whose IOPTEs carry a write-dirty bit, and the domain's
// flag MOCK_DIRTY_TRACK says whether tracking is on. The dirty IOPTEs are kept
// as an interval tree of IOVA ranges, one node per IOPTE, so that a read costs
// a descent plus the dirty IOPTEs it meets, never a walk of every mapping.
//
// Which IOPTE maps an IOVA follows how iommufd fills the mock: each
// physically contiguous run of an area is one map call (batch_to_domain; with
// huge pages off, one call per page), and the generic page table maps it with
// the largest IOPTE size of the domain that both the IOVA and the physical
// address allow and the run still covers (a part of a page: 2 KiB IOPTEs).
// An engine page is contiguous only with the rest of its hugetlb page
// (usermem.ts Backing): plain pages, and two hugetlb pages, never are. The
// kernel's may be (transparent huge pages, neighbouring hugetlb pages), which
// makes larger IOPTEs on the default table there: scenarios that depend on the
// IOPTE size turn huge pages off, or read the huge table, whose IOPTEs stop at
// MOCK_HUGE_PAGE_SIZE, half a hugetlb page.
import { constant } from '../spec/loader/constants.ts';
import type { IoPageTable } from './io_pagetable.ts';
import { IntervalTree } from './interval_tree.ts';
import { HUGE_PAGE_SIZE, PAGE_SIZE } from './usermem.ts';

const PAGE = BigInt(PAGE_SIZE);
const HUGE = BigInt(HUGE_PAGE_SIZE);
const MOCK_PAGE = constant('MOCK_PAGE_SIZE');

/**
 * The physically contiguous run that holds iova in area id, as [first, last]
 * IOVAs, and base: the IOVA where its physical page (PAGE_SIZE or hugetlb)
 * begins, which fixes the physical alignment of every IOVA of the run.
 */
function runAt(iopt: IoPageTable, id: number, iova: bigint): { first: bigint; last: bigint; base: bigint } {
  const pages = iopt.areaPages(id)!;
  const byte = iopt.startByte(id, iova);
  let base = iova - byte % PAGE, size = PAGE;
  const phys = pages.pinned(Number(byte / PAGE));
  if (phys?.backing.hugetlb && !iopt.disableLargePages) {
    const inHuge = BigInt(phys.index * PAGE_SIZE % HUGE_PAGE_SIZE) + byte % PAGE;
    const b = iova - inHuge;
    // The run's far ends must still be this huge page (the area is linear in it).
    const lo = b < iopt.areaIova(id) ? iopt.areaIova(id) : b;
    const hi = b + HUGE - 1n > iopt.areaLast(id) ? iopt.areaLast(id) : b + HUGE - 1n;
    const at = Number(byte / PAGE);
    const same = (v: bigint) => {
      const i = iopt.indexOf(id, v), p = pages.pinned(i);
      return p?.backing === phys.backing && p.index - phys.index === i - at;
    };
    if (same(lo) && same(hi)) { base = b; size = HUGE; }
  }
  const first = base < iopt.areaIova(id) ? iopt.areaIova(id) : base;
  const last = base + size - 1n > iopt.areaLast(id) ? iopt.areaLast(id) : base + size - 1n;
  return { first, last, base };
}

/**
 * The IOPTE mapping iova in iopt on a domain with these IOPTE sizes (largest
 * first), as [first, last], or undefined where nothing is mapped.
 */
export function iopteAt(iopt: IoPageTable, sizes: readonly bigint[], iova: bigint): [bigint, bigint] | undefined {
  const id = iopt.areas.first(iova, iova);
  if (!id || !iopt.areaPages(id)) return undefined;
  const run = runAt(iopt, id, iova);
  for (const s of sizes) {
    const b = iova - iova % s;
    if (b >= run.first && b + s - 1n <= run.last && (b - run.base) % s === 0n) return [b, b + s - 1n];
  }
  const unit = iova - iova % MOCK_PAGE;
  return [unit, unit + MOCK_PAGE - 1n];
}

export class MockDirty {
  /** MOCK_DIRTY_TRACK of the mock domain. */
  tracking = false;
  private readonly ioptes = new IntervalTree();
  /** The IOPTE sizes of the domain's page table, largest first. */
  constructor(readonly sizes: readonly bigint[]) {}

  get count(): number { return this.ioptes.size; }

  /** set_dirty: the IOPTE mapping iova becomes dirty (nothing happens where none does). */
  mark(iopt: IoPageTable, iova: bigint): void {
    const e = iopteAt(iopt, this.sizes, iova);
    if (!e || this.ioptes.first(e[0], e[0])) return;
    this.ioptes.insert(e[0], e[1]);
  }

  /**
   * read_and_clear_dirty over [iova, last]: report(first, length) for every
   * dirty IOPTE that overlaps the range, whole, in IOVA order; each is
   * cleared unless noClear.
   */
  read(iova: bigint, last: bigint, noClear: boolean, report: (first: bigint, length: bigint) => void): void {
    const t = this.ioptes;
    if (t.empty) return;
    const found: number[] = [];
    for (const id of t.overlaps(iova, last)) found.push(id);
    for (const id of found) {
      const first = t.start(id);
      report(first, t.last(id) - first + 1n);
      if (!noClear) t.remove(id);
    }
  }

  /** Clears every dirty IOPTE (iopt_clear_dirty_data: every area's IOPTEs). */
  clearAll(): void {
    for (const id of [...this.ioptes.overlaps(0n, (1n << 64n) - 1n)]) this.ioptes.remove(id);
  }

  /** The IOVAs [first, last] were unmapped from the domain: their IOPTEs, dirty or not, are gone. */
  forget(first: bigint, last: bigint): void {
    if (this.ioptes.empty) return;
    for (const id of [...this.ioptes.overlaps(first, last)]) this.ioptes.remove(id);
  }

  describe(): string {
    const parts = [...this.ioptes.overlaps(0n, (1n << 64n) - 1n)].map((id) => `${hex(this.ioptes.start(id))}+${hex(this.ioptes.last(id) - this.ioptes.start(id) + 1n)}`);
    return `tracking=${this.tracking} dirty=[${parts.join(' ')}]`;
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);
