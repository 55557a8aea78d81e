// Mock devices of the selftest: IOMMU_TEST_OP_MOCK_DOMAIN creates a
// selftest object, binds a mock device (an IOMMUFD_OBJ_DEVICE) and attaches
// it to an IOAS (through an automatic domain, reused when one exists) or to a
// paging HWPT. Destroying the selftest object detaches and unbinds.
import { constantNum } from '../spec/loader/constants.ts';
import { EINVAL, ENOENT, ENOMEM } from './errno.ts';
import { HwptPagingObject } from './hw_pagetable.ts';
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject } from './object.ts';

const C = constantNum;
const DEVICE_FLAGS = C('MOCK_FLAGS_DEVICE_NO_DIRTY') | C('MOCK_FLAGS_DEVICE_PASID');

export class DeviceObject extends IommufdObject {
  readonly type = 'DEVICE' as const;
  hwpt?: HwptPagingObject;
  override describe(): string { return `hwpt=${this.hwpt?.id ?? 0} flags=${this.flags}`; }
  constructor(readonly flags: number) {
    super();
    // The binding driver holds a reference until it unbinds.
    this.users++;
  }
}

/** The selftest object that owns a mock device (TYPE_IDEV). */
export class SelftestObject extends IommufdObject {
  readonly type = 'SELFTEST' as const;
  idev?: DeviceObject;
  constructor(readonly ctx: IommufdCtx) { super(); }
  override describe(): string { return `idev=${this.idev?.id ?? 0}`; }

  override destroy(): void {
    if (!this.idev) return;
    detach(this.ctx, this.idev);
    unbind(this.ctx, this.idev);
    this.idev = undefined;
  }
}

/** iommufd_device_bind: a finalized DEVICE object or -errno. */
export function bind(ctx: IommufdCtx, flags: number): DeviceObject | number {
  if (flags & ~DEVICE_FLAGS) return -EINVAL;
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const idev = new DeviceObject(flags);
  const rc = ctx.objects.reserve(idev);
  if (rc) return rc;
  ctx.objects.finalize(idev);
  return idev;
}

function unbind(ctx: IommufdCtx, idev: DeviceObject): void {
  idev.users--;
  ctx.objects.remove(idev.id);
}

/** iommufd_device_attach to an IOAS (automatic domain) or a paging HWPT: the HWPT id or -errno. */
export function attach(ctx: IommufdCtx, idev: DeviceObject, ptId: number): number {
  const pt = ctx.objects.get(ptId);
  if (!pt) return -ENOENT;
  let hwpt: HwptPagingObject;
  if (pt.type === 'HWPT_PAGING') hwpt = pt as HwptPagingObject;
  else if (pt.type === 'IOAS') {
    const got = autoDomain(ctx, pt as IoasObject);
    if (typeof got === 'number') return got;
    hwpt = got;
  } else return -EINVAL;
  hwpt.users++;
  idev.hwpt = hwpt;
  idev.users++;
  return hwpt.id;
}

/** iommufd_device_auto_get_domain: the IOAS's first automatic domain, else a new one filled with every area. */
function autoDomain(ctx: IommufdCtx, ioas: IoasObject): HwptPagingObject | number {
  const found = ioas.hwpts.find((h) => h.autoDomain);
  if (found) return found;
  const hwpt = new HwptPagingObject(ctx, ioas);
  let rc = ctx.objects.reserve(hwpt);
  if (rc) { hwpt.destroy(); return rc; }
  if (ctx.fail.shouldFail()) rc = -ENOMEM;
  if (!rc) rc = hwpt.link();
  if (rc) { ctx.objects.abort(hwpt); return rc; }
  hwpt.autoDomain = true;
  ctx.objects.finalize(hwpt);
  return hwpt;
}

/** iommufd_device_detach: an automatic domain goes with its last device. */
export function detach(ctx: IommufdCtx, idev: DeviceObject): void {
  const hwpt = idev.hwpt;
  if (!hwpt) return;
  idev.hwpt = undefined;
  idev.users--;
  hwpt.users--;
  if (hwpt.autoDomain && hwpt.users === 1) ctx.objects.remove(hwpt.id);
}
