// IOMMU_TEST_CMD, the kernel's test interface (CONFIG_IOMMUFD_TEST): mock
// devices and domains (their ops are selftest_device.ts), reserved IOVA, checks of what the mock domain maps and
// of page pin counts, and in-kernel accesses. Ops not modelled are refused
// as unknown ops are.
import { constantNum } from '../spec/loader/constants.ts';
import { EBADFD, EFAULT, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW, EIO } from './errno.ts';
import { AccessObject, accessRw, checkPages, pinPages, pinnedUnder, unpinPages, syzConvIova } from './access.ts';
import { dmabufGet, dmabufRevoke } from './dmabuf.ts';
import { deviceOps } from './selftest_device.ts';
import type { HwptPagingObject } from './hw_pagetable.ts';
import { ULONG_MAX } from './io_pagetable.ts';
import { getIoas } from './ioas.ts';
import { checkIotlb } from './mock_iommu.ts';
import { testDirty } from './dirty.ts';
import { triggerIopf } from './fault.ts';
import { triggerVevent } from './veventq.ts';
import { gup } from './pages.ts';
import { PAGE_SIZE, userAddr } from './usermem.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';

const C = constantNum;
const OP = (name: string) => C(name);
const PAGE = BigInt(PAGE_SIZE);
/** The selftest refuses buffers above 16 MiB before anything else. */
const MAX_BUFFER = 16n * 1024n * 1024n;
const NEEDS_PIN = C('MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES');
const ACCESS_WRITE = C('MOCK_FLAGS_ACCESS_WRITE');
const ACCESS_SYZ = C('MOCK_FLAGS_ACCESS_SYZ');
const RW_WRITE = C('MOCK_ACCESS_RW_WRITE');
const RW_SLOW = C('MOCK_ACCESS_RW_SLOW_PATH');

const TEST = fieldsOf('iommu_test_cmd');

/** The offset of a payload field of the command, member.field, resolved once per path. */
const offsets = new Map<string, number>();
function P(path: string): number {
  const known = offsets.get(path);
  if (known !== undefined) return known;
  const [m, f] = path.split('.') as [string, string];
  const off = payloadOf('iommu_test_cmd', m)[f]!;
  offsets.set(path, off);
  return off;
}
const u32 = (ucmd: Ucmd, path: string) => ucmd.dv.getUint32(P(path), true);
const u64 = (ucmd: Ucmd, path: string) => ucmd.dv.getBigUint64(P(path), true);
const setU32 = (ucmd: Ucmd, path: string, v: number) => { ucmd.dv.setUint32(P(path), v, true); };

function addReserved(ucmd: Ucmd): number {
  const start = u64(ucmd, 'add_reserved.start'), length = u64(ucmd, 'add_reserved.length');
  if (!length) return -EINVAL;
  if (start + length - 1n > ULONG_MAX) return -EOVERFLOW;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(TEST.id!));
  if (!ioas) return -ENOENT;
  return ioas.iopt.reserve(start, start + length - 1n, null);
}

/** get_md_pagetable: a paging HWPT of the mock driver. */
function mockHwpt(ucmd: Ucmd): HwptPagingObject | number {
  return ucmd.ctx.objects.get<HwptPagingObject>(ucmd.u32(TEST.id!), 'HWPT_PAGING') ?? -ENOENT;
}

/** MD_CHECK_MAP: each mock IOPTE under [iova, iova + length) maps the page under uptr. */
function checkMap(ucmd: Ucmd): number {
  const hwpt = mockHwpt(ucmd);
  if (typeof hwpt === 'number') return hwpt;
  const ps = BigInt(hwpt.domain.pageSize);
  let iova = u64(ucmd, 'check_map.iova'), length = u64(ucmd, 'check_map.length');
  const uptr = u64(ucmd, 'check_map.uptr');
  if (iova % ps || length % ps || uptr % ps || uptr + length > ULONG_MAX) return -EINVAL;
  let u = uptr;
  const iopt = hwpt.ioas.iopt;
  for (; length; length -= ps, iova += ps, u += ps) {
    const addr = userAddr(u);
    const page = addr < 0 ? -EFAULT : gup(ucmd.task, addr - (addr % PAGE_SIZE), false, false);
    if (typeof page === 'number') return page;
    const id = iopt.areas.first(iova, iova);
    const pages = id ? iopt.areaPages(id) : undefined;
    const phys = pages?.pinned(iopt.indexOf(id, iova));
    if (!phys || phys.backing !== page.backing || phys.index !== page.index ||
      iopt.startByte(id, iova) % PAGE !== u % PAGE) return -EINVAL;
  }
  return 0;
}

/** MD_CHECK_REFS: each page under uptr is pinned exactly refs times. */
function checkRefs(ucmd: Ucmd): number {
  let length = u64(ucmd, 'check_refs.length');
  const uptr = u64(ucmd, 'check_refs.uptr'), refs = u32(ucmd, 'check_refs.refs');
  if (length % PAGE || uptr % PAGE || uptr + length > ULONG_MAX) return -EINVAL;
  for (let u = uptr; length; length -= PAGE, u += PAGE) {
    const addr = userAddr(u);
    const page = addr < 0 ? -EFAULT : gup(ucmd.task, addr, false, false);
    if (typeof page === 'number') return page;
    if (ucmd.ctx.pins.count(page) !== refs) return -EIO;
  }
  return 0;
}

function createAccess(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  const flags = u32(ucmd, 'create_access.flags');
  if (flags & ~NEEDS_PIN) return -EOPNOTSUPP;
  if (ctx.fail.shouldFail() || !ucmd.files) return -ENOMEM;
  const access = new AccessObject(ctx, (flags & NEEDS_PIN) !== 0);
  let rc = ctx.objects.reserve(access);
  if (rc) return rc;
  ctx.objects.finalize(access);
  const ioas = getIoas(ctx, ucmd.u32(TEST.id!));
  rc = ioas ? access.attach(ioas) : -ENOENT;
  if (rc) { access.release(); return rc; }
  const fd = ucmd.files.installFile({ kind: 'engine', name: '[iommufd_test_staccess]', owner: access, refs: 1, release: () => access.release() });
  if (fd < 0) { access.release(); return -ENOMEM; }
  setU32(ucmd, 'create_access.out_access_fd', fd);
  rc = ucmd.respond();
  // The kernel installs the descriptor only after the reply; closing it undoes everything.
  if (rc) ucmd.files.close(fd);
  return rc;
}

/** iommufd_access_get: the access behind an access file descriptor. */
function accessOf(ucmd: Ucmd): AccessObject | number {
  const f = ucmd.files?.file(ucmd.u32(TEST.id!));
  return f?.kind === 'engine' && f.owner instanceof AccessObject ? f.owner : -EBADFD;
}

function accessPages(ucmd: Ucmd): number {
  let iova = u64(ucmd, 'access_pages.iova');
  const length = u64(ucmd, 'access_pages.length');
  const uptr = u64(ucmd, 'access_pages.uptr'), flags = u32(ucmd, 'access_pages.flags');
  if (length > MAX_BUFFER) return -ENOMEM;
  if (flags & ~(ACCESS_WRITE | ACCESS_SYZ)) return -EOPNOTSUPP;
  const access = accessOf(ucmd);
  if (typeof access === 'number') return access;
  if (!access.needsPinPages) return -EOPNOTSUPP;
  if (flags & ACCESS_SYZ) iova = syzConvIova(access.ioas?.iopt, iova);
  if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  let rc = pinPages(access.ioas?.iopt, iova, length, (flags & ACCESS_WRITE) !== 0);
  if (rc) return rc;
  const iopt = access.ioas!.iopt;
  if (uptr) {
    const base = userAddr(uptr - (iova % PAGE));
    rc = base < 0 ? -EFAULT : checkPages(ucmd.task, base, pinnedUnder(iopt, iova, length));
  }
  if (!rc && ucmd.ctx.fail.shouldFail()) rc = -ENOMEM;
  if (!rc) {
    const item = { id: access.nextItem++, iova, length };
    access.items.push(item);
    setU32(ucmd, 'access_pages.out_access_pages_id', item.id);
    rc = ucmd.respond();
    if (!rc) return 0;
    access.items.pop();
  }
  unpinPages(iopt, iova, length);
  return rc;
}

function destroyAccessPages(ucmd: Ucmd): number {
  const access = accessOf(ucmd);
  if (typeof access === 'number') return access;
  const want = u32(ucmd, 'destroy_access_pages.access_pages_id');
  const i = access.items.findIndex((it) => it.id === want);
  if (i < 0) return -ENOENT;
  const [it] = access.items.splice(i, 1);
  unpinPages(access.ioas!.iopt, it!.iova, it!.length);
  return 0;
}

function accessRwOp(ucmd: Ucmd): number {
  let iova = u64(ucmd, 'access_rw.iova');
  const length = u64(ucmd, 'access_rw.length');
  const ubuf = u64(ucmd, 'access_rw.uptr'), flags = u32(ucmd, 'access_rw.flags');
  if (length > MAX_BUFFER) return -ENOMEM;
  if (flags & ~(RW_WRITE | RW_SLOW | ACCESS_SYZ)) return -EOPNOTSUPP;
  const access = accessOf(ucmd);
  if (typeof access === 'number') return access;
  if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  const tmp = new Uint8Array(Number(length));
  const write = (flags & RW_WRITE) !== 0;
  const at = userAddr(ubuf);
  if (write && (at < 0 || ucmd.task.mm.copyFrom(at, tmp) < 0)) return -EFAULT;
  if (flags & ACCESS_SYZ) iova = syzConvIova(access.ioas?.iopt, iova);
  const rc = accessRw(access.ioas?.iopt, ucmd.task, iova, tmp, write, (flags & RW_SLOW) !== 0);
  if (rc) return rc;
  if (!write && (at < 0 || ucmd.task.mm.copyTo(at, tmp) < 0)) return -EFAULT;
  return 0;
}

/** ACCESS_REPLACE_IOAS: the access moves to the IOAS named by the payload. */
function accessReplaceIoas(ucmd: Ucmd): number {
  const access = accessOf(ucmd);
  if (typeof access === 'number') return access;
  const ioas = getIoas(ucmd.ctx, u32(ucmd, 'access_replace_ioas.ioas_id'));
  if (!access.ioas) return -ENOENT;
  return ioas ? access.replace(ioas) : -ENOENT;
}

function setTempMemoryLimit(ucmd: Ucmd): number {
  // The batch memory limit only changes how the kernel chunks its work, not what it does.
  return u32(ucmd, 'memory_limit.limit') < 12 ? -EINVAL : 0;
}

type TestOp = (ucmd: Ucmd) => number;
const OPS = new Map<number, TestOp>([
  [OP('IOMMU_TEST_OP_ADD_RESERVED'), addReserved],
  [OP('IOMMU_TEST_OP_MD_CHECK_MAP'), checkMap],
  [OP('IOMMU_TEST_OP_MD_CHECK_REFS'), checkRefs],
  [OP('IOMMU_TEST_OP_CREATE_ACCESS'), createAccess],
  [OP('IOMMU_TEST_OP_ACCESS_PAGES'), accessPages],
  [OP('IOMMU_TEST_OP_DESTROY_ACCESS_PAGES'), destroyAccessPages],
  [OP('IOMMU_TEST_OP_ACCESS_RW'), accessRwOp],
  [OP('IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT'), setTempMemoryLimit],
  ...deviceOps.map(([name, op]): [number, TestOp] => [OP(name), op]),
  [OP('IOMMU_TEST_OP_ACCESS_REPLACE_IOAS'), accessReplaceIoas],
  [OP('IOMMU_TEST_OP_DMABUF_GET'), dmabufGet],
  [OP('IOMMU_TEST_OP_DMABUF_REVOKE'), dmabufRevoke],
  [OP('IOMMU_TEST_OP_MD_CHECK_IOTLB'), checkIotlb],
  [OP('IOMMU_TEST_OP_DIRTY'), testDirty],
  [OP('IOMMU_TEST_OP_TRIGGER_IOPF'), triggerIopf],
  [OP('IOMMU_TEST_OP_TRIGGER_VEVENT'), triggerVevent],
]);

function iommufdTest(ucmd: Ucmd): number {
  const op = OPS.get(ucmd.u32(TEST.op!));
  return op ? op(ucmd) : -EOPNOTSUPP;
}

export const handlers = { IOMMU_TEST_CMD: iommufdTest };
