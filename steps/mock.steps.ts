// The self-test's mock devices and in-kernel accesses (IOMMU_TEST_CMD): what
// makes an IOAS pin its pages, narrow its ranges, or read and write through IOVA.
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function attachMock(w: IommufdWorld, ioas: string, flags?: string): Promise<void> {
  if (flags === undefined) await callFields(w, 'IOMMU_TEST_CMD', { op: w.value('IOMMU_TEST_OP_MOCK_DOMAIN'), id: w.value(ioas) });
  else {
    await callFields(w, 'IOMMU_TEST_CMD', {
      op: w.value('IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS'), id: w.value(ioas), 'mock_domain_flags.dev_flags': w.value(flags),
    });
  }
}

function rememberMock(w: IommufdWorld, name: string): void {
  w.vars.set(name, outValue(w, 'mock_domain.out_stdev_id'));
  w.vars.set(`${name}_hwpt`, outValue(w, 'mock_domain.out_hwpt_id'));
  w.vars.set(`${name}_idev`, outValue(w, 'mock_domain.out_idev_id'));
}

When('I attach a mock device to {value}', async function (this: IommufdWorld, ioas: string) {
  await attachMock(this, ioas);
});

When('I attach a mock device with flags {value} to {value}', async function (this: IommufdWorld, flags: string, pt: string) {
  await attachMock(this, pt, flags);
});

// $dev names the self-test device object (destroying it detaches the device and unbinds it);
// $dev_hwpt the page table it was attached to; $dev_idev its DEVICE object.
Given('a mock device attached to {value} as {var}', async function (this: IommufdWorld, pt: string, name: string) {
  await attachMock(this, pt);
  expectOk(this, `attaching a mock device to ${pt}`);
  rememberMock(this, name);
});

Given('a mock device with flags {value} attached to {value} as {var}', async function (this: IommufdWorld, flags: string, pt: string, name: string) {
  await attachMock(this, pt, flags);
  expectOk(this, `attaching a mock device with flags ${flags} to ${pt}`);
  rememberMock(this, name);
});

// An access is an in-kernel user of the IOAS (as a mediated device would be); it is named by a file descriptor.
Given('an access to {var} as {var}', async function (this: IommufdWorld, ioas: string, name: string) {
  await callFields(this, 'IOMMU_TEST_CMD', { op: this.value('IOMMU_TEST_OP_CREATE_ACCESS'), id: this.value(ioas) });
  expectOk(this, `creating an access to ${ioas}`);
  this.vars.set(name, outValue(this, 'create_access.out_access_fd'));
});

async function accessRw(w: IommufdWorld, access: string, iova: string, length: string, buf: string, flags: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_ACCESS_RW'), id: w.value(access),
    'access_rw.iova': w.value(iova), 'access_rw.length': w.value(length), 'access_rw.uptr': w.value(buf), 'access_rw.flags': w.value(flags),
  });
}

When('I read {value} bytes at IOVA {value} through {var} into {value}', async function (this: IommufdWorld, length: string, iova: string, access: string, buf: string) {
  await accessRw(this, access, iova, length, buf, '0');
});

When('I write {value} bytes of {value} at IOVA {value} through {var}', async function (this: IommufdWorld, length: string, buf: string, iova: string, access: string) {
  await accessRw(this, access, iova, length, buf, 'MOCK_ACCESS_RW_WRITE');
});

// The mock driver's own checks: what its page table maps, and how often a page is pinned.
async function checkMap(w: IommufdWorld, hwpt: string, length: string, iova: string, buf: string): Promise<number> {
  const r = await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_MD_CHECK_MAP'), id: w.value(hwpt),
    'check_map.iova': w.value(iova), 'check_map.length': w.value(length), 'check_map.uptr': w.value(buf),
  });
  return r.errno;
}

When('I check that the mock domain {value} maps {value} bytes at IOVA {value} to {value}',
  async function (this: IommufdWorld, hwpt: string, length: string, iova: string, buf: string) {
    await checkMap(this, hwpt, length, iova, buf);
  });

Then('the mock domain {value} maps {value} bytes at IOVA {value} to {value}',
  async function (this: IommufdWorld, hwpt: string, length: string, iova: string, buf: string) {
    const errno = await checkMap(this, hwpt, length, iova, buf);
    assert.equal(errno, 0, `${hwpt} does not map ${length} bytes at ${iova} to ${buf} (${this.errnoName(errno)})`);
  });

Then('the {value} bytes at {value} are pinned {int} time(s)', async function (this: IommufdWorld, length: string, buf: string, refs: number) {
  const r = await callFields(this, 'IOMMU_TEST_CMD', {
    op: this.value('IOMMU_TEST_OP_MD_CHECK_REFS'),
    'check_refs.length': this.value(length), 'check_refs.uptr': this.value(buf), 'check_refs.refs': BigInt(refs),
  });
  assert.equal(r.errno, 0, `the pages at ${buf} are not pinned ${refs} time(s) (${this.errnoName(r.errno)})`);
});
