// Dirty state of a mock domain: in 7.3 the mock is the AMDv1 format of the
// generic page table, whose IOPTEs carry a write-dirty bit, and the domain's
// flag MOCK_DIRTY_TRACK says whether tracking is on. The dirty IOPTEs are kept
// as an interval tree of IOVA ranges, one node per IOPTE, so that a read costs
// a descent plus the dirty IOPTEs it meets, never a walk of every mapping.
//
// Which IOPTE maps an IOVA follows how iommufd fills the mock: each
// physically contiguous run is one map call, and a whole aligned PAGE_SIZE page
// becomes one PAGE_SIZE IOPTE, a part of a page (an area that starts or ends
// inside a page, or an IOVA not aligned as its page) 2 KiB IOPTEs. The engine's
// pages are never physically contiguous with each other; the kernel's may be
// (huge pages on and transparent huge pages), which makes larger IOPTEs there:
// scenarios that depend on the IOPTE size turn huge pages off.
import { constant } from '../spec/loader/constants.ts';
import type { IoPageTable } from './io_pagetable.ts';
import { IntervalTree } from './interval_tree.ts';
import { PAGE_SIZE } from './usermem.ts';

const PAGE = BigInt(PAGE_SIZE);
const MOCK_PAGE = constant('MOCK_PAGE_SIZE');

/** The IOPTE mapping iova in iopt, as [first, last], or undefined where nothing is mapped. */
export function iopteAt(iopt: IoPageTable, iova: bigint): [bigint, bigint] | undefined {
  const id = iopt.areas.first(iova, iova);
  if (!id || !iopt.areaPages(id)) return undefined;
  const pageIova = iova - iopt.startByte(id, iova) % PAGE;
  if (pageIova % PAGE === 0n && pageIova >= iopt.areaIova(id) && pageIova + PAGE - 1n <= iopt.areaLast(id)) {
    return [pageIova, pageIova + PAGE - 1n];
  }
  const unit = iova - iova % MOCK_PAGE;
  return [unit, unit + MOCK_PAGE - 1n];
}

export class MockDirty {
  /** MOCK_DIRTY_TRACK of the mock domain. */
  tracking = false;
  private readonly ioptes = new IntervalTree();

  get count(): number { return this.ioptes.size; }

  /** set_dirty: the IOPTE mapping iova becomes dirty (nothing happens where none does). */
  mark(iopt: IoPageTable, iova: bigint): void {
    const e = iopteAt(iopt, iova);
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
