// Attaching a device or one of its PASIDs to a page table, as device.c does:
// iommufd_device_attach / _replace / _detach over an IOAS (an automatic
// domain, reused when one accepts the device) or a HWPT (paging or nested).
// Each step is checked before anything changes, so a failure leaves the old
// attachment in place.
import { EBUSY, EINVAL, ENOENT, ENOMEM } from './errno.ts';
import { HwptPagingObject } from './hw_pagetable.ts';
import { NoiommuDomain } from './noiommu_domain.ts';
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import { autoResponseFaults } from './fault.ts';
import { FAKE_ERROR_PASID, NO_DIRTY, NO_PASID, pagingOf, type AttachTarget, type DeviceObject } from './device.ts';

/**
 * iommufd_hwpt_pasid_compat: the device itself may share a HWPT that is not
 * PASID-compatible only while no PASID is attached; a PASID needs a
 * compatible HWPT, and the device's own HWPT must be compatible too.
 */
function pasidCompat(hwpt: AttachTarget, idev: DeviceObject, pasid: number): number {
  if (pasid === NO_PASID) {
    const others = [...idev.attached.keys()].some((p) => p !== NO_PASID);
    return !hwpt.pasidCompat && others ? -EINVAL : 0;
  }
  if (!hwpt.pasidCompat) return -EINVAL;
  const rid = idev.hwptOf(NO_PASID);
  return rid && !rid.pasidCompat ? -EINVAL : 0;
}

/**
 * mock_domain_nop_attach: a device without dirty tracking refuses a domain
 * that tracks; a nested domain of a vIOMMU needs the device's vDEVICE on
 * that vIOMMU (iommufd_viommu_get_vdev_id: ENOENT).
 */
function mockAttachDev(hwpt: AttachTarget, idev: DeviceObject): number {
  if (pagingOf(hwpt)?.dirtyTracking && idev.flags & NO_DIRTY) return -EINVAL;
  const viommu = hwpt.type === 'HWPT_NESTED' ? hwpt.viommu : undefined;
  if (viommu && idev.vdev?.viommu !== viommu) return -ENOENT;
  idev.mockViommu = viommu;
  idev.mockVdevId = viommu ? idev.vdev!.virtId : 0n;
  return 0;
}

/** mock_domain_set_dev_pasid_nop: the second attach of FAKE_ERROR_PASID fails with ENOMEM, which clears the mark. */
function mockSetDevPasid(idev: DeviceObject, pasid: number): number {
  if (pasid !== FAKE_ERROR_PASID) return 0;
  idev.pasidFakeError = !idev.pasidFakeError;
  return idev.pasidFakeError ? 0 : -ENOMEM;
}

/** The iommu core's attach of a domain to the device or to one PASID of it. */
function driverAttach(hwpt: AttachTarget, idev: DeviceObject, pasid: number): number {
  // domain_iommu_ops_compatible: a domain of iommufd_noiommu_ops is no mock driver's.
  if (pagingOf(hwpt)?.domain.noiommu) return -EINVAL;
  if (pasid === NO_PASID) return mockAttachDev(hwpt, idev);
  // iommu_attach_device_pasid: the PASID must be one the device can issue.
  if (pasid >= idev.maxPasids) return -EINVAL;
  return mockSetDevPasid(idev, pasid);
}

/** A blocked domain takes the PASID's place: that clears the fake-error mark. */
function driverDetach(idev: DeviceObject, pasid: number): void {
  if (pasid === FAKE_ERROR_PASID) idev.pasidFakeError = false;
  // The blocking domain is no nested one: the mock forgets its vIOMMU.
  if (pasid === NO_PASID) { idev.mockViommu = undefined; idev.mockVdevId = 0n; }
}

/**
 * iopt_table_enforce_dev_resv_regions: the device's reserved regions go into
 * the IOAS. A mock device reports none, so only the allocation can fail.
 */
function enforceResvRegions(ctx: IommufdCtx): number {
  return ctx.fail.shouldFail() ? -ENOMEM : 0;
}

/** iommufd_hw_pagetable_attach: 0 or -errno, the HWPT and the device unchanged on failure. */
export function hwptAttach(ctx: IommufdCtx, hwpt: AttachTarget, idev: DeviceObject, pasid: number): number {
  // The device is alone in its group: its entry is there whenever the PASID is attached.
  if (idev.attached.has(pasid)) return -EBUSY;
  // The group's new attachment record.
  if (ctx.fail.shouldFail()) return -ENOMEM;
  const paging = pagingOf(hwpt);
  // A device without an IOMMU has no reserved regions, and nothing to attach in a driver.
  if (paging && pasid === NO_PASID && !idev.noiommu) {
    const rc = enforceResvRegions(ctx);
    if (rc) return rc;
  }
  let rc = pasidCompat(hwpt, idev, pasid);
  // iommufd_hwpt_attach_device: no attach handle and no driver for a device without an IOMMU.
  if (!rc && !idev.noiommu && ctx.fail.shouldFail()) rc = -ENOMEM;
  if (!rc && !idev.noiommu) rc = driverAttach(hwpt, idev, pasid);
  if (rc) return rc;
  hwpt.users++;
  idev.attached.set(pasid, hwpt);
  return 0;
}

/** iommufd_hw_pagetable_put: an automatic domain goes with its last user. */
function hwptPut(ctx: IommufdCtx, hwpt: AttachTarget): void {
  hwpt.users--;
  if (pagingOf(hwpt)?.autoDomain && hwpt.users === 1) ctx.objects.remove(hwpt.id);
}

/** iommufd_hw_pagetable_detach: the HWPT the PASID was attached to (already put), or undefined. */
function hwptDetach(ctx: IommufdCtx, idev: DeviceObject, pasid: number): AttachTarget | undefined {
  const hwpt = idev.hwptOf(pasid);
  if (!hwpt) return undefined;
  idev.attached.delete(pasid);
  driverDetach(idev, pasid);
  autoResponseFaults(hwpt, idev, pasid);
  hwptPut(ctx, hwpt);
  return hwpt;
}

/**
 * iommufd_device_do_replace: the old HWPT for the caller to put, null when
 * nothing changes, or -errno with the old attachment kept.
 */
function doReplace(ctx: IommufdCtx, idev: DeviceObject, pasid: number, hwpt: AttachTarget): AttachTarget | null | number {
  const old = idev.hwptOf(pasid);
  if (!old) return -EINVAL;
  if (hwpt === old) return null;
  const paging = pagingOf(hwpt), oldPaging = pagingOf(old);
  if (paging && pasid === NO_PASID && !idev.noiommu && (!oldPaging || paging.ioas !== oldPaging.ioas)) {
    const rc = enforceResvRegions(ctx);
    if (rc) return rc;
  }
  let rc = pasidCompat(hwpt, idev, pasid);
  if (!rc && !idev.noiommu && ctx.fail.shouldFail()) rc = -ENOMEM;
  // iommu_replace_device_pasid calls the driver only for another domain, which it is here.
  if (!rc && !idev.noiommu) rc = pagingOf(hwpt)?.domain.noiommu ? -EINVAL : pasid === NO_PASID ? mockAttachDev(hwpt, idev) : mockSetDevPasid(idev, pasid);
  if (rc) return rc;
  idev.attached.set(pasid, hwpt);
  hwpt.users++;
  autoResponseFaults(old, idev, pasid);
  return old;
}

/** The attach or the replace, as iommufd_device_change_pt passes one to the domain search. */
type DoAttach = (ctx: IommufdCtx, idev: DeviceObject, pasid: number, hwpt: AttachTarget) => AttachTarget | null | number;
const doAttach: DoAttach = (ctx, idev, pasid, hwpt) => hwptAttach(ctx, hwpt, idev, pasid) || null;

/** The result of a change of page table: the HWPT now attached and the one to put, or -errno. */
interface Changed { hwpt: AttachTarget; put: AttachTarget | null }

/**
 * iommufd_device_auto_get_domain: the IOAS's automatic domains are tried in
 * creation order (EINVAL means that one does not suit the device and the
 * next is tried; any other error is final), else a new one is made. An
 * attach attaches the new domain before filling it with the IOAS's areas; a
 * replace fills it first.
 */
function autoGetDomain(ctx: IommufdCtx, idev: DeviceObject, pasid: number, ioas: IoasObject, fn: DoAttach): Changed | number {
  for (const hwpt of [...ioas.hwpts]) {
    if (!hwpt.autoDomain) continue;
    const r = fn(ctx, idev, pasid, hwpt);
    if (r === -EINVAL) continue;
    if (typeof r === 'number') return r;
    return { hwpt, put: r };
  }
  const immediate = fn === doAttach;
  // iommufd_hwpt_paging_alloc with the device's ops: the no-IOMMU ones for a device without an IOMMU.
  const hwpt = new HwptPagingObject(ctx, ioas, idev.noiommu ? new NoiommuDomain() : undefined);
  let rc = ctx.objects.reserve(hwpt);
  if (rc) { hwpt.destroy(); return rc; }
  // The mock driver's domain allocation.
  if (ctx.fail.shouldFail()) rc = -ENOMEM;
  if (!rc && immediate) rc = hwptAttach(ctx, hwpt, idev, pasid);
  if (!rc) {
    rc = hwpt.link();
    if (rc && immediate) hwptDetach(ctx, idev, pasid);
  }
  let put: AttachTarget | null = null;
  if (!rc && !immediate) {
    const r = fn(ctx, idev, pasid, hwpt);
    if (typeof r === 'number') rc = r;
    else put = r;
  }
  if (rc) { ctx.objects.abort(hwpt); return rc; }
  hwpt.autoDomain = true;
  ctx.objects.finalize(hwpt);
  return { hwpt, put };
}

/** iommufd_device_change_pt: ptId names an IOAS or a HWPT; the HWPT id now used, or -errno. */
function changePt(ctx: IommufdCtx, idev: DeviceObject, pasid: number, ptId: number, fn: DoAttach): number {
  const pt = ctx.objects.get(ptId);
  if (!pt) return -ENOENT;
  let r: Changed | number;
  if (pt.type === 'HWPT_PAGING' || pt.type === 'HWPT_NESTED') {
    const hwpt = pt as AttachTarget;
    const got = fn(ctx, idev, pasid, hwpt);
    r = typeof got === 'number' ? got : { hwpt, put: got };
  } else if (pt.type === 'IOAS') {
    r = autoGetDomain(ctx, idev, pasid, pt as IoasObject, fn);
  } else return -EINVAL;
  if (typeof r === 'number') return r;
  if (r.put) hwptPut(ctx, r.put);
  return r.hwpt.id;
}

/** iommufd_device_attach: the HWPT id, or -errno with nothing changed. */
export function deviceAttach(ctx: IommufdCtx, idev: DeviceObject, pasid: number, ptId: number): number {
  const id = changePt(ctx, idev, pasid, ptId, doAttach);
  // Each attachment holds the device: it cannot be destroyed while attached.
  if (id > 0) idev.users++;
  return id;
}

/** iommufd_device_replace: the HWPT id now attached, or -errno with the old attachment kept. */
export function deviceReplace(ctx: IommufdCtx, idev: DeviceObject, pasid: number, ptId: number): number {
  return changePt(ctx, idev, pasid, ptId, doReplace);
}

/** iommufd_device_detach: nothing happens when the PASID is not attached. */
export function deviceDetach(ctx: IommufdCtx, idev: DeviceObject, pasid: number): void {
  if (hwptDetach(ctx, idev, pasid)) idev.users--;
}
