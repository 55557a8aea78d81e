import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, mockDevice, session, testCmd } from './ioas_helpers.ts';
import { HwptNestedObject, HwptPagingObject } from '../reference/hw_pagetable.ts';
import { UNIMPLEMENTED } from '../reference/main.ts';

const N = (name: string) => Number(K(name));

/** An IOAS with a mock device, a nesting parent and data of the selftest type in user memory. */
function fixture() {
  const s = session();
  const ioas = s.ioas();
  const { idev } = mockDevice(s, ioas);
  const data = s.p.mm.mmap(4096, 3);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, N('IOMMU_TEST_IOTLB_DEFAULT'), true);
  s.p.mm.copyTo(data, new Uint8Array(dv.buffer));
  const alloc = (fields: Record<string, unknown>) => s.call('IOMMU_HWPT_ALLOC', { dev_id: idev, ...fields });
  const nested = (pt_id: number, fields: Record<string, unknown> = {}) =>
    alloc({ pt_id, data_type: N('IOMMU_HWPT_DATA_SELFTEST'), data_len: 4, data_uptr: data, ...fields });
  const parent = Number(alloc({ pt_id: ioas, flags: N('IOMMU_HWPT_ALLOC_NEST_PARENT') }).get('out_hwpt_id'));
  return { s, ioas, idev, data, alloc, nested, parent };
}

/** Writes invalidation entries [flags, iotlb_id] to fresh user memory. */
function entries(s: ReturnType<typeof session>, list: [number, number][]): number {
  const at = s.p.mm.mmap(4096, 3);
  const dv = new DataView(new ArrayBuffer(list.length * 8));
  list.forEach(([f, id], i) => { dv.setUint32(i * 8, f, true); dv.setUint32(i * 8 + 4, id, true); });
  s.p.mm.copyTo(at, new Uint8Array(dv.buffer));
  return at;
}

test('HWPT_ALLOC and HWPT_INVALIDATE are modelled', () => {
  assert.ok(!UNIMPLEMENTED.includes('IOMMU_HWPT_ALLOC'));
  assert.ok(!UNIMPLEMENTED.includes('IOMMU_HWPT_INVALIDATE'));
});

test('a paging HWPT records its flags and a nested HWPT its parent and IOTLB', () => {
  const f = fixture();
  const flags = N('IOMMU_HWPT_ALLOC_DIRTY_TRACKING') | N('IOMMU_HWPT_ALLOC_PASID');
  const paging = f.alloc({ pt_id: f.ioas, flags });
  assert.equal(paging.rc, 0);
  const p = f.s.ctx().objects.get<HwptPagingObject>(Number(paging.get('out_hwpt_id')), 'HWPT_PAGING')!;
  assert.deepEqual([p.nestParent, p.dirtyTracking, p.pasidCompat, p.autoDomain], [false, true, true, false]);
  const parent = f.s.ctx().objects.get<HwptPagingObject>(f.parent, 'HWPT_PAGING')!;
  assert.equal(parent.nestParent, true);
  const n = f.nested(f.parent);
  assert.equal(n.rc, 0);
  const nested = f.s.ctx().objects.get<HwptNestedObject>(Number(n.get('out_hwpt_id')), 'HWPT_NESTED')!;
  assert.equal(nested.type, 'HWPT_NESTED');
  assert.equal(nested.parent, parent);
  assert.deepEqual(nested.iotlb, new Array(N('MOCK_NESTED_DOMAIN_IOTLB_NUM')).fill(N('IOMMU_TEST_IOTLB_DEFAULT')));
  assert.equal(nested.pasidCompat, false);
  assert.match(f.s.ctx().observe(), /HWPT_NESTED users=1 parent=\d+ (?:viommu=\d+ )?iotlb=195935983,195935983,195935983,195935983/);
});

test('the refusals of HWPT_ALLOC in the kernel order', () => {
  const f = fixture();
  const before = f.s.ctx().observe();
  assert.equal(f.alloc({ pt_id: f.ioas, __reserved: 1, dev_id: 0 }).rc, E('EOPNOTSUPP'));
  assert.equal(f.alloc({ pt_id: f.ioas, data_len: 4 }).rc, E('EINVAL'));
  assert.equal(f.alloc({ pt_id: 0, dev_id: f.ioas }).rc, E('ENOENT'));
  assert.equal(f.alloc({ pt_id: 0 }).rc, E('EINVAL'));
  assert.equal(f.alloc({ pt_id: f.ioas, flags: 1 << 4 }).rc, E('EOPNOTSUPP'));
  assert.equal(f.nested(f.parent, { data_len: 3 }).rc, E('EINVAL'));
  assert.equal(f.nested(f.parent, { data_len: 9 }).rc, E('EINVAL'));
  assert.equal(f.nested(f.parent, { data_uptr: 0 }).rc, E('EFAULT'));
  assert.equal(f.nested(f.parent, { flags: N('IOMMU_HWPT_FAULT_ID_VALID'), fault_id: 0xffff }).rc, E('ENOENT'));
  assert.equal(f.s.ctx().observe(), before, 'a failed alloc leaves nothing');
});

test('invalidation handles entries in order and reports how many', () => {
  const f = fixture();
  const id = Number(f.nested(f.parent).get('out_hwpt_id'));
  const inv = (uptr: number, entry_num: number, extra: Record<string, unknown> = {}) => f.s.call('IOMMU_HWPT_INVALIDATE', {
    hwpt_id: id, data_uptr: uptr, data_type: N('IOMMU_HWPT_INVALIDATE_DATA_SELFTEST'), entry_len: 8, entry_num, ...extra,
  });
  const iotlb = () => f.s.ctx().objects.get<HwptNestedObject>(id, 'HWPT_NESTED')!.iotlb;
  const D = N('IOMMU_TEST_IOTLB_DEFAULT');
  let r = inv(entries(f.s, [[0, 2], [0xffffffff, 1]]), 2);
  assert.deepEqual([r.rc, r.get('entry_num')], [E('EOPNOTSUPP'), 1]);
  assert.deepEqual(iotlb(), [D, D, 0, D]);
  r = inv(entries(f.s, [[0, 0]]), 1, { hwpt_id: f.parent });
  assert.deepEqual([r.rc, r.get('entry_num')], [E('EINVAL'), 0]);
  r = inv(0, 0);
  assert.deepEqual([r.rc, r.get('entry_num')], [0, 0]);
  r = inv(entries(f.s, [[N('IOMMU_TEST_INVALIDATE_FLAG_ALL'), 3]]), 1);
  assert.deepEqual([r.rc, r.get('entry_num')], [0, 1]);
  assert.deepEqual(iotlb(), [0, 0, 0, 0]);
  const check = (i: number, v: number) => testCmd(f.s, 'IOMMU_TEST_OP_MD_CHECK_IOTLB', id, 'check_iotlb', { id: i, iotlb: v }).rc;
  assert.equal(check(3, 0), 0);
  assert.equal(check(3, D), E('EINVAL'));
  assert.equal(check(4, 0), E('EINVAL'));
  assert.equal(testCmd(f.s, 'IOMMU_TEST_OP_MD_CHECK_IOTLB', f.parent, 'check_iotlb', { id: 0, iotlb: 0 }).rc, E('ENOENT'));
});

test('a parent is busy while a nested HWPT holds it, the IOAS while the parent exists', () => {
  const f = fixture();
  const id = Number(f.nested(f.parent).get('out_hwpt_id'));
  assert.equal(f.s.call('IOMMU_DESTROY', { id: f.parent }).rc, E('EBUSY'));
  assert.equal(f.s.call('IOMMU_DESTROY', { id }).rc, 0);
  assert.equal(f.s.call('IOMMU_DESTROY', { id: f.parent }).rc, 0);
  f.s.p.close(f.s.fd);
  assert.equal(f.s.ctx(), undefined);
});

test('driver data is read as copy_struct_from_user reads it', async () => {
  const { copyStructFromUser, copyUserData, copyUserDataEntry } = await import('../reference/iommu_user_data.ts');
  const { Process } = await import('../reference/process.ts');
  const p = new Process();
  const at = p.mm.mmap(4096, 3);
  p.mm.copyTo(at, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 9]));
  const dst = new Uint8Array(8).fill(0xee);
  assert.equal(copyStructFromUser(p.task, dst, BigInt(at), 3), 0);
  assert.deepEqual([...dst], [1, 2, 3, 0, 0, 0, 0, 0], 'shorter: zero-extended');
  assert.equal(copyStructFromUser(p.task, dst, BigInt(at), 10), 0, 'longer with a zero tail');
  assert.equal(copyStructFromUser(p.task, dst, BigInt(at), 11), E('E2BIG'));
  assert.equal(copyStructFromUser(p.task, dst, BigInt(at + 4090), 8), E('EFAULT'));
  assert.equal(copyStructFromUser(p.task, dst, 1n << 63n, 8), E('EFAULT'));
  const data = { type: 7, uptr: BigInt(at), len: 8 };
  assert.equal(copyUserData(p.task, dst, { ...data, type: 6 }, 7, 4), E('EINVAL'));
  assert.equal(copyUserData(p.task, dst, { ...data, len: 3 }, 7, 4), E('EINVAL'));
  assert.equal(copyUserData(p.task, dst, { ...data, len: 9 }, 7, 4), E('EINVAL'), 'no E2BIG tail rule for driver data');
  assert.equal(copyUserData(p.task, dst, data, 7, 4), 0);
  const array = { type: 7, uptr: BigInt(at), entryLen: 4, entryNum: 2 };
  assert.equal(copyUserDataEntry(p.task, dst, array, 7, 1, 4), 0);
  assert.deepEqual([...dst], [5, 6, 7, 8, 0, 0, 0, 0]);
  assert.equal(copyUserDataEntry(p.task, dst, array, 7, 2, 4), E('EINVAL'), 'past entry_num');
});
