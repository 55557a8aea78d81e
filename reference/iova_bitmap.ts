// The kernel's iova_bitmap (drivers/iommu/iommufd/iova_bitmap.c): the user's
// dirty bitmap of an IOVA range, one bit per 2^pgshift bytes from iova,
// written through pinned user pages. Pages are pinned lazily, in windows of
// at most PAGE_SIZE / sizeof(struct page *) pages, from the u64 word of the
// IOVA being set on. A window that cannot be pinned is skipped silently, as
// in the kernel: the caller never learns that bits were lost.
import { gup } from './pages.ts';
import type { Task } from './task.ts';
import { PAGE_SIZE, userAddr } from './usermem.ts';

const PAGE = BigInt(PAGE_SIZE);
const BITS_PER_PAGE = PAGE_SIZE * 8;
/** Pages one window pins: a page of struct page pointers. */
const MAX_PINNED = PAGE_SIZE / 8;
const MASK64 = (1n << 64n) - 1n;

export class IovaBitmap {
  /** The pinned pages of the current window (their bytes), npages of them. */
  private pages: Uint8Array[] = [];
  /** Offset of the window's first bit in its first page: the bitmap need not be page aligned. */
  private pgoff = 0;
  /** IOVA of bit 0 of the window and the IOVA length the window covers. */
  private mappedIova: bigint;
  private mappedLength = 0n;
  /** Index of the u64 word the window starts at, and the number of words of the whole bitmap. */
  private baseIndex = 0n;
  private readonly totalIndex: bigint;
  private readonly shift: bigint;

  constructor(private readonly task: Task, readonly iova: bigint, readonly length: bigint, readonly pgshift: number, private readonly data: bigint) {
    this.shift = BigInt(pgshift);
    this.totalIndex = ((length - 1n) >> this.shift) / 64n + 1n;
    this.mappedIova = iova;
  }

  /** iova_bitmap_set: sets the bits of [iova, iova + length), from the window holding iova on. */
  set(iova: bigint, length: bigint): void {
    for (;;) {
      if (!this.inWindow(iova, length) && this.advanceTo(iova)) return;
      const pgoffBits = BigInt(this.pgoff * 8);
      let cur = ((iova - this.mappedIova) >> this.shift) + pgoffBits;
      const last = ((iova + length - 1n - this.mappedIova) >> this.shift) + pgoffBits;
      const lastPage = BigInt(this.pages.length - 1);
      let left = -1n;
      while (cur <= last) {
        const pageIdx = cur / BigInt(BITS_PER_PAGE);
        if (pageIdx > lastPage) { left = (last - cur + 1n) << this.shift; break; }
        const offset = Number(cur % BigInt(BITS_PER_PAGE));
        const n = Math.min(BITS_PER_PAGE - offset, Number(last - cur + 1n));
        setBits(this.pages[Number(pageIdx)]!, offset, n);
        cur += BigInt(n);
      }
      if (left < 0n) return;
      // The range runs past the pinned pages: go on from the window that holds the rest.
      iova = (iova + (length - left)) & MASK64;
      length = left;
    }
  }

  private inWindow(iova: bigint, length: bigint): boolean {
    return this.pages.length > 0 && iova >= this.mappedIova &&
      iova + length - 1n <= this.mappedIova + this.mappedLength - 1n;
  }

  /** iova_bitmap_advance_to: a new window from the word of iova; 0 or -1 (out of range, or nothing pinned). */
  private advanceTo(iova: bigint): number {
    const index = (((iova - this.iova) & MASK64) >> this.shift) / 64n;
    if (index >= this.totalIndex) return -1;
    this.baseIndex = index;
    this.pages = [];
    return this.pin();
  }

  /** iova_bitmap_get: pins as many pages as the rest of the bitmap needs, at most a window's worth. */
  private pin(): number {
    const addr = this.data + this.baseIndex * 8n;
    const inPage = Number(addr % PAGE);
    const words = this.totalIndex - this.baseIndex;
    const want = Math.min(Number((words * 8n + PAGE - 1n) / PAGE) + (inPage ? 1 : 0), MAX_PINNED);
    const first = userAddr(addr - BigInt(inPage));
    for (let i = 0; first >= 0 && i < want; i++) {
      const page = gup(this.task, first + i * PAGE_SIZE, true);
      if (typeof page === 'number') break;
      this.pages.push(page.backing.page(page.index, true)!);
    }
    if (!this.pages.length) return -1;
    this.mappedIova = this.iova + ((this.baseIndex * 64n) << this.shift);
    this.pgoff = inPage;
    this.mappedLength = this.windowLength();
    return 0;
  }

  /** iova_bitmap_mapped_length: what the pinned words cover, cut at the end of the range. */
  private windowLength(): bigint {
    const bytes = BigInt(this.pages.length * PAGE_SIZE - this.pgoff);
    let words = this.totalIndex - this.baseIndex;
    const fit = (bytes + 7n) / 8n;
    if (fit < words) words = fit;
    let len = (words * 64n) << this.shift;
    const maxIova = this.iova + this.length - 1n;
    const end = this.mappedIova + len - 1n;
    if (end > maxIova) len -= end - maxIova;
    return len;
  }
}

/** bitmap_set on the bytes of a page: bits [offset, offset + n), bit k being bit k % 8 of byte k / 8 (little endian). */
function setBits(page: Uint8Array, offset: number, n: number): void {
  let k = offset;
  const end = offset + n;
  for (; k < end && k & 7; k++) page[k >> 3]! |= 1 << (k & 7);
  for (; k + 8 <= end; k += 8) page[k >> 3] = 0xff;
  for (; k < end; k++) page[k >> 3]! |= 1 << (k & 7);
}
