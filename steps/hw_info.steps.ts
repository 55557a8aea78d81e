// Bound devices and what IOMMU_GET_HW_INFO says about them: the selftest's
// mock devices (by their IOMMUFD_OBJ_DEVICE id), calls repeated with one
// byte changed or a longer size, and the driver block in the caller's buffer.
import { Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { readPath } from '../harness/codec/codec.ts';
import { extendZero } from '../harness/codec/variants.ts';
import { tableRows } from '../harness/lint/vocabulary.ts';
import type { IommufdWorld } from './support/world.ts';

/** The argument of the last call, as it was sent. */
function lastSent(w: IommufdWorld): Uint8Array {
  const sent = w.last.sent;
  assert.ok(sent, `${w.last.ioctl.name} was not called with a struct`);
  return sent.slice();
}

When('I repeat the last call with byte {int} set to {value}', async function (this: IommufdWorld, at: number, v: string) {
  const bytes = lastSent(this);
  assert.ok(at < bytes.length, `byte ${at} is past the argument`);
  bytes[at] = Number(this.value(v));
  await this.call(this.last.ioctl, { bytes });
});

// The same fields in a struct that says it is k bytes longer, the extra bytes zero.
When('I repeat the last call extended by {int} zero bytes', async function (this: IommufdWorld, k: number) {
  await this.call(this.last.ioctl, { bytes: extendZero(lastSent(this), k) });
});

// The same fields with the leading size cut to n: the kernel reads and writes back only n bytes.
When('I repeat the last call with size {int}', async function (this: IommufdWorld, n: number) {
  const bytes = lastSent(this);
  new DataView(bytes.buffer).setUint32(0, n, true);
  await this.call(this.last.ioctl, { bytes });
});

// Reads user memory at an address as a struct of spec/ and compares the fields listed.
Then('the memory at {value}, read as {word}, has:', async function (this: IommufdWorld, at: string, struct: string, table: DataTable) {
  const st = this.spec.structs.get(struct);
  assert.ok(st, `${struct} is not a struct of spec/`);
  const r = await this.backend.memRead(this.value(at), st.size);
  assert.ok(!r.errno && r.bytes, `reading ${at} failed with ${this.errnoName(r.errno)}`);
  for (const [field, expr] of tableRows(table.raw())) {
    const v = readPath(st, r.bytes, field);
    assert.ok(v !== undefined && typeof v !== 'object', `${field} is not a scalar field of ${struct}`);
    assert.equal(BigInt(v as number | bigint), this.value(expr), `${struct}.${field} at ${at}`);
  }
});
