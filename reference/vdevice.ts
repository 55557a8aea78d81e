// vDEVICE objects (IOMMUFD_OBJ_VDEVICE) and IOMMU_VDEVICE_ALLOC: a device's
// identity on a vIOMMU, its virtual id, unique per vIOMMU, one vDEVICE per
// device. It holds its vIOMMU and its device busy; unbinding the device
// first destroys it and leaves its id as a tombstone (device.ts unbind).
import { EEXIST, ENOENT, ENOMEM } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { DeviceObject } from './device.ts';
import { IommufdObject } from './object.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import { getViommu, type ViommuObject } from './viommu.ts';

const A = fieldsOf('iommu_vdevice_alloc');

export class VdeviceObject extends IommufdObject {
  readonly type = 'VDEVICE' as const;
  /** Whether the vIOMMU's table holds this vDEVICE under virtId (xa_insert succeeded). */
  private stored = false;

  constructor(readonly viommu: ViommuObject, readonly idev: DeviceObject, readonly virtId: bigint) {
    super();
    viommu.users++;
    idev.users++;
    idev.vdev = this;
  }

  /** xa_insert into viommu->vdevs: 0, -EEXIST for a virtual id taken, -ENOMEM. */
  store(ctx: IommufdCtx): number {
    if (this.viommu.vdevs.has(this.virtId)) return -EEXIST;
    if (ctx.fail.shouldFail()) return -ENOMEM;
    this.viommu.vdevs.set(this.virtId, this);
    this.stored = true;
    return 0;
  }

  override describe(): string { return `viommu=${this.viommu.id} idev=${this.idev.id} virt_id=0x${this.virtId.toString(16)}`; }

  /** iommufd_vdevice_destroy (abort and the device's reference): the same on the failure path. */
  override destroy(): void {
    if (this.stored) this.viommu.vdevs.delete(this.virtId);
    this.stored = false;
    this.viommu.users--;
    this.idev.vdev = undefined;
    this.idev.users--;
  }
}

function vdeviceAlloc(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  // virt_id indexes an xarray by unsigned long: every u64 fits on a 64-bit kernel.
  const virtId = ucmd.u64(A.virt_id!);
  const viommu = getViommu(ctx, ucmd.u32(A.viommu_id!));
  if (!viommu) return -ENOENT;
  const idev = ctx.objects.get<DeviceObject>(ucmd.u32(A.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  // Every mock device sits behind the one mock IOMMU that backs every vIOMMU: no mismatch (EINVAL) can arise.
  if (idev.destroying) return -ENOENT;
  if (idev.vdev) return -EEXIST;
  const vdev = new VdeviceObject(viommu, idev, virtId);
  let rc = ctx.objects.reserve(vdev);
  if (rc) { vdev.destroy(); return rc; }
  // From here on a failure aborts the reserved vDEVICE (see iommufdIoctl).
  ucmd.newObj = vdev;
  rc = vdev.store(ctx);
  if (rc) return rc;
  ucmd.setU32(A.out_vdevice_id!, vdev.id);
  return ucmd.respond();
}

export const handlers = { IOMMU_VDEVICE_ALLOC: vdeviceAlloc };
