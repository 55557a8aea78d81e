// vIOMMUs, vDEVICEs and HW queues: allocating them over a nesting parent,
// the selftest vIOMMU's driver data and exported region, invalidation
// through a vIOMMU and the HW queue's pinned guest memory.
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import { constantNum } from '../spec/loader/constants.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

const PROT_EXEC = constantNum('PROT_EXEC');

async function call(w: IommufdWorld, ioctl: string, fields: Record<string, string>): Promise<void> {
  await callFields(w, ioctl, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, w.value(v)])));
}

async function viommuAlloc(w: IommufdWorld, type: string, idev: string, hwpt: string, data?: [string, string]): Promise<void> {
  const fields: Record<string, string> = { type, dev_id: idev, hwpt_id: hwpt };
  if (data) { fields.data_len = data[0]; fields.data_uptr = data[1]; }
  await call(w, 'IOMMU_VIOMMU_ALLOC', fields);
}

When('I allocate a vIOMMU of type {value} for {value} on {value}', async function (this: IommufdWorld, type: string, idev: string, hwpt: string) {
  await viommuAlloc(this, type, idev, hwpt);
});

When('I allocate a selftest vIOMMU for {var} on {var} from {value} bytes at {value}',
  async function (this: IommufdWorld, idev: string, hwpt: string, len: string, data: string) {
    await viommuAlloc(this, 'IOMMU_VIOMMU_TYPE_SELFTEST', idev, hwpt, [len, data]);
  });

Given('a selftest vIOMMU for {var} on {var} as {var}', async function (this: IommufdWorld, idev: string, hwpt: string, name: string) {
  await viommuAlloc(this, 'IOMMU_VIOMMU_TYPE_SELFTEST', idev, hwpt);
  expectOk(this, `allocating a vIOMMU on ${hwpt}`);
  this.vars.set(name, outValue(this, 'out_viommu_id'));
});

When('I allocate a vDEVICE of {value} on {value} with virtual id {value}', async function (this: IommufdWorld, idev: string, viommu: string, virt: string) {
  await call(this, 'IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: idev, virt_id: virt });
});

Given('a vDEVICE of {var} on {var} with virtual id {value} as {var}',
  async function (this: IommufdWorld, idev: string, viommu: string, virt: string, name: string) {
    await call(this, 'IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: idev, virt_id: virt });
    expectOk(this, `allocating a vDEVICE of ${idev} on ${viommu}`);
    this.vars.set(name, outValue(this, 'out_vdevice_id'));
  });

// mmap(2) of the iommufd itself: a shared read-write mapping of a region a driver exported.
async function mmapIommufd(w: IommufdWorld, length: string, offset: string, fd = '$iommufd'): Promise<{ errno: number; addr?: bigint }> {
  return w.backend.mmap(w.value(length), PROT_READ | PROT_WRITE, w.fd(fd), w.value(offset));
}

Then('mapping {value} bytes of the iommufd at offset {value} fails with {errno}', async function (this: IommufdWorld, length: string, offset: string, name: string) {
  const r = await mmapIommufd(this, length, offset);
  assert.equal(r.errno, this.spec.errno.get(name), `mmap of the iommufd ${r.errno ? `failed with ${this.errnoName(r.errno)}` : 'succeeded'}, expected ${name}`);
});

Then('mapping {value} bytes of {var} at offset {value} fails with {errno}', async function (this: IommufdWorld, length: string, fd: string, offset: string, name: string) {
  const r = await mmapIommufd(this, length, offset, fd);
  assert.equal(r.errno, this.spec.errno.get(name), `mmap of ${fd} ${r.errno ? `failed with ${this.errnoName(r.errno)}` : 'succeeded'}, expected ${name}`);
});

Given('{value} bytes of the iommufd mapped from offset {value} as {var}', async function (this: IommufdWorld, length: string, offset: string, name: string) {
  const r = await mmapIommufd(this, length, offset);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of the iommufd failed with ${this.errnoName(r.errno)}`);
  this.vars.set(name, r.addr);
});

When('I unmap the {value} bytes at {value}', async function (this: IommufdWorld, length: string, at: string) {
  const r = await this.backend.munmap(this.value(at), this.value(length));
  assert.equal(r.errno, 0, `munmap failed with ${this.errnoName(r.errno)}`);
});

Then('an executable mapping of {value} bytes of the iommufd at offset {value} fails with {errno}',
  async function (this: IommufdWorld, length: string, offset: string, name: string) {
    const r = await this.backend.mmap(this.value(length), PROT_READ | PROT_EXEC, this.fd(), this.value(offset));
    assert.equal(r.errno, this.spec.errno.get(name), `mmap of the iommufd ${r.errno ? `failed with ${this.errnoName(r.errno)}` : 'succeeded'}, expected ${name}`);
  });

When('I send {value} invalidation entries of {value} bytes at {value} of type {value} to {value}',
  async function (this: IommufdWorld, num: string, len: string, at: string, type: string, target: string) {
    await call(this, 'IOMMU_HWPT_INVALIDATE', { hwpt_id: target, data_uptr: at, data_type: type, entry_len: len, entry_num: num });
  });

// The mock device's cache: each entry is asserted by the selftest's own check, which must succeed.
Then('the cache entries of {var} are {value}, {value}, {value} and {value}',
  async function (this: IommufdWorld, idev: string, v0: string, v1: string, v2: string, v3: string) {
    for (const [i, v] of [v0, v1, v2, v3].entries()) {
      await call(this, 'IOMMU_TEST_CMD', { op: 'IOMMU_TEST_OP_DEV_CHECK_CACHE', id: idev, 'check_dev_cache.id': String(i), 'check_dev_cache.cache': v });
      expectOk(this, `cache entry ${i} of ${idev} holding ${v}`);
    }
  });

async function hwQueueAlloc(w: IommufdWorld, viommu: string, type: string, index: string, iova: string, length: string): Promise<void> {
  await call(w, 'IOMMU_HW_QUEUE_ALLOC', { viommu_id: viommu, type, index, nesting_parent_iova: iova, length });
}

When('I allocate a HW queue of type {value} with index {value} for {value} bytes at IOVA {value} on {value}',
  async function (this: IommufdWorld, type: string, index: string, length: string, iova: string, viommu: string) {
    await hwQueueAlloc(this, viommu, type, index, iova, length);
  });

Given('a selftest HW queue with index {value} for {value} bytes at IOVA {value} on {var} as {var}',
  async function (this: IommufdWorld, index: string, length: string, iova: string, viommu: string, name: string) {
    await hwQueueAlloc(this, viommu, 'IOMMU_HW_QUEUE_TYPE_SELFTEST', index, iova, length);
    expectOk(this, `allocating HW queue ${index} on ${viommu}`);
    this.vars.set(name, outValue(this, 'out_hw_queue_id'));
  });

// IOMMU_TEST_OP_MD_CHECK_REFS needs no object: any open iommufd can ask, after another was closed.
Then('through {var}, the pages of the {value} bytes at {value} are pinned {int} time(s)',
  async function (this: IommufdWorld, fd: string, length: string, at: string, refs: number) {
    await callFields(this, 'IOMMU_TEST_CMD', {
      op: this.value('IOMMU_TEST_OP_MD_CHECK_REFS'), 'check_refs.uptr': this.value(at), 'check_refs.length': this.value(length), 'check_refs.refs': BigInt(refs),
    }, fd);
    expectOk(this, `checking through ${fd} that ${at} is pinned ${refs} time(s)`);
  });
