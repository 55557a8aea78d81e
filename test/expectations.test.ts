import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyExpectations, loadExpectations } from '../harness/report/expectations.ts';
import type { ScenarioRecord } from '../harness/report/conformance.ts';
import { tempDir } from './helpers.ts';

const rec = (name: string, status: ScenarioRecord['status']): ScenarioRecord => ({ name, location: 'features/a.feature:10', rules: ['X.Y'], status, durationMs: 1, backend: 'kernel-7.3' });

test('a listed failure is expected, a listed pass is unexpected, an unused entry is returned', () => {
  const records = [rec('one', 'failed'), rec('two', 'passed'), rec('three', 'failed')];
  const e = (scenario: string) => ({ feature: 'features/a.feature', scenario, observed: 'EINVAL', reason: 'bug' });
  const stale = applyExpectations(records, [e('one'), e('two'), e('gone')]);
  assert.deepEqual(records.map((r) => r.status), ['expected-fail', 'unexpected-pass', 'failed']);
  assert.deepEqual(stale.map((x) => x.scenario), ['gone']);
});

test('a malformed expectations file is reported with file and line', () => {
  const path = join(tempDir('iommufd-exp-'), 'kernel.json');
  writeFileSync(path, '{\n  "backend": "kernel-7.3",\n  "expected": [\n    { "feature": "f", "scenario": "s", "observed": "E" }\n  ]\n}\n');
  assert.throws(() => loadExpectations(path), (e: AggregateError) => /kernel\.json:4: \/expected\/0 must have required property 'reason'/.test(e.message));
});
