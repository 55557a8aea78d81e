// What a mock device is attached to (IOMMU_TEST_CMD): replacing its page
// table, attaching its PASIDs, and the selftest's checks of a PASID's page
// table and of the device's cache entries. $dev is the selftest object of a
// mock device (see mock.steps.ts), $dev_idev its DEVICE object.
import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { callFields } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function testOp(w: IommufdWorld, op: string, id: string, fields: Record<string, string>): Promise<number> {
  const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, w.value(v)]));
  const r = await callFields(w, 'IOMMU_TEST_CMD', { op: w.value(op), id: w.value(id), ...values });
  return r.errno;
}


When('I replace the page table of {value} with {value}', async function (this: IommufdWorld, dev: string, pt: string) {
  await testOp(this, 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE', dev, { 'mock_domain_replace.pt_id': pt });
});

When('I attach PASID {value} of {value} to {value}', async function (this: IommufdWorld, pasid: string, dev: string, pt: string) {
  await testOp(this, 'IOMMU_TEST_OP_PASID_ATTACH', dev, { 'pasid_attach.pasid': pasid, 'pasid_attach.pt_id': pt });
});

When('I replace the page table of PASID {value} of {value} with {value}', async function (this: IommufdWorld, pasid: string, dev: string, pt: string) {
  await testOp(this, 'IOMMU_TEST_OP_PASID_REPLACE', dev, { 'pasid_replace.pasid': pasid, 'pasid_replace.pt_id': pt });
});

When('I detach PASID {value} of {value}', async function (this: IommufdWorld, pasid: string, dev: string) {
  await testOp(this, 'IOMMU_TEST_OP_PASID_DETACH', dev, { 'pasid_detach.pasid': pasid });
});

// The selftest's own check: hwpt_id 0 asks whether the PASID is attached to nothing.
When('I check that PASID {value} of {value} is attached to {value}', async function (this: IommufdWorld, pasid: string, dev: string, hwpt: string) {
  await testOp(this, 'IOMMU_TEST_OP_PASID_CHECK_HWPT', dev, { 'pasid_check.pasid': pasid, 'pasid_check.hwpt_id': hwpt });
});

Then('PASID {value} of {var} is attached to {value}', async function (this: IommufdWorld, pasid: string, dev: string, hwpt: string) {
  const errno = await testOp(this, 'IOMMU_TEST_OP_PASID_CHECK_HWPT', dev, { 'pasid_check.pasid': pasid, 'pasid_check.hwpt_id': hwpt });
  assert.equal(errno, 0, `PASID ${pasid} of ${dev} is not attached to ${hwpt} (${this.errnoName(errno)})`);
});

Then('PASID {value} of {var} is attached to nothing', async function (this: IommufdWorld, pasid: string, dev: string) {
  const errno = await testOp(this, 'IOMMU_TEST_OP_PASID_CHECK_HWPT', dev, { 'pasid_check.pasid': pasid, 'pasid_check.hwpt_id': '0' });
  assert.equal(errno, 0, `PASID ${pasid} of ${dev} is attached (${this.errnoName(errno)})`);
});

When('I check that cache entry {value} of {value} is {value}', async function (this: IommufdWorld, entry: string, idev: string, v: string) {
  await testOp(this, 'IOMMU_TEST_OP_DEV_CHECK_CACHE', idev, { 'check_dev_cache.id': entry, 'check_dev_cache.cache': v });
});

Then('every cache entry of {var} is {value}', async function (this: IommufdWorld, idev: string, v: string) {
  for (let entry = 0n; entry <= this.value('MOCK_DEV_CACHE_ID_MAX'); entry++) {
    const errno = await testOp(this, 'IOMMU_TEST_OP_DEV_CHECK_CACHE', idev, { 'check_dev_cache.id': String(entry), 'check_dev_cache.cache': v });
    assert.equal(errno, 0, `cache entry ${entry} of ${idev} is not ${v} (${this.errnoName(errno)})`);
  }
});

// The file's release: every object goes, as when the process exits.
When('I close the iommufd', async function (this: IommufdWorld) {
  const r = await this.backend.close(this.fd());
  assert.equal(r.errno, 0, `close failed with ${this.errnoName(r.errno)}`);
  this.fds.delete('$iommufd');
});
