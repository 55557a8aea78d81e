import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, session, testCmd } from './ioas_helpers.ts';
import { PROT_READ } from '../reference/usermem.ts';
import { leaks } from '../reference/observe.ts';

const mockDomain = (s: ReturnType<typeof session>, id: number) => {
  const r = testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', id);
  return { rc: r.rc, stdev: Number(r.get('mock_domain.out_stdev_id')), hwpt: Number(r.get('mock_domain.out_hwpt_id')), idev: Number(r.get('mock_domain.out_idev_id')) };
};
const refs = (s: ReturnType<typeof session>, uptr: number, length: number, n: number) =>
  testCmd(s, 'IOMMU_TEST_OP_MD_CHECK_REFS', 0, 'check_refs', { uptr, length, refs: n }).rc;

test('a mock domain pins every area, shows its aperture, and DESTROY of its objects releases the pins', () => {
  const s = session();
  const id = s.ioas();
  const buf = s.buffer(2);
  assert.equal(s.map(id, buf, 8192, 0x1000000n).rc, 0);
  assert.equal(refs(s, buf, 8192, 0), 0);
  const md = mockDomain(s, id);
  assert.equal(md.rc, 0);
  assert.deepEqual([md.stdev, md.idev, md.hwpt], [2, 3, 4]);
  assert.equal(refs(s, buf, 8192, 1), 0);
  assert.equal(refs(s, buf, 8192, 2), E('EIO'));
  assert.equal(s.p.task.pinnedVm, 2);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_MD_CHECK_MAP', md.hwpt, 'check_map', { iova: 0x1000000n, length: 8192, uptr: buf }).rc, 0);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_MD_CHECK_MAP', md.hwpt, 'check_map', { iova: 0x1000000n, length: 4096, uptr: buf + 4096 }).rc, E('EINVAL'));
  const r = s.call('IOMMU_IOAS_IOVA_RANGES', { ioas_id: id, num_iovas: 0 });
  assert.equal(r.get('num_iovas'), 1);
  assert.equal(r.get('out_iova_alignment'), BigInt(K('MOCK_PAGE_SIZE') as bigint));
  assert.equal(s.call('IOMMU_DESTROY', { id }).rc, E('EBUSY'));
  assert.equal(s.call('IOMMU_DESTROY', { id: md.hwpt }).rc, E('EBUSY'));
  assert.equal(s.call('IOMMU_DESTROY', { id: md.idev }).rc, E('EBUSY'));
  const md2 = mockDomain(s, id);
  assert.equal(md2.hwpt, md.hwpt, 'the automatic domain is shared');
  assert.equal(s.call('IOMMU_DESTROY', { id: md.stdev }).rc, 0);
  assert.equal(s.call('IOMMU_DESTROY', { id: md2.stdev }).rc, 0);
  assert.equal(refs(s, buf, 8192, 0), 0);
  assert.equal(s.p.task.pinnedVm, 0);
  assert.equal(s.call('IOMMU_DESTROY', { id }).rc, 0);
});

test('pinning errors surface when the domain attaches, and nothing is left behind', () => {
  const s = session();
  const id = s.ioas();
  const ro = s.buffer(1, PROT_READ);
  assert.equal(s.map(id, ro, 4096, 0x1000000n).rc, 0, 'no domain: no pin yet');
  assert.equal(mockDomain(s, id).rc, E('EFAULT'));
  assert.equal(s.ctx().objects.count, 1);
  assert.equal(s.map(id, ro, 4096, 0x2000000n, Number(K('IOMMU_IOAS_MAP_READABLE'))).rc, 0);
  assert.equal(s.unmap(id, 0x1000000n, 4096n).rc, 0);
  assert.equal(mockDomain(s, id).rc, 0);
  assert.equal(s.map(id, ro, 4096, 0x3000000n).rc, E('EFAULT'), 'with a domain the writable map pins at once');
  assert.equal(s.map(id, ro, 4096, 0x100n).rc, E('EINVAL'), 'below the aperture: reserved');
  s.p.task.capIpcLock = false;
  s.p.task.rlimitMemlock = 4096;
  const buf = s.buffer(2);
  assert.equal(s.map(id, buf, 8192, 0x4000000n).rc, E('ENOMEM'), 'over RLIMIT_MEMLOCK');
  assert.equal(s.map(id, buf, 4096, 0x4000000n).rc, 0);
  assert.equal(s.p.task.user.lockedVm, 1);
  s.p.exit();
  assert.equal(s.p.task.user.lockedVm, 0);
  assert.equal(s.p.task.pinnedVm, 0);
  assert.equal(s.p.pins.total(), 0);
});

test('an access pins pages through IOVAs, reads and writes through them, and lets go on unmap', () => {
  const s = session();
  const id = s.ioas();
  const buf = s.buffer(4);
  assert.equal(s.map(id, buf, 16384, 0x10000n).rc, 0);
  const ca = testCmd(s, 'IOMMU_TEST_OP_CREATE_ACCESS', id, 'create_access', { flags: Number(K('MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES')) });
  assert.equal(ca.rc, 0);
  const afd = Number(ca.get('create_access.out_access_fd'));
  const ap = testCmd(s, 'IOMMU_TEST_OP_ACCESS_PAGES', afd, 'access_pages', { iova: 0x11000n, length: 8192, uptr: buf + 4096 });
  assert.equal(ap.rc, 0);
  assert.equal(refs(s, buf + 4096, 8192, 1), 0);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_PAGES', afd, 'access_pages', { iova: 0x11000n, length: 4096, uptr: buf }).rc, E('EBADE'));
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_PAGES', 99, 'access_pages', { iova: 0x11000n, length: 4096 }).rc, E('EBADFD'));
  assert.equal(s.call('IOMMU_DESTROY', { id }).rc, E('EBUSY'));
  const out = s.buffer(1);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_RW', afd, 'access_rw', { iova: 0x12000n, length: 4096, uptr: out }).rc, 0);
  const got = new Uint8Array(4096);
  s.p.mm.copyFrom(out, got);
  assert.equal(got[0], 3);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_ACCESS_RW', afd, 'access_rw', { iova: 0x20000n, length: 16, uptr: out }).rc, E('ENOENT'));
  assert.equal(s.unmap(id, 0n, (1n << 64n) - 1n).rc, 0, 'the access lets go of the pinned pages');
  assert.equal(refs(s, buf + 4096, 8192, 0), 0);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES', afd, 'destroy_access_pages', { access_pages_id: Number(ap.get('access_pages.out_access_pages_id')) }).rc, E('ENOENT'));
  assert.equal(s.p.close(afd), 0);
  assert.equal(s.call('IOMMU_DESTROY', { id }).rc, 0);
});

test('each engine counts its own pins: two engines in one Node process share nothing', () => {
  const a = session(), b = session();
  const ia = a.ioas(), ib = b.ioas();
  assert.equal(mockDomain(a, ia).rc, 0);
  assert.equal(mockDomain(b, ib).rc, 0);
  const bufA = a.buffer(3), bufB = b.buffer(1);
  assert.equal(a.map(ia, bufA, 3 * 4096, 0x1000000n).rc, 0);
  assert.equal(b.map(ib, bufB, 4096, 0x1000000n).rc, 0);
  assert.equal(a.p.pins.total(), 3);
  assert.equal(b.p.pins.total(), 1);
  // A forked child is the same engine: its pins are its parent's ledger.
  const child = a.p.fork();
  assert.equal(child.pins, a.p.pins);
  child.exit();
  a.p.exit();
  assert.deepEqual(leaks(a.p), []);
  assert.equal(a.p.pins.total(), 0);
  // b's pin is still held, and only b's leak check sees it.
  assert.equal(b.p.pins.total(), 1);
  assert.ok(leaks(b.p).includes('1 page pins'), 'b still holds its pin');
  b.p.exit();
  assert.deepEqual(leaks(b.p), []);
  assert.equal(b.p.pins.total(), 0);
});
