import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, mockDevice, session } from './ioas_helpers.ts';
import { UNIMPLEMENTED } from '../reference/main.ts';
import { allocMmap, destroyMmap, iommufdMmap } from '../reference/viommu_mmap.ts';
import { Backing, PAGE_SIZE } from '../reference/usermem.ts';
import type { ViommuObject } from '../reference/viommu.ts';

const N = (name: string) => Number(K(name));

/** A vIOMMU of the selftest type on a nesting parent, with the mock device it is for. */
function fixture() {
  const s = session();
  const ioas = s.ioas();
  const { idev, stdev } = mockDevice(s, ioas);
  const parent = Number(s.call('IOMMU_HWPT_ALLOC', { dev_id: idev, pt_id: ioas, flags: N('IOMMU_HWPT_ALLOC_NEST_PARENT') }).get('out_hwpt_id'));
  const viommu = Number(s.call('IOMMU_VIOMMU_ALLOC', { type: N('IOMMU_VIOMMU_TYPE_SELFTEST'), dev_id: idev, hwpt_id: parent }).get('out_viommu_id'));
  return { s, ioas, idev, parent, viommu, stdev };
}

test('VIOMMU_ALLOC, VDEVICE_ALLOC and HW_QUEUE_ALLOC are modelled', () => {
  for (const name of ['IOMMU_VIOMMU_ALLOC', 'IOMMU_VDEVICE_ALLOC', 'IOMMU_HW_QUEUE_ALLOC']) assert.ok(!UNIMPLEMENTED.includes(name), name);
});

test('a vDEVICE is listed by its virtual id and leaves a tombstone when its device is unbound', () => {
  const { s, idev, viommu, stdev } = fixture();
  const vdev = Number(s.call('IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: idev, virt_id: 0x99n }).get('out_vdevice_id'));
  const v = s.ctx().objects.get<ViommuObject>(viommu, 'VIOMMU')!;
  assert.equal(v.findDev(0x99n)?.id, idev);
  assert.equal(s.call('IOMMU_DESTROY', { id: stdev }).rc, 0);
  assert.equal(v.vdevs.size, 0);
  assert.deepEqual(s.ctx().objects.tombstones(), [vdev]);
  assert.equal(s.call('IOMMU_DESTROY', { id: vdev }).rc, E('ENOENT'));
  assert.equal(s.call('IOMMU_DESTROY', { id: viommu }).rc, 0);
});

test('mmap regions are handed out lowest first from PAGE_SIZE and must be mapped whole', () => {
  const { s, viommu } = fixture();
  const ctx = s.ctx(), owner = ctx.objects.get(viommu)!;
  const a = allocMmap(ctx, owner, new Backing(2 * PAGE_SIZE));
  const b = allocMmap(ctx, owner, new Backing(PAGE_SIZE));
  assert.ok(typeof a !== 'number' && typeof b !== 'number');
  assert.deepEqual([a.offset, b.offset], [PAGE_SIZE, 3 * PAGE_SIZE]);
  destroyMmap(ctx, a);
  const c = allocMmap(ctx, owner, new Backing(PAGE_SIZE));
  assert.ok(typeof c !== 'number' && c.offset === PAGE_SIZE);
  assert.equal(iommufdMmap(ctx, 2 * PAGE_SIZE, PAGE_SIZE, 3), E('ENXIO'));
  assert.equal(iommufdMmap(ctx, 3 * PAGE_SIZE, PAGE_SIZE, 3), b);
  assert.equal(iommufdMmap(ctx, 3 * PAGE_SIZE, PAGE_SIZE, 7), E('EPERM'));
});

test('each mapping of a vIOMMU region holds the vIOMMU and the file; a forked child\'s copy goes at its exit', () => {
  const { s, idev, parent } = fixture();
  const data = s.p.mm.mmap(4096, 3);
  const viommu = Number(s.call('IOMMU_VIOMMU_ALLOC', {
    type: N('IOMMU_VIOMMU_TYPE_SELFTEST'), dev_id: idev, hwpt_id: parent, data_len: 24, data_uptr: data,
  }).get('out_viommu_id'));
  const ctx = s.ctx();
  const v = ctx.objects.get(viommu)!;
  const at = s.p.mmap(2 * PAGE_SIZE, 3, s.fd, PAGE_SIZE);
  assert.ok(at > 0);
  assert.equal(v.users, 2);
  const child = s.p.fork();
  assert.equal(v.users, 3);
  child.exit();
  assert.equal(v.users, 2);
  assert.equal(s.p.close(s.fd), 0);
  assert.equal(ctx.closed, false, 'the mapping keeps the file open');
  assert.equal(s.p.mm.munmap(at, 2 * PAGE_SIZE), 0);
  assert.equal(ctx.closed, true);
});
