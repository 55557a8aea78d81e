// vIOMMU objects (IOMMUFD_OBJ_VIOMMU) and IOMMU_VIOMMU_ALLOC: a per-VM slice
// of the mock IOMMU over a nesting-parent HWPT, which it holds busy. What the
// mock driver keeps per vIOMMU (its exported region, its HW queues) is
// viommu_mock.ts; vDEVICEs are vdevice.ts.
import { constantNum } from '../spec/loader/constants.ts';
import { ENOENT, EINVAL, EOPNOTSUPP } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { DeviceObject } from './device.ts';
import type { HwptPagingObject } from './hw_pagetable.ts';
import type { UserData } from './iommu_user_data.ts';
import { IommufdObject } from './object.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import type { VdeviceObject } from './vdevice.ts';
import { MockViommu, mockViommuInit } from './viommu_mock.ts';

const TYPE_DEFAULT = constantNum('IOMMU_VIOMMU_TYPE_DEFAULT');
const TYPE_SELFTEST = constantNum('IOMMU_VIOMMU_TYPE_SELFTEST');
const A = fieldsOf('iommu_viommu_alloc');

export class ViommuObject extends IommufdObject {
  readonly type = 'VIOMMU' as const;
  /** The vDEVICEs by virtual id (viommu->vdevs). */
  readonly vdevs = new Map<bigint, VdeviceObject>();
  /**
   * The vEVENTQs by their type, at most one each (viommu->veventqs): the
   * vEVENTQ code adds and removes its objects here, each holding a users
   * reference on this vIOMMU while it lives.
   */
  readonly veventqs = new Map<number, IommufdObject>();
  /** The mock driver's part (struct mock_viommu), set once viommu_init succeeded. */
  mock?: MockViommu = undefined;

  constructor(readonly ctx: IommufdCtx, readonly hwpt: HwptPagingObject, readonly viommuType: number) {
    super();
    hwpt.users++;
  }

  /** iommufd_viommu_find_veventq: the vEVENTQ of a type, if one was allocated. */
  findVeventq(type: number): IommufdObject | undefined { return this.veventqs.get(type); }

  /** iommufd_viommu_find_dev: the device whose vDEVICE has this virtual id. */
  findDev(virtId: bigint): DeviceObject | undefined { return this.vdevs.get(virtId)?.idev; }

  /** iommufd_viommu_get_vdev_id: the virtual id of idev on this vIOMMU, or -ENOENT. */
  vdevIdOf(idev: DeviceObject): bigint | number {
    return idev.vdev?.viommu === this ? idev.vdev.virtId : -ENOENT;
  }

  override describe(): string {
    const vdevs = [...this.vdevs.keys()].sort((a, b) => (a < b ? -1 : 1)).map((v) => `0x${v.toString(16)}=#${this.vdevs.get(v)!.id}`);
    const qs = [...this.veventqs.keys()].sort((a, b) => a - b).map((t) => `0x${t.toString(16)}=#${this.veventqs.get(t)!.id}`);
    return `type=0x${this.viommuType.toString(16)} hwpt=${this.hwpt.id} vdevs=[${vdevs.join(' ')}] veventqs=[${qs.join(' ')}] ${this.mock?.describe() ?? 'mock=none'}`;
  }

  /** iommufd_viommu_destroy: the driver's destroy, then the parent's reference. */
  override destroy(): void {
    this.mock?.destroy(this.ctx);
    this.mock = undefined;
    this.hwpt.users--;
  }
}

function viommuAlloc(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  const viommuType = ucmd.u32(A.type!);
  if (ucmd.u32(A.flags!) || viommuType === TYPE_DEFAULT) return -EOPNOTSUPP;
  const idev = ctx.objects.get<DeviceObject>(ucmd.u32(A.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  // mock_get_viommu_size: the mock driver knows only its selftest type.
  if (viommuType !== TYPE_SELFTEST) return -EOPNOTSUPP;
  const hwpt = ctx.objects.get<HwptPagingObject>(ucmd.u32(A.hwpt_id!), 'HWPT_PAGING');
  if (!hwpt) return -ENOENT;
  if (!hwpt.nestParent) return -EINVAL;
  const viommu = new ViommuObject(ctx, hwpt, viommuType);
  const rc = ctx.objects.reserve(viommu);
  if (rc) { viommu.destroy(); return rc; }
  // From here on a failure aborts the reserved vIOMMU (see iommufdIoctl).
  ucmd.newObj = viommu;
  const data: UserData = { type: viommuType, len: ucmd.u32(A.data_len!), uptr: ucmd.u64(A.data_uptr!) };
  const mock = mockViommuInit(ctx, ucmd.task, viommu, data.len ? data : undefined);
  if (typeof mock === 'number') return mock;
  viommu.mock = mock;
  ucmd.setU32(A.out_viommu_id!, viommu.id);
  return ucmd.respond();
}

/** iommufd_get_viommu: a vIOMMU by id or undefined (ENOENT). */
export function getViommu(ctx: IommufdCtx, id: number): ViommuObject | undefined {
  return ctx.objects.get<ViommuObject>(id, 'VIOMMU');
}

export const handlers = { IOMMU_VIOMMU_ALLOC: viommuAlloc };
