// HW queue objects (IOMMUFD_OBJ_HW_QUEUE) and IOMMU_HW_QUEUE_ALLOC: a guest
// queue in nesting-parent IOVA space that the hardware reads by physical
// address. The queue's pages are pinned through an internal access to the
// parent's IOAS, which locks their areas (IOMMU_IOAS_UNMAP is EBUSY) until
// the queue is destroyed; they must be physically contiguous. The mock
// driver takes indexes in order, each queue holding the one before it.
import { constantNum } from '../spec/loader/constants.ts';
import { AccessObject, pinPages, pinnedUnder, unpinPages } from './access.ts';
import { EEXIST, EFAULT, EINVAL, EIO, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW, ERANGE } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import { ULONG_MAX, type IoPageTable } from './io_pagetable.ts';
import { IommufdObject } from './object.ts';
import type { PhysPage } from './pages.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import { HUGE_PAGE_SIZE, PAGE_SIZE } from './usermem.ts';
import { getViommu, type ViommuObject } from './viommu.ts';

const TYPE_DEFAULT = constantNum('IOMMU_HW_QUEUE_TYPE_DEFAULT');
const TYPE_SELFTEST = constantNum('IOMMU_HW_QUEUE_TYPE_SELFTEST');
const HW_QUEUE_MAX = constantNum('IOMMU_TEST_HW_QUEUE_MAX');
const A = fieldsOf('iommu_hw_queue_alloc');
const PAGE = BigInt(PAGE_SIZE);
const INT_MAX = 2n ** 31n - 1n;

/** The page-aligned range a queue pins: its base rounded down, its end rounded up. */
interface Pinned { access: AccessObject; iova: bigint; length: bigint }

export class HwQueueObject extends IommufdObject {
  readonly type = 'HW_QUEUE' as const;
  viommu?: ViommuObject = undefined;
  pinned?: Pinned = undefined;
  /** The mock's state once hw_queue_init_phys accepted the queue: its index and the queue it depends on. */
  mock?: { index: number; prev?: HwQueueObject } = undefined;

  constructor(readonly queueType: number, readonly base: bigint, readonly length: bigint) { super(); }

  override describe(): string {
    const p = this.pinned ? `access=${this.pinned.access.id} pinned=0x${this.pinned.iova.toString(16)}+0x${this.pinned.length.toString(16)}` : 'pinned=none';
    const m = this.mock ? `index=${this.mock.index} prev=${this.mock.prev?.id ?? 0}` : 'index=none';
    return `viommu=${this.viommu?.id ?? 0} type=0x${this.queueType.toString(16)} base=0x${this.base.toString(16)} length=0x${this.length.toString(16)} ${m} ${p}`;
  }

  /** iommufd_hw_queue_destroy: the mock's slot and dependency, the pinned pages and the access, the vIOMMU's reference. */
  override destroy(): void {
    if (this.mock && this.viommu?.mock) {
      this.viommu.mock.hwQueues[this.mock.index] = undefined;
      if (this.mock.prev) this.mock.prev.users--;
    }
    this.mock = undefined;
    if (this.pinned) destroyPinned(this.pinned);
    this.pinned = undefined;
    if (this.viommu) this.viommu.users--;
    this.viommu = undefined;
  }
}

/** iopt_area_add_access with lock_area, for every area under the range: count or drop the locks. */
function lockAreas(iopt: IoPageTable, iova: bigint, length: bigint, d: number): void {
  iopt.contig(iova, iova + length - 1n, (id) => { iopt.addAreaLock(id, d); return 0; });
}

function destroyPinned(p: Pinned): void {
  const iopt = p.access.ioas!.iopt;
  lockAreas(iopt, p.iova, p.length, -1);
  unpinPages(iopt, p.iova, p.length);
  p.access.release();
}

/** Whether b follows a in physical memory: the engine's pages are contiguous only within one hugetlb page. */
function follows(a: PhysPage, b: PhysPage): boolean {
  const per = HUGE_PAGE_SIZE / PAGE_SIZE;
  return a.backing === b.backing && a.backing.hugetlb && b.index === a.index + 1 && Math.floor(a.index / per) === Math.floor(b.index / per);
}

/** iommufd_hw_queue_alloc_phys: the queue's pages pinned and locked through a new internal access, or -errno. */
function allocPhys(ctx: IommufdCtx, viommu: ViommuObject, base: bigint, length: bigint): Pinned | number {
  const offset = base % PAGE;
  const span = offset + length + PAGE - 1n;
  if (span > ULONG_MAX) return -ERANGE;
  const pinLength = (span / PAGE) * PAGE, iova = base - offset;
  // The array of page pointers: kvzalloc refuses more than INT_MAX bytes.
  if ((pinLength / PAGE) * 8n > INT_MAX || ctx.fail.shouldFail()) return -ENOMEM;
  // iommufd_access_create_internal: an ACCESS object of the table, held by its creator.
  const access = new AccessObject(ctx, true);
  let rc = ctx.objects.reserve(access);
  if (rc) return rc;
  ctx.objects.finalize(access);
  rc = access.attach(viommu.hwpt.ioas);
  if (!rc) rc = pinPages(access.ioas?.iopt, iova, pinLength, false);
  if (rc) { access.release(); return rc; }
  const iopt = access.ioas!.iopt;
  const pages = pinnedUnder(iopt, iova, pinLength);
  if (pages.some((p, i) => i > 0 && !follows(pages[i - 1]!, p))) {
    unpinPages(iopt, iova, pinLength);
    access.release();
    return -EFAULT;
  }
  lockAreas(iopt, iova, pinLength, 1);
  return { access, iova, length: pinLength };
}

/** mock_hw_queue_init_phys: indexes below IOMMU_TEST_HW_QUEUE_MAX, each once, from 0 up; each queue holds the previous one. */
function mockHwQueueInit(viommu: ViommuObject, q: HwQueueObject, index: number): number {
  const mock = viommu.mock;
  // Only a mock vIOMMU has HW queues; every vIOMMU of the engine is one.
  if (!mock) return -EOPNOTSUPP;
  if (index >= HW_QUEUE_MAX) return -EINVAL;
  if (mock.hwQueues[index]) return -EEXIST;
  const prev = index ? mock.hwQueues[index - 1] as HwQueueObject | undefined : undefined;
  if (index && !prev) return -EIO;
  // iommufd_hw_queue_depend: a users reference on the previous queue.
  if (prev) prev.users++;
  q.mock = { index, prev };
  mock.hwQueues[index] = q;
  return 0;
}

function hwQueueAlloc(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  const type = ucmd.u32(A.type!), base = ucmd.u64(A.nesting_parent_iova!), length = ucmd.u64(A.length!);
  if (ucmd.u32(A.flags!) || type === TYPE_DEFAULT) return -EOPNOTSUPP;
  if (!length) return -EINVAL;
  if (base + length - 1n > ULONG_MAX) return -EOVERFLOW;
  const viommu = getViommu(ctx, ucmd.u32(A.viommu_id!));
  if (!viommu) return -ENOENT;
  // mock_viommu_get_hw_queue_size: the mock knows only its selftest type.
  if (type !== TYPE_SELFTEST) return -EOPNOTSUPP;
  const q = new HwQueueObject(type, base, length);
  let rc = ctx.objects.reserve(q);
  if (rc) return rc;
  // From here on a failure aborts the reserved queue (see iommufdIoctl), which undoes what it holds.
  ucmd.newObj = q;
  const pinned = allocPhys(ctx, viommu, base, length);
  if (typeof pinned === 'number') return pinned;
  q.pinned = pinned;
  q.viommu = viommu;
  viommu.users++;
  rc = mockHwQueueInit(viommu, q, ucmd.u32(A.index!));
  if (rc) return rc;
  ucmd.setU32(A.out_hw_queue_id!, q.id);
  return ucmd.respond();
}

export const handlers = { IOMMU_HW_QUEUE_ALLOC: hwQueueAlloc };
