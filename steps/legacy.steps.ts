// The 2020 IOMMU UAPI (Backend.legacyUapi; reference/legacy/ in the engine):
// each operation takes a pointer to a struct in the caller's memory, as VFIO
// would have passed it on, and answers as the generic IOMMU layer and the
// driver behind it did. The outcome is the last call, so "it succeeds" and
// "it fails with" read it. A backend that does not list the operation (a real
// kernel: none released reaches it) makes the scenario not applicable.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { BackendSkipped, type LegacyUapiOp, type LegacyUapiVendor } from '../harness/backend/interface.ts';
import { encode, nest, type FieldValue } from '../harness/codec/codec.ts';
import { tableRows } from '../harness/lint/vocabulary.ts';
import type { IoctlDef } from '../spec/loader/types.ts';
import { beforeUnmappedPage } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

/** The kernel function each operation stands for, and the struct it reads. */
const OPS: Record<LegacyUapiOp, { fn: string; struct?: string }> = {
  cache_invalidate: { fn: 'iommu_uapi_cache_invalidate', struct: 'iommu_cache_invalidate_info' },
  sva_bind_gpasid: { fn: 'iommu_uapi_sva_bind_gpasid', struct: 'iommu_gpasid_bind_data' },
  sva_unbind_gpasid: { fn: 'iommu_uapi_sva_unbind_gpasid', struct: 'iommu_gpasid_bind_data' },
  page_response: { fn: 'iommu_page_response', struct: 'iommu_page_response' },
  report_device_fault: { fn: 'iommu_report_device_fault', struct: 'iommu_fault' },
  nesting_features: { fn: 'the nesting features report' },
};

/** The driver of a scenario: the mock nesting driver unless the scenario says otherwise. */
const vendors = new WeakMap<IommufdWorld, LegacyUapiVendor>();

/** The call as the world records an ioctl, named after its kernel function, so the outcome steps read it. */
function asCall(w: IommufdWorld, op: LegacyUapiOp): IoctlDef {
  const { fn, struct } = OPS[op];
  return {
    name: `${fn}()`, nr: 0, type: '', request: 0, convention: 'argsz', struct: struct ? w.spec.structs.get(struct) : undefined,
    minSize: 0, since: '5.10', file: 'spec/uapi/iommu-legacy-5.10.json', header: 'linux/iommu.h',
  };
}

async function legacy(w: IommufdWorld, op: LegacyUapiOp, at: string): Promise<void> {
  if (!w.backend.info.legacyUapi?.includes(op)) {
    const e = new BackendSkipped(`not applicable: the backend does not implement ${OPS[op].fn} of the 2020 IOMMU UAPI (never reachable from user space in a released kernel)`);
    e.stack = `${e.name}: ${e.message}`; // the report shows the reason, not where the harness noticed it
    throw e;
  }
  const result = await w.backend.legacyUapi(op, { addr: w.value(at) }, vendors.get(w));
  w.calls.push({ ioctl: asCall(w, op), result });
}

Given('an IOMMU driver without the nesting callbacks', function (this: IommufdWorld) {
  vendors.set(this, 'bare');
});

When('the IOMMU layer is asked to invalidate caches with {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'cache_invalidate', at);
});

When('the IOMMU layer is asked to bind a guest PASID with {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'sva_bind_gpasid', at);
});

When('the IOMMU layer is asked to unbind a guest PASID with {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'sva_unbind_gpasid', at);
});

Given('the guest PASID of {var} is bound', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'sva_bind_gpasid', at);
  assert.equal(this.last.result.errno, 0, `binding ${at} failed with ${this.errnoName(this.last.result.errno)}`);
});

When('the IOMMU layer is given the page response {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'page_response', at);
});

Given('the device has reported the fault {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'report_device_fault', at);
  assert.equal(this.last.result.errno, 0, `reporting ${at} failed with ${this.errnoName(this.last.result.errno)}`);
});

When('the IOMMU driver is asked for its nesting features, written to {var}', async function (this: IommufdWorld, at: string) {
  await legacy(this, 'nesting_features', at);
});

Then('the nesting features at {var} are {value}', async function (this: IommufdWorld, at: string, expr: string) {
  const r = await this.backend.memRead(this.value(at), 4);
  assert.ok(!r.errno && r.bytes, `reading ${at} failed with ${this.errnoName(r.errno)}`);
  const got = BigInt(new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(0, true));
  assert.equal(got, this.value(expr), `the features are 0x${got.toString(16)}, expected ${expr}`);
});

/** The first n bytes of a struct from a field | value table (argsz its full size unless given). */
function firstBytes(w: IommufdWorld, struct: string, n: number, table: DataTable): Uint8Array {
  const def = w.spec.structs.get(struct);
  assert.ok(def, `${struct} is not a struct of spec/`);
  const flat: Record<string, FieldValue> = {};
  for (const [field, expr] of tableRows(table.raw())) flat[field] = w.value(expr);
  const bytes = encode(def, nest(flat));
  assert.ok(n > 0 && n <= bytes.length, `${n} bytes are not a part of struct ${struct} (${bytes.length} bytes)`);
  return bytes.subarray(0, n);
}

// A caller's struct cut short by the end of its mapping: the page after it is unmapped.
Given('user memory holding the first {int} bytes of an {word}, then an unmapped page, as {var}:',
  async function (this: IommufdWorld, n: number, struct: string, name: string, table: DataTable) {
    const bytes = firstBytes(this, struct, n, table);
    this.vars.set(name, await beforeUnmappedPage(this, bytes));
  });
