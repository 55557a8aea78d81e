// Device objects (IOMMUFD_OBJ_DEVICE) of the selftest's mock devices. A mock
// device is alone in its iommu group, so the group's per-PASID attachments
// (igroup->pasid_attach) are kept on the device. Attaching is device_attach.ts.
import { constantNum } from '../spec/loader/constants.ts';
import { EINVAL, ENOMEM } from './errno.ts';
import type { HwptNestedObject, HwptPagingObject } from './hw_pagetable.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject } from './object.ts';
import type { VdeviceObject } from './vdevice.ts';

const C = constantNum;
export const NO_DIRTY = C('MOCK_FLAGS_DEVICE_NO_DIRTY');
export const PASID_CAPABLE = C('MOCK_FLAGS_DEVICE_PASID');
const DEVICE_FLAGS = NO_DIRTY | PASID_CAPABLE;
const CACHE_NUM = C('MOCK_DEV_CACHE_NUM');
const CACHE_DEFAULT = C('IOMMU_TEST_DEV_CACHE_DEFAULT');
/** IOMMU_NO_PASID: the attachment of the whole device (its RID). */
export const NO_PASID = 0;
/** The PASID whose second driver attach the mock fails on purpose (mock_domain_set_dev_pasid_nop). */
export const FAKE_ERROR_PASID = C('IOMMU_TEST_PASID_RESERVED');

/**
 * What attaching reads of a HWPT. A paging HWPT has its IOAS; a nested one
 * (HWPT_NESTED, made by IOMMU_HWPT_ALLOC) has a paging parent instead.
 * The flags come from IOMMU_HWPT_ALLOC; absent means not asked for.
 */
/** What a device or PASID attaches to: a paging HWPT (an IOAS's automatic domain among them) or a nested one. */
export type AttachTarget = HwptPagingObject | HwptNestedObject;

/** find_hwpt_paging: the HWPT itself when it is a paging one. */
export function pagingOf(hwpt: AttachTarget): HwptPagingObject | undefined {
  return hwpt.type === 'HWPT_PAGING' ? hwpt : undefined;
}

export class DeviceObject extends IommufdObject {
  readonly type = 'DEVICE' as const;
  /** The HWPT of each attached PASID, NO_PASID for the device itself. */
  readonly attached = new Map<number, AttachTarget>();
  /** The mock device's cache entries (mdev->cache); a vIOMMU invalidation changes them. */
  readonly cache: number[] = new Array<number>(CACHE_NUM).fill(CACHE_DEFAULT);
  /** The device's vDEVICE (idev->vdev): at most one, on any vIOMMU. */
  vdev?: VdeviceObject = undefined;
  /** Set when unbinding begins: no new vDEVICE may take the device (idev->destroying). */
  destroying = false;
  /**
   * The mock driver's note of the vIOMMU whose nested domain the device was
   * last attached to, and its virtual id there then (mdev->viommu,
   * mdev->vdev_id): what IOMMU_TEST_OP_TRIGGER_VEVENT reports through.
   */
  mockViommu?: IommufdObject = undefined;
  mockVdevId = 0n;
  /** Set by the first driver attach of FAKE_ERROR_PASID: the next one fails. */
  pasidFakeError = false;

  /** noiommu: a VFIO device without an IOMMU (vfio_device.ts), else a selftest mock device. */
  constructor(readonly flags: number, readonly noiommu = false) {
    super();
    // The binding driver holds a reference until it unbinds.
    this.users++;
  }

  /** The PASIDs the device can issue (dev->iommu->max_pasids): 2^MOCK_PASID_WIDTH, or 1 (from 0 PASID bits). */
  get maxPasids(): number { return this.flags & PASID_CAPABLE ? 2 ** C('MOCK_PASID_WIDTH') : 1; }

  hwptOf(pasid: number): AttachTarget | undefined { return this.attached.get(pasid); }

  override describe(): string {
    const att = [...this.attached].sort((a, b) => a[0] - b[0]).map(([p, h]) => `pasid${p}=#${h.id}`);
    return `${this.noiommu ? 'noiommu ' : ''}flags=${this.flags} vdev=${this.vdev?.id ?? 0} attached=[${att.join(' ')}] cache=${this.cache.join(',')} fake_error=${this.pasidFakeError}`;
  }
}

/** mock_dev_create + iommufd_device_bind: a finalized DEVICE object or -errno. */
export function bind(ctx: IommufdCtx, flags: number): DeviceObject | number {
  if (flags & ~DEVICE_FLAGS) return -EINVAL;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const idev = new DeviceObject(flags);
  const rc = ctx.objects.reserve(idev);
  if (rc) return rc;
  ctx.objects.finalize(idev);
  return idev;
}

/**
 * iommufd_device_unbind: drops the driver's reference and destroys the
 * object. An attached PASID still holds a reference, and the kernel then
 * leaves the object to the file's release (it WARNs).
 */
export function unbind(ctx: IommufdCtx, idev: DeviceObject): void {
  // iommufd_device_pre_destroy: a vDEVICE left goes now, its id a tombstone.
  idev.destroying = true;
  if (idev.vdev) ctx.objects.tombstone(idev.vdev);
  idev.users--;
  ctx.objects.remove(idev.id);
}
