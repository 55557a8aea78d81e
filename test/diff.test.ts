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
