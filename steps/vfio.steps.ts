// The VFIO type1 compatibility of an iommufd: its compatibility IOAS, and the
// capability chain VFIO_IOMMU_GET_INFO writes after its struct.
import { Given, Then, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { readPath } from '../harness/codec/codec.ts';
import { callFields, expectOk } from './support/struct-call.ts';
import { tableRows } from '../harness/lint/vocabulary.ts';
import type { IommufdWorld } from './support/world.ts';

Given('{var} is the VFIO compatibility IOAS', async function (this: IommufdWorld, ioas: string) {
  await callFields(this, 'IOMMU_VFIO_IOAS', { op: this.value('IOMMU_VFIO_IOAS_SET'), ioas_id: this.value(ioas) });
  expectOk(this, `making ${ioas} the compatibility IOAS`);
});

// Reads the bytes the last call wrote back at an offset as a struct of spec/, e.g. a capability.
Then('the result at offset {int}, read as {word}, has:', function (this: IommufdWorld, offset: number, struct: string, table: DataTable) {
  const st = this.spec.structs.get(struct);
  assert.ok(st, `${struct} is not a struct of spec/`);
  const bytes = this.last.result.bytes;
  assert.ok(bytes && bytes.length >= offset + st.size, `the result holds no ${struct} at offset ${offset}`);
  for (const [field, expr] of tableRows(table.raw())) {
    const v = readPath(st, bytes.subarray(offset), field);
    assert.ok(v !== undefined && typeof v !== 'object', `${field} is not a scalar field of ${struct}`);
    assert.equal(BigInt(v as number | bigint), this.value(expr), `${struct}.${field} at offset ${offset}`);
  }
});
