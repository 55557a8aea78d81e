import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffFails, diffRuns, formatDiff, type RunReport } from '../harness/diff/diff.ts';
import type { ScenarioLike } from '../harness/diff/failure.ts';

const s = (name: string, line: number, status: string, more: Partial<ScenarioLike> = {}): ScenarioLike => ({ name, location: `features/a.feature:${line}`, status, ...more });
const report = (...scenarios: ScenarioLike[]): RunReport => ({ backend: 'x', scenarios });

test('new failures, fixes, changed errno, new and removed scenarios; moved scenarios keep their key', () => {
  const a = report(
    s('breaks', 10, 'passed'), s('heals', 20, 'failed'), s('errno', 30, 'failed', { message: 'IOMMU_DESTROY failed with EINVAL, expected it to fail with ENOENT' }),
    s('moves', 40, 'passed'), s('goes', 50, 'passed'), s('crashes', 60, 'expected-fail'), s('same', 70, 'failed', { message: 'failed with EBUSY' }),
  );
  const b = report(
    s('breaks', 10, 'failed'), s('heals', 20, 'passed'), s('errno', 30, 'failed', { failure: { step: 'Then it fails with ENOENT', stepLocation: 'x:31', message: '', observedErrno: 'EBUSY' } }),
    s('moves', 44, 'passed'), s('arrives', 80, 'passed'), s('crashes', 60, 'errored'), s('same', 70, 'expected-fail', { message: 'failed with EBUSY' }),
  );
  const d = diffRuns(a, b);
  const names = (k: keyof typeof d) => d[k].map((c) => c.key.replace('features/a.feature: ', ''));
  assert.deepEqual(names('newFailures'), ['breaks']);
  assert.deepEqual(names('fixed'), ['heals']);
  assert.deepEqual(d.changed.map((c) => [c.key.replace('features/a.feature: ', ''), c.detail]), [['errno', 'errno EINVAL -> EBUSY'], ['crashes', 'failed -> errored']]);
  assert.deepEqual(names('added'), ['arrives']);
  assert.deepEqual(names('removed'), ['goes']);
  assert.equal(diffFails(d), true);
  assert.match(formatDiff(d), /^new failures \(1\):\n {2}features\/a\.feature:10: breaks \[passed -> failed\]$/m);
});

test('two runs alike do not fail the comparison; scenarios sharing a name are told apart by order', () => {
  const a = report(s('twin', 1, 'passed'), s('twin', 2, 'failed'));
  assert.equal(diffFails(diffRuns(a, a)), false);
  const d = diffRuns(a, report(s('twin', 1, 'failed'), s('twin', 2, 'passed')));
  assert.deepEqual(d.newFailures.map((c) => c.key), ['features/a.feature: twin']);
  assert.deepEqual(d.fixed.map((c) => c.key), ['features/a.feature: twin #2']);
});

test('the command line: diff exits 1 on a regression, 0 on none, 2 on a wrong argument; drift and update-expectations refuse mistakes in one line', async () => {
  const { spawnSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tempDir } = await import('./helpers.ts');
  const { PROJECT_ROOT } = await import('../spec/loader/root.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/iommufd-conform.mjs'), ...args], { encoding: 'utf8' });
  const dir = tempDir('iommufd-diff-');
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(a, JSON.stringify(report(s('one', 1, 'passed'))));
  writeFileSync(b, JSON.stringify(report(s('one', 1, 'failed', { message: 'failed with EINVAL' }))));
  assert.equal(cli('diff', a, b).status, 1);
  assert.equal(cli('diff', a, a).status, 0);
  const one = cli('diff', a);
  assert.deepEqual([one.status, one.stderr.trim()], [2, 'iommufd-conform diff: expected two reports, A and B; got 1 (see iommufd-conform diff --help)']);
  writeFileSync(join(dir, 'x.json'), '{}');
  assert.deepEqual([cli('diff', a, join(dir, 'x.json')).status, cli('diff', a, join(dir, 'x.json')).stderr.trim()], [2, `${join(dir, 'x.json')}: not a conformance report (no "scenarios" array)`]);
  const d = cli('drift', 'sideways');
  assert.deepEqual([d.status, d.stderr.trim()], [2, "iommufd-conform drift: expected record or check, not 'sideways' (see iommufd-conform drift --help)"]);
  assert.equal(cli('drift', 'check').status, 2);
  const u = cli('update-expectations', '--report', join(dir, 'nope.json'));
  assert.deepEqual([u.status, u.stderr.trim()], [2, `iommufd-conform update-expectations: --report ${join(dir, 'nope.json')}: no such file`]);
});
