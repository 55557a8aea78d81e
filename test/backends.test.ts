// The process backend end to end: the whole suite through `serve`, and
// deliberately broken backends that crash, hang or write garbage on one
// ioctl. Each run must finish, write its report, and mark exactly the
// scenarios that reach that ioctl as errored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  test(`a backend that ${{ crash: 'crashes', hang: 'hangs', garbage: 'writes garbage' }[mode]} on IOMMU_DESTROY errors the scenarios that destroy, and is given up on after three in a row`, () => {
    const argv = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/broken-backend.ts')} ${mode} 0x3b80`;
    const { status, report } = run(argv, '--timeout', '1000', join(root, 'features/objects.feature'));
    assert.equal(status, 1);
    const errored = report.scenarios.filter((s: { status: string }) => s.status === 'errored');
    const passed = report.scenarios.filter((s: { status: string }) => s.status === 'passed');
    // The first scenario never calls IOMMU_DESTROY; the next three do and lose the
    // backend, so the rest (the last one, which would not destroy, too) are not run.
    assert.deepEqual(passed.map((s: { name: string }) => s.name), ['Objects alive together have distinct, non-zero ids']);
    assert.equal(errored.length, report.scenarios.length - 1, JSON.stringify(report.counts));
    const why = { crash: /exited with code 3[\s\S]*crashing on request 0x3b80/, hang: /did not answer ioctl within 1000 ms[\s\S]*hanging/, garbage: /invalid message/ }[mode]!;
    for (const s of errored) assert.match(s.message, why);
    for (const s of errored.slice(0, 3)) assert.doesNotMatch(s.message, /gave up/);
    for (const s of errored.slice(3)) assert.match(s.message, /not run: gave up on backend .* after it was lost in 3 scenarios in a row; the last time: /);
  });
}

test('Ctrl-C during a run writes the partial report', async () => {
  const { spawn } = await import('node:child_process');
  const reports = tempDir('iommufd-int-');
  const argv = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/broken-backend.ts')} hang 0x3b80`;
  const child = spawn(process.execPath, [cli, 'run', '--format', 'progress', '--reports', reports, '--backend', argv, '--timeout', '60000', join(root, 'features/objects.feature')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  // The first scenario passes (a dot for each of its 10 steps and 2 hooks); the
  // second hangs on IOMMU_DESTROY for up to a minute, well past the interrupt.
  for (let i = 0; i < 1200 && (out.match(/\./g) ?? []).length < 13; i++) await new Promise((r) => setTimeout(r, 50));
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

test('a backend that cannot start is one line and exit 2 before any scenario, and no report claims failures', () => {
  const reports = tempDir('iommufd-run-');
  const r = spawnSync(process.execPath, [cli, 'run', '--format', 'summary', '--reports', reports, '--backend', 'cmd:/nonexistent/iommufd-backend', join(root, 'features/objects.feature')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 2, r.stdout);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^backend \/nonexistent\/iommufd-backend could not start \/nonexistent\/iommufd-backend: spawn \S+ ENOENT\n$/);
  assert.equal(existsSync(join(reports, 'conformance.json')), false);
});
