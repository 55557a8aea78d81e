// A VFIO device without an IOMMU, bound to the iommufd through its cdev and
// attached to an IOAS, and what IOMMU_IOAS_NOIOMMU_GET_PA says of its
// mappings, checked against the physical addresses /proc/self/pagemap shows.
// A backend that names no such device (BackendInfo.noiommuDevice) makes the
// scenario not applicable.
import { Given, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { BackendSkipped } from '../harness/backend/interface.ts';
import { physAddr } from './support/phys.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

Given('the backend\'s VFIO device without an IOMMU opened as {var}', async function (this: IommufdWorld, name: string) {
  const path = this.backend.info.noiommuDevice;
  if (!path) throw new BackendSkipped('not applicable: the backend has no VFIO device without an IOMMU');
  const r = await this.backend.open(path);
  assert.equal(r.errno, 0, `open(${path}) failed with ${this.errnoName(r.errno)}`);
  this.fds.set(name, r.ret);
});

// VFIO_DEVICE_BIND_IOMMUFD with the iommufd's descriptor: $dev is the id of the new device object.
Given('{var} bound to the iommufd as {var}', async function (this: IommufdWorld, fd: string, name: string) {
  await callFields(this, 'VFIO_DEVICE_BIND_IOMMUFD', { iommufd: BigInt(this.fd()) }, fd);
  expectOk(this, `binding ${fd}`);
  this.vars.set(name, outValue(this, 'out_devid'));
});

// VFIO_DEVICE_ATTACH_IOMMUFD_PT to an IOAS: $hwpt is the automatic domain the kernel made for it.
Given('{var} attached to {var} as {var}', async function (this: IommufdWorld, fd: string, pt: string, name: string) {
  await callFields(this, 'VFIO_DEVICE_ATTACH_IOMMUFD_PT', { pt_id: this.value(pt) }, fd);
  expectOk(this, `attaching ${fd} to ${pt}`);
  this.vars.set(name, outValue(this, 'pt_id'));
});

Then('out_phys is the physical address behind {value}', async function (this: IommufdWorld, addr: string) {
  const got = outValue(this, 'out_phys');
  const want = await physAddr(this, this.value(addr));
  assert.equal(got, want, `out_phys is 0x${got.toString(16)}, but pagemap puts 0x${want.toString(16)} behind ${addr}`);
});

Then('out_phys lies {value} bytes into a page of {value} bytes', function (this: IommufdWorld, offset: string, page: string) {
  const got = outValue(this, 'out_phys');
  assert.equal(got % this.value(page), this.value(offset), `out_phys is 0x${got.toString(16)}`);
});

// Physical contiguity is the kernel's to give: plain pages may or may not be neighbours.
Then('length is between {value} and {value}', function (this: IommufdWorld, lo: string, hi: string) {
  const got = outValue(this, 'length');
  assert.ok(got >= this.value(lo) && got <= this.value(hi), `length is 0x${got.toString(16)}, expected ${lo} to ${hi}`);
});
