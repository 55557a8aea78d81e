// dma-bufs the selftest exports (IOMMU_TEST_OP_DMABUF_GET) and revokes or
// restores (IOMMU_TEST_OP_DMABUF_REVOKE), for IOMMU_IOAS_MAP_FILE to import.
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { callFields, expectOk } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function getDmabuf(w: IommufdWorld, length: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', { op: w.value('IOMMU_TEST_OP_DMABUF_GET'), 'dmabuf_get.length': w.value(length) });
}

async function revoke(w: IommufdWorld, fd: bigint, revoked: boolean): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_DMABUF_REVOKE'), 'dmabuf_revoke.dmabuf_fd': fd, 'dmabuf_revoke.revoked': revoked ? 1n : 0n,
  });
}

/** The descriptor the next new file gets: the lowest free one (a memfd made and closed to learn it). */
async function nextFd(w: IommufdWorld): Promise<number> {
  const m = await w.backend.memfdCreate('iommufd-conformance-probe');
  assert.equal(m.errno, 0, `memfd_create failed with ${w.errnoName(m.errno)}`);
  const c = await w.backend.close(m.ret);
  assert.equal(c.errno, 0, `close failed with ${w.errnoName(c.errno)}`);
  return m.ret;
}

// 7.3.4's selftest installs the dma-buf's descriptor but returns 0 (see
// expectations/kernel.json): the descriptor is then the lowest free one, which
// this set-up step learns first so that the scenarios about importing work on
// that kernel too. The return value itself is asserted by its own scenario.
Given('a dma-buf of {value} bytes as {var}', async function (this: IommufdWorld, length: string, name: string) {
  const expected = await nextFd(this);
  await getDmabuf(this, length);
  expectOk(this, `getting a dma-buf of ${length} bytes`);
  const ret = this.last.result.ret;
  this.vars.set(name, BigInt(ret > 0 ? ret : expected));
});

When('I ask the selftest for a dma-buf of {value} bytes', async function (this: IommufdWorld, length: string) {
  await getDmabuf(this, length);
});

// A descriptor that the revoke op accepts as one of the selftest's dma-bufs (restoring a fresh one changes nothing).
Then('it returns the descriptor of a new dma-buf', async function (this: IommufdWorld) {
  const r = this.last.result;
  assert.ok(r.errno === 0 && r.ret > 2, `${this.last.ioctl.name} returned ${r.errno ? this.errnoName(r.errno) : r.ret}, expected a new file descriptor`);
  await revoke(this, BigInt(r.ret), false);
  expectOk(this, `using descriptor ${r.ret} as a dma-buf`);
});

When('I revoke the dma-buf {value}', async function (this: IommufdWorld, fd: string) {
  await revoke(this, this.value(fd), true);
});

When('I restore the dma-buf {value}', async function (this: IommufdWorld, fd: string) {
  await revoke(this, this.value(fd), false);
});

When('I close the dma-buf {var}', async function (this: IommufdWorld, fd: string) {
  const r = await this.backend.close(Number(this.value(fd)));
  assert.equal(r.errno, 0, `close(${fd}) failed with ${this.errnoName(r.errno)}`);
});

// IOMMU_IOAS_NOIOMMU_GET_PA of one byte: on the test kernel its errno tells a revoked import (EINVAL) from a live one (EOPNOTSUPP).
When('I ask for the physical address at IOVA {value} of {var}', async function (this: IommufdWorld, iova: string, ioas: string) {
  await callFields(this, 'IOMMU_IOAS_NOIOMMU_GET_PA', { ioas_id: this.value(ioas), iova: this.value(iova), length: 1n });
});
