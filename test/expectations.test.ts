import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyExpectations, expectationLines, loadExpectations, staleGone, type Expectation } from '../harness/report/expectations.ts';
import { NEW_REASON, updateExpectations } from '../harness/report/update-expectations.ts';
import { scenarioIndex } from '../harness/report/scenario-index.ts';
import type { ScenarioRecord } from '../harness/report/conformance.ts';
import { PROJECT_ROOT } from '../spec/loader/root.ts';
import { tempDir } from './helpers.ts';

const rec = (name: string, status: ScenarioRecord['status'], message?: string): ScenarioRecord => ({ name, location: 'features/a.feature:10', rules: ['X.Y'], status, durationMs: 1, backend: 'kernel-7.3', ...(message ? { message } : {}) });
const e = (scenario: string, extra: Partial<Expectation> = {}): Expectation => ({ feature: 'features/a.feature', scenario, observed: 'EINVAL', reason: 'bug', ...extra });

test('a listed failure is expected, a listed pass is stale, an unused entry is returned', () => {
  const records = [rec('one', 'failed'), rec('two', 'passed'), rec('three', 'failed')];
  const f = applyExpectations(records, [e('one'), e('two'), e('gone')]);
  assert.deepEqual(records.map((r) => r.status), ['expected-fail', 'unexpected-pass', 'failed']);
  assert.deepEqual(f.passing.map((x) => x.scenario), ['two']);
  assert.deepEqual(f.unmatched.map((x) => x.scenario), ['gone']);
  assert.deepEqual(expectationLines(f, f.unmatched), [
    'stale expectation (passes now): features/a.feature: two',
    'stale expectation (no such scenario): features/a.feature: gone',
    "iommufd-conform update-expectations --report <this run's conformance.json> rewrites the file from this run",
  ]);
});

test('an expected failure that fails with another errno, or errors, is changed, not expected', () => {
  const records = [
    rec('same', 'failed', 'IOMMU_DESTROY failed with EINVAL, expected it to fail with ENOENT'),
    rec('other', 'failed', 'IOMMU_DESTROY failed with EBUSY, expected it to fail with ENOENT'),
    rec('crash', 'errored', 'backend exited with status 3'),
    { ...rec('step', 'failed'), failure: { step: 'Then it succeeds', stepLocation: 'features/a.feature:12', message: 'x', observedErrno: 'EINVAL' } } as ScenarioRecord,
  ];
  const f = applyExpectations(records, [e('same', { errno: 'EINVAL' }), e('other', { errno: 'EINVAL' }), e('crash', { errno: 'EINVAL' }), e('step', { errno: 'EINVAL', step: 'Then it fails with ENOENT' })]);
  assert.deepEqual(records.map((r) => r.status), ['expected-fail', 'failed', 'errored', 'failed']);
  assert.deepEqual(f.changed.map((c) => [c.entry.scenario, c.how]), [
    ['other', 'errno EINVAL -> EBUSY'],
    ['crash', 'failed -> errored, errno EINVAL -> none'],
    ['step', 'failing step "Then it fails with ENOENT" -> "Then it succeeds"'],
  ]);
  assert.match(records[1]!.message!, /^expected failure changed \(errno EINVAL -> EBUSY\)/);
});

test('an entry of a scenario that no feature defines is stale; one the run did not select is not', () => {
  const exists = scenarioIndex();
  const gone = staleGone([
    { feature: 'features/objects.feature', scenario: 'A destroyed object is gone', observed: '', reason: '' },
    { feature: 'features/objects.feature', scenario: 'No such scenario', observed: '', reason: '' },
    { feature: 'features/nothing.feature', scenario: 'x', observed: '', reason: '' },
  ], exists);
  assert.deepEqual(gone.map((x) => x.scenario), ['No such scenario', 'x']);
});

test('update-expectations lists failures, keeps reasons, drops passing and vanished entries, keeps unselected ones', () => {
  const exists = (_f: string, s: string) => s !== 'vanished';
  const old = [e('kept', { reason: 'a known bug', observed: 'written by hand', errno: 'EINVAL' }), e('fixed'), e('vanished'), e('not run')];
  const u = updateExpectations(old, [
    rec('kept', 'expected-fail', 'IOMMU_DESTROY failed with EINVAL, expected it to fail with ENOENT'),
    rec('fixed', 'unexpected-pass'),
    rec('new', 'failed', 'IOMMU_DESTROY failed with EBUSY, expected success\n  at step'),
    rec('crash', 'errored', 'backend exited'),
  ], exists);
  assert.deepEqual(u.expected.map((x) => [x.scenario, x.reason, x.observed, x.errno]), [
    ['kept', 'a known bug', 'written by hand', 'EINVAL'],
    ['new', NEW_REASON, 'IOMMU_DESTROY failed with EBUSY, expected success', 'EBUSY'],
    ['not run', 'bug', 'EINVAL', undefined],
  ]);
  assert.deepEqual(u.dropped.map((x) => x.scenario), ['fixed', 'vanished']);
  assert.deepEqual(u.errored.map((x) => x.name), ['crash']);
});

test('a malformed expectations file is reported with file and line', () => {
  const path = join(tempDir('iommufd-exp-'), 'kernel.json');
  writeFileSync(path, '{\n  "backend": "kernel-7.3",\n  "expected": [\n    { "feature": "f", "scenario": "s", "observed": "E" }\n  ]\n}\n');
  assert.throws(() => loadExpectations(path), (e: AggregateError) => /kernel\.json:4: \/expected\/0 must have required property 'reason'/.test(e.message));
});

// The loop end to end, through the command line: a backend whose IOMMU_DESTROY
// answers EINVAL for ENOENT (test/fixtures/corrupt-backend.ts).
const cli = join(PROJECT_ROOT, 'bin/iommufd-conform.mjs');
const conform = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
const BROKEN = 'cmd:node --import tsx test/fixtures/corrupt-backend.ts 0x3b80 2 22';
const SERVE = 'cmd:node bin/iommufd-conform.mjs serve';
const FEATURE = 'features/objects.feature';

test('update-expectations after a run on a broken backend makes its next run green; fixing the backend reports every entry stale; diff sees it', () => {
  const dir = tempDir('iommufd-loop-');
  const exp = join(dir, 'broken.json');
  const run = (backend: string, reports: string, ...more: string[]) => conform('run', '--format', 'summary', '--backend', backend, '--reports', join(dir, reports), ...more, FEATURE);
  const first = run(BROKEN, 'a');
  assert.equal(first.status, 1, first.stdout + first.stderr);
  const up = conform('update-expectations', '--report', join(dir, 'a/conformance.json'), '--output', exp);
  assert.equal(up.status, 0, up.stderr);
  const entries = loadExpectations(exp);
  assert.ok(entries.length >= 3 && entries.every((x) => x.errno === 'EINVAL' && x.reason === NEW_REASON), readFileSync(exp, 'utf8'));
  const green = run(BROKEN, 'b', '--expectations', exp);
  assert.equal(green.status, 0, green.stdout + green.stderr);
  assert.match(green.stdout, new RegExp(`of which ${entries.length} expected failures`));
  const fixed = run(SERVE, 'c', '--expectations', exp);
  assert.equal(fixed.status, 1);
  const stale = fixed.stdout.split('\n').filter((l) => l.startsWith('stale expectation (passes now): '));
  assert.deepEqual(stale.map((l) => l.slice(l.indexOf(FEATURE) + FEATURE.length + 2)).sort(), entries.map((x) => x.scenario).sort());
  const d = conform('diff', join(dir, 'c/conformance.json'), join(dir, 'a/conformance.json'));
  assert.equal(d.status, 1);
  assert.match(d.stdout, new RegExp(`^new failures \\(${entries.length}\\):`, 'm'));
  const back = conform('diff', join(dir, 'a/conformance.json'), join(dir, 'b/conformance.json'));
  assert.equal(back.status, 0, back.stdout);
});

test('an expected failure keeps its own message, so update-expectations into another file records it with its errno', () => {
  const records = [rec('one', 'failed', 'IOMMU_DESTROY failed with EINVAL, expected it to fail with ENOENT')];
  applyExpectations(records, [e('one', { observed: 'it failed with EBUSY once' })]);
  assert.equal(records[0]!.status, 'expected-fail');
  const u = updateExpectations([], records, () => true);
  assert.deepEqual(u.added.map((x) => [x.scenario, x.errno, x.observed]), [['one', 'EINVAL', 'IOMMU_DESTROY failed with EINVAL, expected it to fail with ENOENT']]);
});
