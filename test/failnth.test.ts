// The failure-injection sweep: clean on the engine as it is, and able to see
// a failed call that leaves an object behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sweep } from '../harness/failnth/sweep.ts';
import { ObjectTable } from '../reference/object.ts';

const feature = (f: string) => join(import.meta.dirname, '..', 'features', f);

test('the sweep over IOMMU_IOAS_ALLOC and IOMMU_IOAS_MAP finds nothing on the engine', async () => {
  const r = await sweep({ paths: [feature('ioas_alloc.feature'), feature('ioas_map.feature')] });
  assert.ok(r.scenarios > 20 && r.injected > 20, `${r.scenarios} scenarios, ${r.injected} injected failures`);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.notPassing, []);
});

test('a failed ioctl that keeps its half-made object is reported', async () => {
  const abort = ObjectTable.prototype.abort;
  ObjectTable.prototype.abort = function () { /* the object stays: a leak */ };
  try {
    const r = await sweep({ paths: [feature('ioas_map.feature')] });
    assert.ok(r.violations.some((v) => /changed the observable state/.test(v.problem)), JSON.stringify(r.violations.slice(0, 3)));
  } finally {
    ObjectTable.prototype.abort = abort;
  }
});
