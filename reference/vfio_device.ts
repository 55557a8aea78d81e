// A VFIO device without an IOMMU (vfio-pci with enable_unsafe_noiommu_mode)
// and its cdev, /dev/vfio/devices/noiommu-vfio0 (drivers/vfio/device_cdev.c,
// iommufd.c): the way a no-IOMMU device enters an iommufd. Opening it needs
// CAP_SYS_RAWIO; VFIO_DEVICE_BIND_IOMMUFD makes it a DEVICE object of the
// iommufd (iommufd_bind_noiommu: no group, no DMA ownership), and
// VFIO_DEVICE_ATTACH_IOMMUFD_PT attaches it as device_attach.ts does, where an
// IOAS gets an automatic no-IOMMU domain (noiommu_domain.ts) that pins and
// holds its areas for IOMMU_IOAS_NOIOMMU_GET_PA. Closing the file unbinds.
// The engine has one such device, shared by a process and its forked children.
import { EBADF, EBADFD, EFAULT, E2BIG, EINVAL, ENOMEM, ENOSPC, EPERM } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import { DeviceObject, NO_PASID } from './device.ts';
import { deviceAttach, deviceDetach, deviceReplace } from './device_attach.ts';
import type { PinLedger } from './pages.ts';
import type { File, Process } from './process.ts';
import { fieldsOf } from './ucmd.ts';
import { constantNum } from '../spec/loader/constants.ts';
import { loadSpec } from '../spec/loader/load.ts';

export const NOIOMMU_DEVICE_PATH = '/dev/vfio/devices/noiommu-vfio0';

const BIND = fieldsOf('vfio_device_bind_iommufd');
const ATTACH = fieldsOf('vfio_device_attach_iommufd_pt');
const DETACH = fieldsOf('vfio_device_detach_iommufd_pt');
const BIND_SIZE = 24;
const TOKEN = constantNum('VFIO_DEVICE_BIND_FLAG_TOKEN');
const ATTACH_PASID = constantNum('VFIO_DEVICE_ATTACH_PASID');
const DETACH_PASID = constantNum('VFIO_DEVICE_DETACH_PASID');
const INT_MAX = 0x7fff_ffff;

/** struct vfio_device: opened (bound) through at most one cdev file at a time. */
class VfioDevice {
  openCount = 0;
  /** The iommufd_device of the binding, and what vfio_iommufd_physical_* keep of its attachments. */
  idev?: DeviceObject;
  ctx?: IommufdCtx;
  attached = false;
  readonly pasids = new Set<number>();
}

/** struct vfio_device_file: one open of the cdev. */
interface DeviceFile {
  device: VfioDevice;
  accessGranted: boolean;
  /** The iommufd file the binding holds (iommufd_ctx_from_fd takes a reference). */
  iommufd?: File & { kind: 'iommufd' };
}

const devices = new WeakMap<PinLedger, VfioDevice>();

/** vfio_device_fops_cdev_open: a new device file, or -EPERM without CAP_SYS_RAWIO. */
export function openNoiommuDevice(p: Process): number {
  if (!p.task.capSysRawio) return -EPERM;
  let device = devices.get(p.pins);
  if (!device) devices.set(p.pins, (device = new VfioDevice()));
  const df: DeviceFile = { device, accessGranted: false };
  return p.installFile({
    kind: 'engine', name: 'vfio-device', owner: df, refs: 1,
    release: () => unbind(df),
    ioctl: (proc, request, arg) => deviceIoctl(df, proc, request, arg),
  });
}

const request = (name: string) => loadSpec().ioctls.get(name)!.request;
const REQ = {
  bind: request('VFIO_DEVICE_BIND_IOMMUFD'),
  attach: request('VFIO_DEVICE_ATTACH_IOMMUFD_PT'),
  detach: request('VFIO_DEVICE_DETACH_IOMMUFD_PT'),
};

/** vfio_device_fops_unl_ioctl: only BIND before the file is bound (EINVAL); the cdev-only ioctls after. */
function deviceIoctl(df: DeviceFile, p: Process, request: number, arg: number): number {
  if (request === REQ.bind) return bindIommufd(df, p, arg);
  if (!df.accessGranted) return -EINVAL;
  if (request === REQ.attach) return attachPt(df, p, arg);
  if (request === REQ.detach) return detachPt(df, p, arg);
  // vfio-pci's own ioctls (regions, IRQs, reset) are not modelled.
  return -EINVAL;
}

// --- VFIO_DEVICE_BIND_IOMMUFD ----------------------------------------------

/** vfio_df_ioctl_bind_iommufd. */
function bindIommufd(df: DeviceFile, p: Process, arg: number): number {
  const mm = p.task.mm;
  const argsz = mm.readU32(arg);
  if (argsz < 0) return -EFAULT;
  if (argsz < BIND.out_devid! + 4) return -EINVAL;
  const cmd = new Uint8Array(BIND_SIZE);
  if (argsz > BIND_SIZE) {
    const z = mm.checkZeroed(arg + BIND_SIZE, argsz - BIND_SIZE);
    if (z <= 0) return z < 0 ? -EFAULT : -E2BIG;
  }
  if (mm.copyFrom(arg, cmd, Math.min(argsz, BIND_SIZE)) < 0) return -EFAULT;
  const dv = new DataView(cmd.buffer);
  const flags = dv.getUint32(BIND.flags!, true), fd = dv.getInt32(BIND.iommufd!, true);
  if (fd < 0 || flags & ~TOKEN) return -EINVAL;
  if (df.accessGranted) return -EINVAL;
  let rc = matchToken(p, flags, dv.getBigUint64(BIND.token_uuid_ptr!, true));
  if (rc) return rc;
  const f = p.file(fd);
  if (!f) return -EBADF;
  if (f.kind !== 'iommufd') return -EBADFD;
  const id = dfOpen(df.device, f.ctx);
  if (id < 0) return id;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, id, true);
  rc = mm.copyTo(arg + BIND.out_devid!, out);
  if (rc) { dfClose(df.device); return -EFAULT; }
  f.refs++;
  df.iommufd = f;
  df.accessGranted = true;
  return 0;
}

/**
 * vfio_pci_core_match_token_uuid for a device that is neither an SR-IOV PF
 * nor a VF: no token is asked for, and one given is refused once read.
 */
function matchToken(p: Process, flags: number, uuidPtr: bigint): number {
  if (!(flags & TOKEN)) return 0;
  const uuid = new Uint8Array(16);
  const at = uuidPtr > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(uuidPtr);
  if (at < 0 || p.task.mm.copyFrom(at, uuid) < 0) return -EFAULT;
  return -EINVAL;
}

/** vfio_df_open + iommufd_device_bind of a device without an IOMMU: the new device id, or -errno with nothing kept. */
function dfOpen(device: VfioDevice, ctx: IommufdCtx): number {
  // The cdev path allows one open of the device at a time.
  if (device.openCount) return -EINVAL;
  const idev = new DeviceObject(0, true);
  const rc = ctx.objects.reserve(idev);
  if (rc) return rc;
  // iommufd_bind_noiommu: the group stand-in without an iommu_group.
  if (ctx.fail.shouldFail()) { ctx.objects.abort(idev); return -ENOMEM; }
  ctx.objects.finalize(idev);
  device.openCount = 1;
  device.idev = idev;
  device.ctx = ctx;
  return idev.id;
}

/** vfio_df_close on the last close: vfio_iommufd_physical_unbind. */
function dfClose(device: VfioDevice): void {
  const { idev, ctx } = device;
  if (!idev || !ctx) return;
  for (const pasid of device.pasids) deviceDetach(ctx, idev, pasid);
  device.pasids.clear();
  if (device.attached) deviceDetach(ctx, idev, NO_PASID);
  device.attached = false;
  idev.users--;
  ctx.objects.remove(idev.id);
  device.idev = device.ctx = undefined;
  device.openCount = 0;
}

/** vfio_df_unbind_iommufd (the file's release): unbinds and drops the iommufd reference. */
function unbind(df: DeviceFile): void {
  if (!df.accessGranted) return;
  dfClose(df.device);
  df.accessGranted = false;
  const f = df.iommufd!;
  df.iommufd = undefined;
  if (--f.refs === 0) f.ctx.release();
}

// --- VFIO_DEVICE_ATTACH_IOMMUFD_PT / DETACH ----------------------------------

/** Reads the fixed part of an argsz struct and, if flags ask for it, the pasid after it: the words, or -errno. */
function readArgs(p: Process, arg: number, minsz: number, pasidFlag: number, pasidAt: number): Uint32Array | number {
  const mm = p.task.mm;
  const words = new Uint32Array(pasidAt / 4 + 1);
  const bytes = new Uint8Array(words.buffer);
  if (mm.copyFrom(arg, bytes, minsz) < 0) return -EFAULT;
  if (words[0]! < minsz) return -EINVAL;
  const flags = words[1]!;
  if (flags & ~pasidFlag) return -EINVAL;
  if (flags & pasidFlag) {
    if (words[0]! < pasidAt + 4) return -EINVAL;
    if (mm.copyFrom(arg + pasidAt, bytes.subarray(pasidAt), 4) < 0) return -EFAULT;
  }
  return words;
}

/** vfio_df_ioctl_attach_pt with vfio-pci's vfio_iommufd_physical_(pasid_)attach_ioas. */
function attachPt(df: DeviceFile, p: Process, arg: number): number {
  const w = readArgs(p, arg, ATTACH.pt_id! + 4, ATTACH_PASID, ATTACH.pasid!);
  if (typeof w === 'number') return w;
  const device = df.device, ctx = device.ctx!, idev = device.idev!;
  const pasidAttach = (w[1]! & ATTACH_PASID) !== 0;
  const pasid = pasidAttach ? w[ATTACH.pasid! / 4]! : NO_PASID;
  const ptId = w[ATTACH.pt_id! / 4]!;
  let id: number;
  if (!pasidAttach) {
    id = device.attached ? deviceReplace(ctx, idev, NO_PASID, ptId) : deviceAttach(ctx, idev, NO_PASID, ptId);
    if (id >= 0) device.attached = true;
  } else if (device.pasids.has(pasid)) {
    id = deviceReplace(ctx, idev, pasid, ptId);
  } else {
    // ida_alloc_range of exactly this PASID.
    if (pasid > INT_MAX) return -ENOSPC;
    if (ctx.fail.shouldFail()) return -ENOMEM;
    id = deviceAttach(ctx, idev, pasid, ptId);
    if (id >= 0) device.pasids.add(pasid);
  }
  if (id < 0) return id;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, id, true);
  if (p.task.mm.copyTo(arg + ATTACH.pt_id!, out) < 0) {
    // out_detach: vfio-pci's detach_ioas, which only ends the device's own attachment.
    if (device.attached) deviceDetach(ctx, idev, NO_PASID);
    device.attached = false;
    return -EFAULT;
  }
  return 0;
}

/** vfio_df_ioctl_detach_pt: detaching what is not attached does nothing. */
function detachPt(df: DeviceFile, p: Process, arg: number): number {
  const w = readArgs(p, arg, DETACH.flags! + 4, DETACH_PASID, DETACH.pasid!);
  if (typeof w === 'number') return w;
  const device = df.device, ctx = device.ctx!, idev = device.idev!;
  if (w[1]! & DETACH_PASID) {
    const pasid = w[DETACH.pasid! / 4]!;
    if (!device.pasids.delete(pasid)) return 0;
    deviceDetach(ctx, idev, pasid);
  } else if (device.attached) {
    deviceDetach(ctx, idev, NO_PASID);
    device.attached = false;
  }
  return 0;
}
