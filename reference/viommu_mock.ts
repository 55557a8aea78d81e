// The selftest's mock vIOMMU (struct mock_viommu): mock_viommu_init reads
// driver data of type IOMMU_VIOMMU_TYPE_SELFTEST (struct
// iommu_viommu_selftest), exports two zeroed pages holding in_data for mmap
// of the iommufd, and answers the loopback value and the region's offset and
// length in the same struct; it also keeps the vIOMMU's HW queues by index.
import { loadSpec } from '../spec/loader/load.ts';
import { constantNum } from '../spec/loader/constants.ts';
import { EFAULT, EINVAL, ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import { copyStructFromUser, copyUserData, type UserData, type UserDataArray } from './iommu_user_data.ts';
import type { IommufdObject } from './object.ts';
import type { ViommuObject } from './viommu.ts';
import type { Task } from './task.ts';
import { fieldsOf } from './ucmd.ts';
import { Backing, PAGE_SIZE, userAddr } from './usermem.ts';
import { allocMmap, destroyMmap, type MmapRegion } from './viommu_mmap.ts';

const TYPE_SELFTEST = constantNum('IOMMU_VIOMMU_TYPE_SELFTEST');
const INVALIDATE_SELFTEST = constantNum('IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST');
const INVALIDATE_ALL = constantNum('IOMMU_TEST_INVALIDATE_FLAG_ALL');
const CACHE_ID_MAX = constantNum('MOCK_DEV_CACHE_ID_MAX');
const INV = fieldsOf('iommu_viommu_invalidate_selftest');
const INV_SIZE = loadSpec().structs.get('iommu_viommu_invalidate_selftest')!.size;
const HW_QUEUE_MAX = constantNum('IOMMU_TEST_HW_QUEUE_MAX');
const SEL = fieldsOf('iommu_viommu_selftest');
const SIZE = loadSpec().structs.get('iommu_viommu_selftest')!.size;
/** The struct's first version ended with out_data. */
const MIN_LEN = SEL.out_data! + 4;
/** The mock exports two pages. */
const REGION_LENGTH = 2 * PAGE_SIZE;

export class MockViommu {
  /** The mock's HW queues by index (mock_viommu->hw_queue[]). */
  readonly hwQueues: (IommufdObject | undefined)[] = new Array(HW_QUEUE_MAX).fill(undefined);
  constructor(readonly region?: MmapRegion) {}

  describe(): string {
    const r = this.region ? `mmap=0x${this.region.offset.toString(16)}+0x${this.region.length.toString(16)}` : 'mmap=none';
    return `${r} hw_queues=[${this.hwQueues.map((q) => q?.id ?? 0).join(',')}]`;
  }

  /** mock_viommu_destroy: the region goes (a mapping of it held the vIOMMU busy until unmapped). */
  destroy(ctx: IommufdCtx): void {
    if (this.region) destroyMmap(ctx, this.region);
  }
}

/** iommu_copy_struct_to_user: the struct back to data_uptr, never past data_len. */
function copyOut(task: Task, data: UserData, buf: Uint8Array): number {
  if (data.type !== TYPE_SELFTEST || data.len < MIN_LEN || data.len > buf.length) return -EINVAL;
  const at = userAddr(data.uptr);
  return at < 0 || task.mm.copyTo(at, buf, data.len) < 0 ? -EFAULT : 0;
}

/** mock_viommu_init: the mock's state, or -errno with nothing left behind. */
export function mockViommuInit(ctx: IommufdCtx, task: Task, owner: IommufdObject, data?: UserData): MockViommu | number {
  if (!data) return new MockViommu();
  const buf = new Uint8Array(SIZE);
  const dv = new DataView(buf.buffer);
  let rc = copyUserData(task, buf, data, TYPE_SELFTEST, MIN_LEN);
  if (rc) return rc;
  // __get_free_pages of the two pages.
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const backing = new Backing(REGION_LENGTH);
  const inData = dv.getUint32(SEL.in_data!, true);
  new DataView(backing.page(0, true)!.buffer).setUint32(0, inData, true);
  const region = allocMmap(ctx, owner, backing);
  if (typeof region === 'number') return region;
  dv.setUint32(SEL.out_data!, inData, true);
  dv.setBigUint64(SEL.out_mmap_length!, BigInt(REGION_LENGTH), true);
  dv.setBigUint64(SEL.out_mmap_offset!, BigInt(region.offset), true);
  rc = copyOut(task, data, buf);
  if (rc) { destroyMmap(ctx, region); return rc; }
  return new MockViommu(region);
}

/**
 * iommu_copy_struct_from_full_user_array: every entry at once, each read as
 * copy_struct_from_user reads a struct of entryLen bytes; 0 or -errno.
 */
function copyFullArray(task: Task, array: UserDataArray, dst: Uint8Array): number {
  if (array.type !== INVALIDATE_SELFTEST || !array.entryNum) return -EINVAL;
  for (let i = 0; i < array.entryNum; i++) {
    const uptr = (array.uptr + BigInt(array.entryLen) * BigInt(i)) & 0xffff_ffff_ffff_ffffn;
    const rc = copyStructFromUser(task, dst.subarray(i * INV_SIZE, (i + 1) * INV_SIZE), uptr, array.entryLen);
    if (rc) return rc;
  }
  return 0;
}

/**
 * mock_viommu_cache_invalidate: the whole array is read first, then entries
 * run in order until one fails (unknown flags, a cache id past the last,
 * a virtual id without a vDEVICE); array.entryNum becomes the number handled.
 */
export function mockViommuCacheInvalidate(ctx: IommufdCtx, task: Task, viommu: ViommuObject, array: UserDataArray): number {
  // An empty array of the right type checks the type alone.
  if (!array.entryNum && array.type === INVALIDATE_SELFTEST) return 0;
  const num = array.entryNum;
  array.entryNum = 0;
  if (num && ctx.fail.shouldFail()) return -ENOMEM;
  const cmds = new Uint8Array(num * INV_SIZE);
  const rc = copyFullArray(task, { ...array, entryNum: num }, cmds);
  if (rc) return rc;
  const dv = new DataView(cmds.buffer);
  for (let i = 0; i < num; i++) {
    const flags = dv.getUint32(i * INV_SIZE + INV.flags!, true), cacheId = dv.getUint32(i * INV_SIZE + INV.cache_id!, true);
    if (flags & ~INVALIDATE_ALL) return -EOPNOTSUPP;
    if (cacheId > CACHE_ID_MAX) return -EINVAL;
    const idev = viommu.findDev(BigInt(dv.getUint32(i * INV_SIZE + INV.vdev_id!, true)));
    if (!idev) return -EINVAL;
    if (flags & INVALIDATE_ALL) idev.cache.fill(0);
    else idev.cache[cacheId] = 0;
    array.entryNum = i + 1;
  }
  return 0;
}
