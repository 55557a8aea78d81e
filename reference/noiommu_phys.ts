// Physical addresses of the engine's pages, which IOMMU_IOAS_NOIOMMU_GET_PA
// gives out and /proc/self/pagemap (the physAddr process op) shows. A page
// frame is handed out on first use and kept for the page's life: a plain page
// is never contiguous with another one (frames two apart), and a hugetlb page
// (usermem.ts Backing) is one aligned run of HUGE_PAGE_SIZE, never contiguous
// with its neighbours, as mock_dirty.ts takes them for IOPTE sizes.
import { ENOENT } from './errno.ts';
import type { PhysPage } from './pages.ts';
import { type AddressSpace, type Backing, HUGE_PAGE_SIZE, PAGE_SIZE } from './usermem.ts';

const PER_HUGE = HUGE_PAGE_SIZE / PAGE_SIZE;
/** The first frame of each page (or hugetlb page) of a backing, by its index in it. */
const frames = new WeakMap<Backing, Map<number, number>>();
/** Frames start at 1 GiB, as if the kernel's own memory lay below. */
let nextFrame = 0x40000;

function allocFrame(hugetlb: boolean): number {
  if (!hugetlb) { nextFrame += 2; return nextFrame - 2; }
  const f = Math.ceil(nextFrame / PER_HUGE) * PER_HUGE;
  nextFrame = f + PER_HUGE + 1;
  return f;
}

/** The page frame number of a physical page. */
export function pageFrame(p: PhysPage): number {
  const huge = p.backing.hugetlb;
  const unit = huge ? Math.floor(p.index / PER_HUGE) : p.index;
  let m = frames.get(p.backing);
  if (!m) frames.set(p.backing, (m = new Map()));
  let f = m.get(unit);
  if (f === undefined) m.set(unit, (f = allocFrame(huge)));
  return huge ? f + p.index % PER_HUGE : f;
}

/** The physical address of byte `offset` of a physical page. */
export function physOf(p: PhysPage, offset: number): bigint {
  return BigInt(pageFrame(p)) * BigInt(PAGE_SIZE) + BigInt(offset);
}

/** What /proc/self/pagemap tells of a user address: its physical address, or -ENOENT where nothing is mapped. */
export function physAddr(mm: AddressSpace, addr: number): bigint | number {
  const v = addr < 0 ? undefined : mm.vmaAt(addr);
  if (!v) return -ENOENT;
  const off = v.offset + (addr - v.start);
  if (off >= v.backing.size) return -ENOENT;
  const index = Math.floor(off / PAGE_SIZE);
  // A private file mapping shows the process's own copy once it has one.
  const backing = v.cow?.pages.has(index) ? v.cow : v.backing;
  return physOf({ backing, index }, off % PAGE_SIZE);
}
