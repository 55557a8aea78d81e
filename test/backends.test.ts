// The process backend end to end: the whole suite through `serve`, and
// deliberately broken backends that crash, hang or write garbage on one
// ioctl. Each run must finish, write its report, and mark exactly the
// scenarios that reach that ioctl as errored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'iommufd-conform.mjs');

function run(backend: string, ...args: string[]) {
  const reports = tempDir('iommufd-run-');
  const r = spawnSync(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, '--backend', backend, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
  return { status: r.status, stdout: r.stdout, report };
}

test('the whole suite passes through serve and the process backend', () => {
  const { status, stdout, report } = run(`cmd:${process.execPath} ${cli} serve`);
  assert.equal(status, 0, stdout);
  assert.equal(report.counts.failed + report.counts.errored, 0);
  assert.ok(report.counts.passed > 100);
  assert.match(stdout, /^\d+ passed, 0 failed(, \d+ skipped)?$/m);
});

for (const mode of ['crash', 'hang', 'garbage']) {
  test(`a backend that ${{ crash: 'crashes', hang: 'hangs', garbage: 'writes garbage' }[mode]} on IOMMU_DESTROY errors exactly the scenarios that destroy`, () => {
    const argv = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/broken-backend.ts')} ${mode} 0x3b80`;
    const { status, report } = run(argv, '--timeout', '1000', join(root, 'features/objects.feature'));
    assert.equal(status, 1);
    const errored = report.scenarios.filter((s: { status: string }) => s.status === 'errored');
    const passed = report.scenarios.filter((s: { status: string }) => s.status === 'passed');
    // The two scenarios of objects.feature that never call IOMMU_DESTROY.
    const untouched = ['Objects alive together have distinct, non-zero ids', 'The id of a device or of a page table is not the id of an IOAS'];
    assert.deepEqual(passed.map((s: { name: string }) => s.name), untouched);
    assert.equal(errored.length, report.scenarios.length - untouched.length, JSON.stringify(report.counts));
    const why = { crash: /exited with code 3[\s\S]*crashing on request 0x3b80/, hang: /did not answer ioctl within 1000 ms[\s\S]*hanging/, garbage: /invalid message/ }[mode]!;
    for (const s of errored) assert.match(s.message, why);
  });
}

test('Ctrl-C during a run writes the partial report', async () => {
  const { spawn } = await import('node:child_process');
  const reports = tempDir('iommufd-int-');
  const argv = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/broken-backend.ts')} hang 0x3b80`;
  const child = spawn(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, '--backend', argv, '--timeout', '60000', join(root, 'features/objects.feature')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  // The first scenario passes; the second hangs on IOMMU_DESTROY for up to a
  // minute, well past the moment of the interrupt.
  await new Promise((r) => setTimeout(r, 4000));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 130, out);
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
  assert.ok(report.scenarios.length >= 1 && report.scenarios.length < 7, `${report.scenarios.length} records`);
  assert.match(out, /interrupted: partial report written/);
});

test('a backend without /dev/iommu says so, and every scenario is reported as not run with the reason', (t) => {
  if (spawnSync('sh', ['-c', 'test -e /dev/iommu']).status === 0) return t.skip('this machine has /dev/iommu');
  const bin = join(tempDir('iommufd-bridge-'), 'bridge');
  const cc = spawnSync('sh', ['-c', `\${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Werror -o ${bin} ${join(root, 'bridge')}/*.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const { status, stdout, report } = run(`cmd:${bin}`, join(root, 'features/objects.feature'));
  assert.equal(report.counts.skipped, report.scenarios.length, stdout);
  for (const s of report.scenarios) assert.match(s.message, /not run: \/dev\/iommu/);
  assert.match(stdout, /^0 passed, 0 failed, \d+ skipped$/m);
  assert.equal(status, 0);
});

test('a backend that cannot start errors every scenario, and the report is still written', () => {
  const { status, stdout, report } = run('cmd:/nonexistent/iommufd-backend', join(root, 'features/objects.feature'));
  assert.equal(status, 1, stdout);
  assert.ok(report.scenarios.length > 5);
  for (const s of report.scenarios) {
    assert.equal(s.status, 'errored');
    assert.match(s.message, /could not start \/nonexistent\/iommufd-backend/);
  }
});
