// IOMMU_GET_HW_INFO (iommufd_get_hw_info): what the IOMMU behind a bound
// device can do. The generic part reports capabilities and the PASID width;
// the driver's part is a typed block copied into the caller's buffer, never
// past data_len, zero-filled up to it, with the driver's own length written
// back. Devices are the selftest's mock devices, so the driver is the mock's
// (mock_domain_hw_info, mock_domain_capable).
import { constantNum } from '../spec/loader/constants.ts';
import { EFAULT, ENOENT, ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { DeviceObject } from './device.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import { PAGE_SIZE, userAddr } from './usermem.ts';

const C = constantNum;
const INPUT_TYPE = C('IOMMU_HW_INFO_FLAG_INPUT_TYPE');
const TYPE_DEFAULT = C('IOMMU_HW_INFO_TYPE_DEFAULT');
const TYPE_SELFTEST = C('IOMMU_HW_INFO_TYPE_SELFTEST');
const REGVAL = C('IOMMU_HW_INFO_SELFTEST_REGVAL');
const CAP_DIRTY = C('IOMMU_HW_CAP_DIRTY_TRACKING');
const CAP_NO_ATS = C('IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED');
const NO_DIRTY = C('MOCK_FLAGS_DEVICE_NO_DIRTY');
const PASID = C('MOCK_FLAGS_DEVICE_PASID');
/** The mock IOMMU's max_pasids is 1 << MOCK_PASID_WIDTH; a device without PASID has "pasid-num-bits" 0, one PASID. */
const PASID_WIDTH = C('MOCK_PASID_WIDTH');

const CMD = fieldsOf('iommu_hw_info');
const INFO = fieldsOf('iommu_test_hw_info');
const INFO_SIZE = 8;

/** mock_domain_hw_info: the selftest block for the DEFAULT or SELFTEST type, else -EOPNOTSUPP. */
function mockHwInfo(ucmd: Ucmd, type: number): Uint8Array | number {
  if (type !== TYPE_DEFAULT && type !== TYPE_SELFTEST) return -EOPNOTSUPP;
  if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  const data = new Uint8Array(INFO_SIZE);
  new DataView(data.buffer).setUint32(INFO.test_reg!, REGVAL, true);
  return data;
}

/** The generic capability bits through the mock's capable(): dirty tracking unless NO_DIRTY; never ATS. */
function capabilities(idev: DeviceObject): bigint {
  return BigInt((idev.flags & NO_DIRTY ? 0 : CAP_DIRTY) | CAP_NO_ATS);
}

/** ilog2 of the device's max_pasids: min(1 << pasid-num-bits, the mock IOMMU's). */
const maxPasidLog2 = (idev: DeviceObject) => (idev.flags & PASID ? PASID_WIDTH : 0);

/** copy_to_user of the block, then clear_user of the rest of the caller's buffer: 0 or -EFAULT. */
function copyOut(ucmd: Ucmd, data: Uint8Array, userLen: number): number {
  if (!userLen) return 0;
  const at = userAddr(ucmd.u64(CMD.data_uptr!));
  if (at < 0) return -EFAULT;
  const n = Math.min(userLen, data.length);
  if (n && ucmd.task.mm.copyTo(at, data, n) < 0) return -EFAULT;
  return clearUser(ucmd, at + n, userLen - n);
}

const ZEROS = new Uint8Array(PAGE_SIZE);

/** clear_user a page at a time: data_len is the caller's u32, so the tail may be up to 4 GiB (it faults long before). */
function clearUser(ucmd: Ucmd, at: number, len: number): number {
  for (let done = 0; done < len; done += PAGE_SIZE) {
    if (ucmd.task.mm.copyTo(at + done, ZEROS, Math.min(PAGE_SIZE, len - done)) < 0) return -EFAULT;
  }
  return 0;
}

function getHwInfo(ucmd: Ucmd): number {
  if (ucmd.u32(CMD.flags!) & ~INPUT_TYPE) return -EOPNOTSUPP;
  if (ucmd.u16(CMD.__reserved!) || ucmd.cmd[CMD.__reserved! + 2]) return -EOPNOTSUPP;
  // Without the flag the type field is not an input: drivers see DEFAULT.
  const type = ucmd.u32(CMD.flags!) & INPUT_TYPE ? ucmd.u32(CMD.in_data_type!) : TYPE_DEFAULT;
  const idev = ucmd.ctx.objects.get<DeviceObject>(ucmd.u32(CMD.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  // A device without an IOMMU has no hardware to describe.
  if (idev.noiommu) return -EOPNOTSUPP;
  const data = mockHwInfo(ucmd, type);
  if (typeof data === 'number') return data;
  const rc = copyOut(ucmd, data, ucmd.u32(CMD.data_len!));
  if (rc) return rc;
  ucmd.setU32(CMD.out_data_type!, TYPE_SELFTEST);
  ucmd.setU32(CMD.data_len!, data.length);
  ucmd.setU64(CMD.out_capabilities!, capabilities(idev));
  ucmd.cmd[CMD.out_max_pasid_log2!] = maxPasidLog2(idev);
  return ucmd.respond();
}

export const handlers = { IOMMU_GET_HW_INFO: getHwInfo };
