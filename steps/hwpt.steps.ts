// Hardware page tables: devices to allocate them for, driver data in user
// memory, the allocations themselves and the mock IOTLB of nested HWPTs.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { encode, nest, type FieldValue } from '../harness/codec/codec.ts';
import { extendNonZero, extendZero, truncateTo } from '../harness/codec/variants.ts';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import { tableRows } from '../harness/lint/vocabulary.ts';
import { beforeUnmappedPage, callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function hwptAlloc(w: IommufdWorld, fields: Record<string, string>): Promise<void> {
  await callFields(w, 'IOMMU_HWPT_ALLOC', Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, w.value(v)])));
}

When('I allocate a HWPT for {var} on {var} with flags {value}', async function (this: IommufdWorld, idev: string, pt: string, flags: string) {
  await hwptAlloc(this, { dev_id: idev, pt_id: pt, flags });
});

Given('a paging HWPT for {var} on {var} with flags {value} as {var}', async function (this: IommufdWorld, idev: string, ioas: string, flags: string, name: string) {
  await hwptAlloc(this, { dev_id: idev, pt_id: ioas, flags });
  expectOk(this, `allocating a paging HWPT on ${ioas}`);
  this.vars.set(name, outValue(this, 'out_hwpt_id'));
});

When('I allocate a nested HWPT for {var} on {var} from {value} bytes of {value} at {value}',
  async function (this: IommufdWorld, idev: string, parent: string, len: string, type: string, data: string) {
    await hwptAlloc(this, { dev_id: idev, pt_id: parent, data_type: type, data_len: len, data_uptr: data });
  });

Given('a nested HWPT for {var} on {var} from {value} bytes of {var} as {var}',
  async function (this: IommufdWorld, idev: string, parent: string, len: string, data: string, name: string) {
    await hwptAlloc(this, { dev_id: idev, pt_id: parent, data_type: 'IOMMU_HWPT_DATA_SELFTEST', data_len: len, data_uptr: data });
    expectOk(this, `allocating a nested HWPT on ${parent}`);
    this.vars.set(name, outValue(this, 'out_hwpt_id'));
  });

/** A page of user memory holding bytes at its start. */
async function userMemory(w: IommufdWorld, name: string, bytes: Uint8Array): Promise<void> {
  const length = BigInt(Math.max(4096, Math.ceil(bytes.length / 4096) * 4096));
  const r = await w.backend.mmap(length, PROT_READ | PROT_WRITE);
  assert.ok(!r.errno && r.addr !== undefined, `mmap failed with ${w.errnoName(r.errno)}`);
  const wr = await w.backend.memWrite(r.addr, bytes);
  assert.equal(wr.errno, 0, `writing user memory failed with ${w.errnoName(wr.errno)}`);
  w.vars.set(name, r.addr);
}

function encodeStruct(w: IommufdWorld, struct: string, rows: readonly (readonly string[])[]): Uint8Array {
  const def = w.spec.structs.get(struct);
  assert.ok(def, `${struct} is not a struct of spec/`);
  const flat: Record<string, FieldValue> = {};
  for (const [field, expr] of rows) flat[field] = w.value(expr);
  return encode(def, nest(flat));
}

Given('user memory holding an {word} as {var}:', async function (this: IommufdWorld, struct: string, name: string, table: DataTable) {
  await userMemory(this, name, encodeStruct(this, struct, tableRows(table.raw())));
});

/** Entries of a struct, one per row of a table whose header row names the fields. */
function encodeEntries(w: IommufdWorld, struct: string, table: DataTable): Uint8Array {
  const [head, ...rows] = table.raw();
  const entries = rows.map((r) => encodeStruct(w, struct, head!.map((f, i) => [f, r[i]!])));
  const all = new Uint8Array(entries.reduce((n, e) => n + e.length, 0));
  entries.reduce((at, e) => { all.set(e, at); return at + e.length; }, 0);
  return all;
}

Given('user memory holding these {word} entries as {var}:', async function (this: IommufdWorld, struct: string, name: string, table: DataTable) {
  await userMemory(this, name, encodeEntries(this, struct, table));
});

// The entries end where a page ends and the next page is unmapped: one more entry cannot be read.
Given('user memory holding these {word} entries just before an unmapped page as {var}:',
  async function (this: IommufdWorld, struct: string, name: string, table: DataTable) {
    const bytes = encodeEntries(this, struct, table);
    this.vars.set(name, await beforeUnmappedPage(this, bytes));
  });

async function checkIotlb(w: IommufdWorld, hwpt: string, id: string, value: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_MD_CHECK_IOTLB'), id: w.value(hwpt), 'check_iotlb.id': w.value(id), 'check_iotlb.iotlb': w.value(value),
  });
}

When('I check that IOTLB entry {value} of {var} holds {value}', async function (this: IommufdWorld, id: string, hwpt: string, value: string) {
  await checkIotlb(this, hwpt, id, value);
});

// The kernel compares: each entry is asserted by a check that must succeed.
Then('the IOTLB entries of {var} are {value}, {value}, {value} and {value}',
  async function (this: IommufdWorld, hwpt: string, v0: string, v1: string, v2: string, v3: string) {
    for (const [i, v] of [v0, v1, v2, v3].entries()) {
      await checkIotlb(this, hwpt, String(i), v);
      expectOk(this, `IOTLB entry ${i} of ${hwpt} holding ${v}`);
    }
  });

// The size rules with real fields: a field table sent shorter or longer than the struct.
async function callSized(w: IommufdWorld, ioctl: string, table: DataTable, shape: (b: Uint8Array) => Uint8Array): Promise<void> {
  const def = w.ioctlDef(ioctl);
  await w.call(def, { bytes: shape(w.encodeTable(def, table.raw())) });
}

When('I call {ioctl} cut to {int} bytes with:', async function (this: IommufdWorld, ioctl: string, n: number, table: DataTable) {
  await callSized(this, ioctl, table, (b) => truncateTo(b, n));
});

When('I call {ioctl} extended by {int} zero bytes with:', async function (this: IommufdWorld, ioctl: string, k: number, table: DataTable) {
  await callSized(this, ioctl, table, (b) => extendZero(b, k));
});

When('I call {ioctl} extended by {int} bytes, the last one non-zero, with:', async function (this: IommufdWorld, ioctl: string, k: number, table: DataTable) {
  await callSized(this, ioctl, table, (b) => extendNonZero(b, k, b.length + k - 1));
});

Then('{var} equals {value}', function (this: IommufdWorld, name: string, expr: string) {
  assert.equal(this.value(name), this.value(expr), `${name} is ${this.value(name)}, expected ${expr}`);
});

// Memory the kernel can read but not write: a reply copied back there faults.
Given('the user memory at {var} is made read-only', async function (this: IommufdWorld, name: string) {
  const page = this.value(name) & ~4095n;
  const r = await this.backend.mprotect(page, 4096n, PROT_READ);
  assert.equal(r.errno, 0, `mprotect failed with ${this.errnoName(r.errno)}`);
});
