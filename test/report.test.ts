// The reports of a run, all rendered from its kept message stream:
// conformance.json valid against its schema and carrying the failing step
// and errnos, JUnit with one testcase per scenario, the Markdown summary,
// `report` rendering them again without running, and no output showing a
// not-applicable scenario as a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { metaValidator } from '../spec/loader/load.ts';
import { conform, makeRuns, root } from './report-runs.ts';
import { errnosOf, type ScenarioRecord } from '../harness/report/conformance.ts';
import { ConsoleProgress } from '../harness/report/console.ts';
import { shortName } from '../harness/report/matrix.ts';

const runs = makeRuns();
const json = (dir: string): any => JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
type Scenario = { name: string; location: string; status: string; rules: string[]; failure?: Record<string, string> };

test('conformance.json of every run is valid against spec/meta/conformance.schema.json', () => {
  const validate = metaValidator('conformance.schema.json');
  for (const dir of Object.values(runs.dirs)) {
    const doc = json(dir);
    const valid: boolean = validate(json(dir));
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(doc.schemaVersion, 1);
    for (const k of ['backend', 'startedAt', 'durationMs', 'counts', 'notModelled', 'divergences', 'scenarios']) assert.ok(k in doc, k);
  }
  assert.ok(!validate({ ...json(runs.dirs.reference), schemaVersion: 2 }), 'another version is refused');
});

test('a failed scenario names its failing step, its file:line and the errno expected and observed', () => {
  const failed = (json(runs.dirs.wrong).scenarios as Scenario[]).filter((s) => s.status === 'failed');
  assert.ok(failed.length >= 10, `${failed.length} failed`);
  const reserved = failed.find((s) => s.location === 'features/option.feature:11')!;
  assert.deepEqual(reserved.failure, {
    step: 'Then it fails with EOPNOTSUPP', stepLocation: 'features/option.feature:17',
    message: reserved.failure!.message, expectedErrno: 'EOPNOTSUPP', observedErrno: 'EINVAL',
  });
  assert.match(reserved.failure!.message, /^IOMMU_OPTION failed with EINVAL, expected it to fail with EOPNOTSUPP/);
  for (const s of failed) assert.ok(s.failure?.step && /:\d+$/.test(s.failure.stepLocation), s.name);
  for (const s of json(runs.dirs.reference).scenarios as Scenario[]) assert.equal(s.failure, undefined, s.name);
});

test('errnos are read from the assertion messages of the steps', () => {
  assert.deepEqual(errnosOf('IOMMU_X succeeded (returned 0), expected it to fail with EINVAL'), { expectedErrno: 'EINVAL' });
  assert.deepEqual(errnosOf('IOMMU_X failed with ENOENT, expected success'), { observedErrno: 'ENOENT' });
  assert.deepEqual(errnosOf('IOMMU_X returned EBADF, expected a new file descriptor'), { observedErrno: 'EBADF' });
  assert.deepEqual(errnosOf('byte 3 is 0x1, expected 0x2'), {});
});

test('JUnit: one testcase per scenario named by file:line, rule ids as properties, failures as <failure>, not applicable as <skipped>', () => {
  const xml = readFileSync(join(runs.dirs.wrong, 'junit.xml'), 'utf8');
  const doc = json(runs.dirs.wrong);
  const cases = xml.match(/<testcase [^>]*>[\s\S]*?<\/testcase>/g) ?? [];
  assert.equal(cases.length, doc.scenarios.length);
  assert.equal((xml.match(/<failure /g) ?? []).length, doc.counts.failed);
  assert.equal((xml.match(/<skipped /g) ?? []).length, doc.counts['not-applicable']);
  assert.match(xml, /<testsuites name="iommufd-conformance cmd:[^"]*" tests="25" failures="16" errors="0" skipped="3"/);
  const reserved = cases.find((c) => c.includes('name="features/option.feature:11 '))!;
  assert.match(reserved, /classname="features\/option.feature" name="features\/option.feature:11 A non-zero __reserved field is refused" file="features\/option.feature" line="11"/);
  assert.match(reserved, /<property name="rule" value="OPTION.RESERVED.NONZERO"\/>/);
  assert.match(reserved, /<failure message="IOMMU_OPTION failed with EINVAL, expected it to fail with EOPNOTSUPP" type="failed">step: Then it fails with EOPNOTSUPP \(features\/option.feature:17\)\nerrno: expected EOPNOTSUPP, observed EINVAL/);
});

test('the Markdown summary scores each backend and lists each failing rule with its step and errno, and the findings', () => {
  const md = readFileSync(join(runs.all, 'summary.md'), 'utf8');
  assert.match(md, /^# iommufd conformance: reference, reference-notest, cmd:/);
  assert.match(md, /\| reference \| 19\/19 \(100 %\) \|/);
  assert.match(md, /- \*\*OPTION.RESERVED.NONZERO\*\* \(reference: passed, reference-notest: passed, cmd:.*: failed\)/);
  assert.match(md, /`features\/option.feature:11` A non-zero \\_\\_reserved field is refused: step `features\/option.feature:17` Then it fails with EOPNOTSUPP, expected EOPNOTSUPP, observed EINVAL/);
  assert.match(md, /## Findings: the kernel against its documentation \(\d+\)\n\n- \*\*/);
  assert.match(md, /  - documented: .*\n  - kernel: /);
});

test('report renders every view again from the kept message stream alone, the same as the run wrote', () => {
  const dir = runs.dirs.wrong;
  const before = json(dir);
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  for (const f of ['conformance.json', 'junit.xml', 'report.html', 'summary.md', 'conformance.html', 'rules.html']) rmSync(join(dir, f));
  const r = conform(['report', dir]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(json(dir), before);
  assert.equal(readFileSync(join(dir, 'junit.xml'), 'utf8'), junit);
  for (const f of ['report.html', 'summary.md', 'conformance.html', 'rules.html']) assert.ok(readFileSync(join(dir, f), 'utf8').length > 100, f);
  const missing = conform(['report', join(dir, 'nothing-here')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nothing-here: no such file/);
});

test('the combined matrix gives each rule a cell per backend', () => {
  const m = JSON.parse(readFileSync(join(runs.all, 'matrix.json'), 'utf8'));
  assert.deepEqual(m.backends.map((b: { backend: string }) => shortName(b.backend)), ['reference', 'reference-notest', 'cmd:wrong-errno-backend 0x3b87']);
  const cells = (id: string) => Object.values(m.rules.find((r: { id: string }) => r.id === id).cells);
  assert.deepEqual(cells('OPTION.RESERVED.NONZERO'), ['passed', 'passed', 'failed']);
  assert.deepEqual(cells('OPTION.HUGE_PAGES.DOMAIN_MAPPED'), ['passed', 'not-applicable', 'failed']);
  assert.deepEqual(cells('OPTION.GET.WRITES_VAL64'), ['passed', 'passed', 'passed']);
});

test('the console: progress lines when not a terminal, each failure with file:line, step, errno and rule statement; a not-applicable scenario is no failure', () => {
  const out = runs.outputs.wrong!;
  assert.match(out, /^25\/25 scenarios, 16 failed, \d+:\d\d elapsed$/m);
  assert.match(out, /^FAILED features\/option.feature:11 A non-zero __reserved field is refused\n {4}step: features\/option.feature:17 Then it fails with EOPNOTSUPP\n {4}errno: expected EOPNOTSUPP, observed EINVAL\n/m);
  assert.match(out, /^ {4}rule OPTION.RESERVED.NONZERO: IOMMU_OPTION refuses a non-zero __reserved field.$/m);
  assert.doesNotMatch(runs.outputs.notest!, /FAILED|BackendSkipped|not applicable:/);
  assert.match(runs.outputs.notest!, /of which 3 not applicable/);
});

test('cucumber\'s own formatters show a not-applicable scenario as skipped, not as a failure', () => {
  const r = conform(['run', '--format', 'summary', '--backend', 'reference-notest', '--reports', join(runs.all, '..', 'summary-run'), join(root, 'features/selftest_config.feature')]);
  assert.equal(r.status, 0, r.stdout);
  assert.doesNotMatch(r.stdout, /BackendSkipped|Failures:/);
  assert.match(r.stdout, /\d+ scenarios \(.*\d+ skipped/);
});

test('on a terminal the progress is one line redrawn in place, a failure printed above it', () => {
  const chunks: string[] = [];
  const saved = process.env.TERM;
  process.env.TERM = 'xterm';
  try {
    const out = { isTTY: true, write: (s: string) => chunks.push(s) };
    const p = new ConsoleProgress(new Map(), [], out);
    for (let i = 0; i < 3; i++) p.onMessage({ testCase: { id: `t${i}`, pickleId: `p${i}`, testSteps: [] } } as never);
    const rec = (status: ScenarioRecord['status'], line: number): ScenarioRecord => ({ name: 'n', location: `features/a.feature:${line}`, rules: [], status, durationMs: 1, backend: 'b' });
    p.onRecord(rec('passed', 1));
    p.onRecord({ ...rec('failed', 2), failure: { step: 'Then it fails with EINVAL', stepLocation: 'features/a.feature:5', message: 'boom', expectedErrno: 'EINVAL' } });
    p.onRecord(rec('not-applicable', 3));
    p.finish();
  } finally { process.env.TERM = saved; }
  const text = chunks.join('');
  assert.match(text, /\r\x1b\[K\[########\.{16}\] 1\/3 scenarios, 0 failed, 0:0\d elapsed/);
  assert.match(text, /\r\x1b\[K\x1b\[31mFAILED features\/a.feature:2 n\x1b\[0m\n {4}step: features\/a.feature:5 Then it fails with EINVAL\n {4}errno: expected EINVAL, observed success\n/);
  assert.match(text, /\[#{24}\] 3\/3 scenarios, 1 failed/);
  assert.match(text, /1 failing scenario:\n {2}features\/a.feature:2 n: features\/a.feature:5 \(expected EINVAL, observed success\)\n$/);
  assert.doesNotMatch(text, /a.feature:3/, 'a not-applicable scenario is no failure');
});
