// The selftest ops on mock devices (IOMMU_TEST_CMD): MOCK_DOMAIN(_FLAGS)
// makes a selftest object owning a new mock device attached to a page table,
// MOCK_DOMAIN_REPLACE and the PASID ops change what it is attached to, and
// PASID_CHECK_HWPT and DEV_CHECK_CACHE check the device's state.
import { constantNum } from '../spec/loader/constants.ts';
import { EINVAL, ENOENT } from './errno.ts';
import { DeviceObject, NO_PASID, bind, unbind } from './device.ts';
import { deviceAttach, deviceDetach, deviceReplace } from './device_attach.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject } from './object.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';

const TEST = fieldsOf('iommu_test_cmd');
const CACHE_ID_MAX = constantNum('MOCK_DEV_CACHE_ID_MAX');

/** The offset in iommu_test_cmd of a payload field: member.field. */
function at(path: string): number {
  const [m, f] = path.split('.') as [string, string];
  return payloadOf('iommu_test_cmd', m)[f]!;
}
const MD_STDEV = at('mock_domain.out_stdev_id'), MD_HWPT = at('mock_domain.out_hwpt_id');
const MD_IDEV = at('mock_domain.out_idev_id'), MD_FLAGS = at('mock_domain_flags.dev_flags');
const REPLACE_PT = at('mock_domain_replace.pt_id');
const PASID_ATTACH = at('pasid_attach.pasid'), PASID_ATTACH_PT = at('pasid_attach.pt_id');
const PASID_DETACH = at('pasid_detach.pasid');
const PASID_CHECK = at('pasid_check.pasid'), PASID_CHECK_HWPT = at('pasid_check.hwpt_id');
const CACHE_ID = at('check_dev_cache.id'), CACHE_VALUE = at('check_dev_cache.cache');

/** The selftest object that owns a mock device (TYPE_IDEV): destroying it detaches the device and unbinds it. */
export class SelftestObject extends IommufdObject {
  readonly type = 'SELFTEST' as const;
  idev?: DeviceObject;
  constructor(readonly ctx: IommufdCtx) { super(); }
  override describe(): string { return `idev=${this.idev?.id ?? 0}`; }

  /**
   * iommufd_selftest_destroy detaches the device and unbinds it. The kernel
   * detaches only IOMMU_NO_PASID: a PASID still attached makes the unbind
   * WARN and leaves the device, its HWPTs and their pins behind for good (a
   * selftest-driver bug no scenario asserts). The engine detaches the PASIDs
   * too, so that a scenario stopped early still closes clean.
   */
  override destroy(): void {
    if (!this.idev) return;
    for (const pasid of [...this.idev.attached.keys()]) if (pasid !== NO_PASID) deviceDetach(this.ctx, this.idev, pasid);
    deviceDetach(this.ctx, this.idev, NO_PASID);
    unbind(this.ctx, this.idev);
    this.idev = undefined;
  }
}

function mockDomain(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  const sobj = new SelftestObject(ctx);
  const rc = ctx.objects.reserve(sobj);
  if (rc) return rc;
  ucmd.newObj = sobj;
  const flags = ucmd.u32(TEST.op!) === constantNum('IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS') ? ucmd.u32(MD_FLAGS) : 0;
  const idev = bind(ctx, flags);
  if (typeof idev === 'number') return idev;
  sobj.idev = idev;
  const hwptId = deviceAttach(ctx, idev, NO_PASID, ucmd.u32(TEST.id!));
  // A failure from here on is undone by aborting the selftest object (it detaches and unbinds).
  if (hwptId < 0) return hwptId;
  ucmd.setU32(MD_HWPT, hwptId);
  ucmd.setU32(MD_STDEV, sobj.id);
  ucmd.setU32(MD_IDEV, idev.id);
  return ucmd.respond();
}

/** iommufd_test_get_selftest_obj: the device of the selftest object named by the command's id. */
function stdevOf(ucmd: Ucmd): DeviceObject | number {
  const sobj = ucmd.ctx.objects.get<SelftestObject>(ucmd.u32(TEST.id!), 'SELFTEST');
  return sobj?.idev ?? -ENOENT;
}

/** MOCK_DOMAIN_REPLACE: the device moves to pt_id, which is answered with the HWPT now used. */
function mockDomainReplace(ucmd: Ucmd): number {
  const idev = stdevOf(ucmd);
  if (typeof idev === 'number') return idev;
  const id = deviceReplace(ucmd.ctx, idev, NO_PASID, ucmd.u32(REPLACE_PT));
  if (id < 0) return id;
  ucmd.setU32(REPLACE_PT, id);
  return ucmd.respond();
}

function pasidAttach(ucmd: Ucmd): number {
  const idev = stdevOf(ucmd);
  if (typeof idev === 'number') return idev;
  const pasid = ucmd.u32(PASID_ATTACH);
  const id = deviceAttach(ucmd.ctx, idev, pasid, ucmd.u32(PASID_ATTACH_PT));
  if (id < 0) return id;
  ucmd.setU32(PASID_ATTACH_PT, id);
  const rc = ucmd.respond();
  if (rc) deviceDetach(ucmd.ctx, idev, pasid);
  return rc;
}

/** PASID_REPLACE reads the same fields as PASID_ATTACH; a failed reply keeps the new attachment. */
function pasidReplace(ucmd: Ucmd): number {
  const idev = stdevOf(ucmd);
  if (typeof idev === 'number') return idev;
  const id = deviceReplace(ucmd.ctx, idev, ucmd.u32(PASID_ATTACH), ucmd.u32(PASID_ATTACH_PT));
  if (id < 0) return id;
  ucmd.setU32(PASID_ATTACH_PT, id);
  return ucmd.respond();
}

/** PASID_DETACH succeeds whether or not the PASID was attached. */
function pasidDetach(ucmd: Ucmd): number {
  const idev = stdevOf(ucmd);
  if (typeof idev === 'number') return idev;
  deviceDetach(ucmd.ctx, idev, ucmd.u32(PASID_DETACH));
  return 0;
}

/** PASID_CHECK_HWPT: hwpt_id 0 asks that the PASID be detached, else that it be attached to that HWPT. */
function pasidCheckHwpt(ucmd: Ucmd): number {
  const idev = stdevOf(ucmd);
  if (typeof idev === 'number') return idev;
  const attached = idev.hwptOf(ucmd.u32(PASID_CHECK));
  const want = ucmd.u32(PASID_CHECK_HWPT);
  if (!want) return attached ? -EINVAL : 0;
  const hwpt = ucmd.ctx.objects.get(want);
  if (!hwpt) return -ENOENT;
  if (hwpt.type !== 'HWPT_PAGING' && hwpt.type !== 'HWPT_NESTED') return -EINVAL;
  return attached === hwpt ? 0 : -EINVAL;
}

/** DEV_CHECK_CACHE: the id names the DEVICE object (not the selftest one). */
function devCheckCache(ucmd: Ucmd): number {
  const idev = ucmd.ctx.objects.get<DeviceObject>(ucmd.u32(TEST.id!), 'DEVICE');
  if (!idev) return -ENOENT;
  const id = ucmd.u32(CACHE_ID);
  return id > CACHE_ID_MAX || idev.cache[id] !== ucmd.u32(CACHE_VALUE) ? -EINVAL : 0;
}

export const deviceOps: [string, (ucmd: Ucmd) => number][] = [
  ['IOMMU_TEST_OP_MOCK_DOMAIN', mockDomain],
  ['IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS', mockDomain],
  ['IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE', mockDomainReplace],
  ['IOMMU_TEST_OP_PASID_ATTACH', pasidAttach],
  ['IOMMU_TEST_OP_PASID_REPLACE', pasidReplace],
  ['IOMMU_TEST_OP_PASID_DETACH', pasidDetach],
  ['IOMMU_TEST_OP_PASID_CHECK_HWPT', pasidCheckHwpt],
  ['IOMMU_TEST_OP_DEV_CHECK_CACHE', devCheckCache],
];
