// The self-test's mock devices and in-kernel accesses (IOMMU_TEST_CMD): what
// makes an IOAS pin its pages, narrow its ranges, or read and write through IOVA.
import { Given, When } from '@cucumber/cucumber';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function attachMock(w: IommufdWorld, ioas: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', { op: w.value('IOMMU_TEST_OP_MOCK_DOMAIN'), id: w.value(ioas) });
}

When('I attach a mock device to {var}', async function (this: IommufdWorld, ioas: string) {
  await attachMock(this, ioas);
});

// $dev names the self-test device object (destroying it detaches the device); $dev_hwpt its page table, $dev_idev its device object.
Given('a mock device attached to {var} as {var}', async function (this: IommufdWorld, ioas: string, name: string) {
  await attachMock(this, ioas);
  expectOk(this, `attaching a mock device to ${ioas}`);
  this.vars.set(name, outValue(this, 'mock_domain.out_stdev_id'));
  this.vars.set(`${name}_hwpt`, outValue(this, 'mock_domain.out_hwpt_id'));
  this.vars.set(`${name}_idev`, outValue(this, 'mock_domain.out_idev_id'));
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
