// The engine's GET_HW_INFO, NOIOMMU_GET_PA, access replace, syzkaller IOVAs
// and dma-bufs at the byte level, and what observe() says about their state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, session, testCmd } from './ioas_helpers.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

const N = (n: string) => Number(K(n));
type S = ReturnType<typeof session>;
const mock = (s: S, id: number, flags = 0) => {
  const r = flags ? testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS', id, 'mock_domain_flags', { dev_flags: flags })
    : testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', id);
  assert.equal(r.rc, 0);
  return { idev: Number(r.get('mock_domain.out_idev_id')), stdev: Number(r.get('mock_domain.out_stdev_id')) };
};
const hwInfo = (s: S, fields: Record<string, unknown>) => s.call('IOMMU_GET_HW_INFO', fields);

test('GET_HW_INFO copies at most data_len bytes, zeroes the rest, and reports the kernel length, type and capabilities', () => {
  const s = session();
  const { idev } = mock(s, s.ioas());
  const buf = s.p.mm.mmap(4096, PROT_READ | PROT_WRITE);
  s.p.mm.copyTo(buf, new Uint8Array(32).fill(0xa5));
  const r = hwInfo(s, { dev_id: idev, data_len: 12, data_uptr: buf });
  assert.equal(r.rc, 0);
  assert.equal(r.get('data_len'), 8);
  assert.equal(r.get('out_data_type'), N('IOMMU_HW_INFO_TYPE_SELFTEST'));
  assert.equal(BigInt(r.get('out_capabilities')), K('IOMMU_HW_CAP_DIRTY_TRACKING') | K('IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED'));
  const out = new Uint8Array(16);
  s.p.mm.copyFrom(buf, out);
  assert.deepEqual([...out], [0, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0, 0xa5, 0xa5, 0xa5, 0xa5]);
  const nodirty = mock(s, s.ioas(), N('MOCK_FLAGS_DEVICE_NO_DIRTY'));
  assert.equal(BigInt(hwInfo(s, { dev_id: nodirty.idev }).get('out_capabilities')), K('IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED'));
  const pasid = mock(s, s.ioas(), N('MOCK_FLAGS_DEVICE_PASID'));
  assert.equal(hwInfo(s, { dev_id: pasid.idev }).get('out_max_pasid_log2'), N('MOCK_PASID_WIDTH'));
  assert.equal(hwInfo(s, { dev_id: nodirty.stdev }).rc, E('ENOENT'));
});

test('GET_HW_INFO into a buffer that ends at an unmapped page fails with EFAULT after the part that fits', () => {
  const s = session();
  const { idev } = mock(s, s.ioas());
  const two = s.p.mm.mmap(8192, PROT_READ | PROT_WRITE);
  s.p.mm.munmap(two + 4096, 4096);
  assert.equal(hwInfo(s, { dev_id: idev, data_len: 8, data_uptr: two + 4092 }).rc, E('EFAULT'));
  assert.equal(hwInfo(s, { dev_id: idev, data_len: 4, data_uptr: two + 4092 }).rc, 0);
});

test('an access moved to another IOAS is described with its new IOAS, and both IOAS reference counts move', () => {
  const s = session();
  const a = s.ioas(), b = s.ioas();
  const r = testCmd(s, 'IOMMU_TEST_OP_CREATE_ACCESS', a, 'create_access', { flags: N('MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES') });
  const fd = Number(r.get('create_access.out_access_fd'));
  const before = s.ctx().observe(s.p.task);
  assert.match(before, new RegExp(`#${a} IOAS users=2`));
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS', fd, 'access_replace_ioas', { ioas_id: b }).rc, 0);
  const after = s.ctx().observe(s.p.task);
  assert.match(after, new RegExp(`ACCESS users=\\d+ ioas=${b} `));
  assert.match(after, new RegExp(`#${a} IOAS users=1`));
  assert.match(after, new RegExp(`#${b} IOAS users=2`));
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS', s.fd, 'access_replace_ioas', { ioas_id: b }).rc, E('EBADFD'));
});

test('a syzkaller IOVA picks the nth area in IOVA order, and an index past the last area is IOVA 0', () => {
  const s = session();
  const id = s.ioas();
  const x = s.buffer(1), y = s.buffer(1);
  assert.equal(s.map(id, y, 4096, 0x200000n).rc, 0);
  assert.equal(s.map(id, x, 4096, 0x100000n).rc, 0);
  const r = testCmd(s, 'IOMMU_TEST_OP_CREATE_ACCESS', id, 'create_access', { flags: 0 });
  const fd = Number(r.get('create_access.out_access_fd'));
  const out = s.p.mm.mmap(4096, PROT_READ | PROT_WRITE);
  const rw = (iova: bigint) => testCmd(s, 'IOMMU_TEST_OP_ACCESS_RW', fd, 'access_rw', { iova, length: 16, uptr: out, flags: N('MOCK_FLAGS_ACCESS_SYZ') }).rc;
  const first = () => { const b = new Uint8Array(1); s.p.mm.copyFrom(out, b); return b[0]; };
  assert.equal(rw(1n | (0x10n << 32n)), 0);
  assert.equal(first(), 1, 'area 1 is the one at 0x200000 (y), whatever the order of the maps');
  assert.equal(rw(2n), E('ENOENT'));
});

test('dma-buf: DMABUF_GET returns the fd, a revoke shows in observe() for good, and the mapping pins nothing', () => {
  const s = session();
  const id = s.ioas();
  mock(s, id);
  const fd = testCmd(s, 'IOMMU_TEST_OP_DMABUF_GET', 0, 'dmabuf_get', { length: 0x3001 }).rc;
  assert.ok(fd > s.fd, `a new descriptor, got ${fd}`);
  const base = N('MOCK_APERTURE_START');
  const map = (iova: number) => s.call('IOMMU_IOAS_MAP_FILE', { ioas_id: id, fd, start: 0, length: 0x4000, iova, flags: N('IOMMU_IOAS_MAP_READABLE') | N('IOMMU_IOAS_MAP_FIXED_IOVA') }).rc;
  assert.equal(map(base), 0);
  assert.equal(s.p.task.pinnedVm, 0);
  assert.match(s.ctx().observe(s.p.task), /dmabuf revoked=false/);
  const revoke = (revoked: number) => testCmd(s, 'IOMMU_TEST_OP_DMABUF_REVOKE', 0, 'dmabuf_revoke', { dmabuf_fd: fd, revoked }).rc;
  assert.equal(revoke(1), 0);
  assert.match(s.ctx().observe(s.p.task), /dmabuf revoked=true/);
  assert.equal(map(base + 0x10000), E('ENODEV'));
  assert.equal(revoke(0), 0);
  assert.match(s.ctx().observe(s.p.task), /dmabuf revoked=true/);
  assert.equal(map(base + 0x10000), 0);
  const pa = (iova: number) => s.call('IOMMU_IOAS_NOIOMMU_GET_PA', { ioas_id: id, iova, length: 1 }).rc;
  assert.equal(pa(base), E('EINVAL'));
  assert.equal(pa(base + 0x10000), E('EOPNOTSUPP'));
  assert.equal(s.p.close(fd), 0);
  assert.equal(s.unmap(id, BigInt(base), 0x4000n).rc, 0);
});

test('GET_HW_INFO with a data_len of 4 GiB - 1 over a small buffer faults without allocating the tail', () => {
  const s = session();
  const { idev } = mock(s, s.ioas());
  const buf = s.p.mm.mmap(8192, PROT_READ | PROT_WRITE);
  assert.equal(hwInfo(s, { dev_id: idev, data_len: 0xffffffff, data_uptr: buf }).rc, E('EFAULT'));
});
