// The reference engine as a kernel without CONFIG_IOMMUFD_NOIOMMU
// (--backend reference-nonoiommu): IOMMU_IOAS_NOIOMMU_GET_PA is answered by a
// stub once the size rules pass, and every scenario of a kernel with the
// option (and its no-IOMMU device) is not applicable rather than failed (the
// other way round is the main conformance run). Also the reference-no<option> names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../spec/loader/root.ts';
import { checkBackendName, referenceWithout } from '../harness/backend/names.mjs';
import { createBackend } from '../harness/backend/index.ts';

function run(backend: string, ...features: string[]) {
  const reports = mkdtempSync(join(tmpdir(), 'iommufd-nonoiommu-'));
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/iommufd-conform.mjs'), 'run', '--format', 'summary', '--backend', backend, '--reports', reports,
    ...features.map((f) => join(PROJECT_ROOT, 'features', f))], { encoding: 'utf8' });
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
  const byRule = (id: string) => report.scenarios.filter((s: { rules: string[] }) => s.rules.includes(id)).map((s: { status: string }) => s.status);
  return { status: r.status, out: r.stdout + r.stderr, byRule };
}

const FEATURES = ['noiommu_config.feature', 'noiommu.feature', 'noiommu_device.feature'];
const all = (xs: string[], s: string) => xs.length > 0 && xs.every((x) => x === s);

test('without CONFIG_IOMMUFD_NOIOMMU the stub answers after the size rules; the scenarios of a kernel with it are not applicable', () => {
  const r = run('reference-nonoiommu', ...FEATURES);
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.byRule('NOIOMMU_GET_PA.CONFIG'), Array(6).fill('passed'));
  for (const id of ['NOIOMMU_GET_PA.RESULT', 'NOIOMMU_GET_PA.PRIVILEGE', 'NOIOMMU_GET_PA.NOT_NOIOMMU']) assert.ok(all(r.byRule(id), 'not-applicable'), id);
});

test('reference-no<option> names: each known option once, in any order', async () => {
  assert.deepEqual(referenceWithout('reference'), []);
  assert.deepEqual(referenceWithout('reference-notest'), ['IOMMUFD_TEST']);
  assert.deepEqual(referenceWithout('reference-nonoiommu-notest'), ['IOMMUFD_NOIOMMU', 'IOMMUFD_TEST']);
  for (const bad of ['reference-', 'reference-notest-notest', 'reference-nofoo', 'referencex']) {
    assert.equal(referenceWithout(bad), undefined, bad);
    assert.throws(() => checkBackendName(bad), /unknown backend/, bad);
  }
  const b = await createBackend('reference-notest-nonoiommu');
  assert.equal(b.info.name, 'reference-notest-nonoiommu');
  assert.ok(!b.info.ioctls!.includes('IOMMU_TEST_CMD') && !b.info.ioctls!.includes('IOMMU_IOAS_NOIOMMU_GET_PA'));
  assert.equal(b.info.noiommuDevice, undefined);
  assert.equal((await b.open('/dev/vfio/devices/noiommu-vfio0')).errno, 2);
  await b.dispose();
});
