// JUnit XML for CI: one testsuite per feature file, one testcase per
// scenario named by its file:line, its rule ids as properties. A failure is
// <failure> (the step, its file:line, the errno expected and seen), an
// errored scenario <error>, not applicable / not run / expected failures
// <skipped> with the reason: only what counts against the backend fails CI.
import type { ScenarioRecord } from './conformance.ts';
import type { ConformanceReport } from './results.ts';

export const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`)
    // characters XML 1.0 cannot hold at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const sec = (ms: number) => (ms / 1000).toFixed(3);

function body(s: ScenarioRecord): string {
  const f = s.failure;
  const detail = f ? [`step: ${f.step} (${f.stepLocation})`, f.expectedErrno || f.observedErrno ? `errno: expected ${f.expectedErrno ?? 'success'}, observed ${f.observedErrno ?? 'success'}` : '', f.message].filter(Boolean).join('\n') : (s.message ?? '');
  switch (s.status) {
    case 'passed': return '';
    case 'errored': return `<error message="${xml(f?.message.split('\n')[0] ?? s.message ?? 'errored')}" type="errored">${xml(detail)}</error>`;
    case 'skipped': case 'not-applicable': return `<skipped message="${xml(`${s.status}: ${s.message ?? ''}`)}"/>`;
    case 'expected-fail': return `<skipped message="${xml(`expected failure: ${s.message ?? ''}`)}"/>`;
    default: return `<failure message="${xml((f?.message ?? s.message ?? s.status).split('\n')[0]!)}" type="${s.status}">${xml(detail)}</failure>`;
  }
}

function testcase(s: ScenarioRecord): string {
  const [file, line] = [s.location.replace(/:\d+$/, ''), /:(\d+)$/.exec(s.location)?.[1] ?? '0'];
  const props = s.rules.map((r) => `<property name="rule" value="${xml(r)}"/>`).concat(`<property name="status" value="${s.status}"/>`);
  return `    <testcase classname="${xml(file)}" name="${xml(`${s.location} ${s.name}`)}" file="${xml(file)}" line="${line}" time="${sec(s.durationMs)}">\n      <properties>${props.join('')}</properties>\n      ${body(s)}\n    </testcase>`;
}

const isFailure = (s: ScenarioRecord) => !['passed', 'errored', 'skipped', 'not-applicable', 'expected-fail'].includes(s.status);
const isSkip = (s: ScenarioRecord) => ['skipped', 'not-applicable', 'expected-fail'].includes(s.status);

function suite(name: string, list: ScenarioRecord[], backend: string): string {
  const t = list.reduce((a, s) => a + s.durationMs, 0);
  return `  <testsuite name="${xml(`${backend}: ${name}`)}" tests="${list.length}" failures="${list.filter(isFailure).length}" errors="${list.filter((s) => s.status === 'errored').length}" skipped="${list.filter(isSkip).length}" time="${sec(t)}">\n${list.map(testcase).join('\n')}\n  </testsuite>`;
}

export function junitXml(r: ConformanceReport): string {
  const byFile = new Map<string, ScenarioRecord[]>();
  for (const s of r.scenarios) {
    const f = s.location.replace(/:\d+$/, '');
    byFile.set(f, [...(byFile.get(f) ?? []), s]);
  }
  const all = r.scenarios;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="iommufd-conformance ${xml(r.backend)}" tests="${all.length}" failures="${all.filter(isFailure).length}" errors="${r.counts.errored}" skipped="${all.filter(isSkip).length}" time="${sec(r.durationMs)}" timestamp="${r.startedAt}">\n${[...byFile].map(([f, l]) => suite(f, l, r.backend)).join('\n')}\n</testsuites>\n`;
}
