// The reference engine as a kernel without CONFIG_IOMMUFD_TEST
// (--backend reference-notest): IOMMU_TEST_CMD and the numbers after the last
// uAPI ioctl are unknown without a read of the argument, and every scenario
// that needs the test command is not applicable rather than failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../spec/loader/root.ts';

function run(backend: string, ...features: string[]) {
  const reports = mkdtempSync(join(tmpdir(), 'iommufd-notest-'));
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/iommufd-conform.mjs'), 'run', '--format', 'summary', '--backend', backend, '--reports', reports,
    ...features.map((f) => join(PROJECT_ROOT, 'features', f))], { encoding: 'utf8' });
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
  const byRule = (id: string) => report.scenarios.filter((s: { rules: string[] }) => s.rules.includes(id)).map((s: { status: string }) => s.status);
  return { status: r.status, out: r.stdout + r.stderr, byRule };
}

test('without CONFIG_IOMMUFD_TEST the test command and the gap before it are unknown numbers; the scenarios of a test kernel are not applicable', () => {
  const r = run('reference-notest', 'selftest_config.feature', 'device.feature');
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.byRule('SELFTEST.CMD.WITHOUT_CONFIG'), ['passed']);
  assert.deepEqual(r.byRule('SELFTEST.GAP.WITHOUT_CONFIG'), ['passed', 'passed']);
  assert.deepEqual(r.byRule('SELFTEST.GAP.TEST_KERNEL'), ['not-applicable', 'not-applicable']);
  assert.ok(r.byRule('DEVICE.ATTACH.AUTO_DOMAIN').length > 0 && r.byRule('DEVICE.ATTACH.AUTO_DOMAIN').every((s: string) => s === 'not-applicable'));
});

test('a test kernel is the other way round', () => {
  const r = run('reference', 'selftest_config.feature');
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.byRule('SELFTEST.GAP.TEST_KERNEL'), ['passed', 'passed']);
  assert.deepEqual(r.byRule('SELFTEST.CMD.WITHOUT_CONFIG'), ['not-applicable']);
});
