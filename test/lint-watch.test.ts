import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchLint, type WatchReport } from '../harness/lint/watch.ts';
import { tempDir } from './helpers.ts';

const GOOD = 'Feature: f\n  Background:\n    Given an open iommufd\n\n  @OBJECTS.DESTROY.UNKNOWN\n  Scenario: s\n    When I call IOMMU_DESTROY with:\n      | id | 7 |\n    Then it fails with ENOENT\n';

test('lint --watch reports a feature edited to fail within seconds of the save, and its repair', async () => {
  const dir = tempDir('iommufd-watch-');
  const path = join(dir, 'a.feature');
  writeFileSync(path, GOOD);
  const reports: WatchReport[] = [];
  let wake: () => void = () => {};
  const w = watchLint(dir, (r) => { reports.push(r); wake(); });
  const next = (pred: (r: WatchReport) => boolean, ms: number) => new Promise<WatchReport>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no report within ${ms} ms: ${JSON.stringify(reports.map((r) => r.what))}`)), ms);
    wake = () => { const r = reports.find(pred); if (r) { clearTimeout(t); resolve(r); } };
    wake();
  });
  try {
    await next((r) => r.what.startsWith('lint:'), 60_000); // the first full lint loads cucumber's step definitions
    reports.length = 0;
    const saved = Date.now();
    writeFileSync(path, GOOD.replace('it fails with ENOENT', 'it fails with ENOENTT').replace('@OBJECTS.DESTROY.UNKNOWN', '@OBJECTS.DESTROY.UNKNOW'));
    const bad = await next((r) => r.what.endsWith('a.feature') && r.problems.length > 0, 10_000);
    assert.ok(Date.now() - saved < 10_000);
    const msgs = bad.problems.map((p) => `${p.line}: ${p.message}`);
    assert.ok(msgs.some((m) => /^6: scenario "s" names unknown rule OBJECTS.DESTROY.UNKNOW$/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^9: unknown errno 'ENOENTT'/.test(m)), msgs.join('\n'));
    reports.length = 0;
    writeFileSync(path, GOOD);
    await next((r) => r.what.endsWith('a.feature') && r.problems.length === 0, 10_000);
  } finally {
    w.close();
    await w.idle();
  }
});
