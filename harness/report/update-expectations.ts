// `iommufd-conform update-expectations`: a backend's expectations written from
// a run. Every scenario the run failed becomes an entry (with its errno and
// failing step); an entry the run shows passing, or whose scenario is gone, is
// dropped; an entry whose scenario the run did not select is kept. Reasons
// and observations already written are kept.
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { featureOf, keyed, observedErrno, type ScenarioLike } from '../diff/failure.ts';
import { expectationKey, type Expectation } from './expectations.ts';

export const NEW_REASON = 'TODO: why this is a bug of the backend (written by update-expectations)';

export interface Update { expected: Expectation[]; added: Expectation[]; dropped: Expectation[]; refreshed: Expectation[]; errored: ScenarioLike[] }

/** The first line of a failure message, as the entry's observation. */
function observation(r: ScenarioLike): string {
  const m = (r.failure?.message ?? r.message ?? r.status).replace(/^(?:expected failure changed \([^)]*\); listed as: |expected: )[^\n]*\n?/, '');
  return m.split('\n').find((l) => l.trim())?.trim() ?? r.status;
}

function entryOf(r: ScenarioLike, old?: Expectation): Expectation {
  const errno = observedErrno(r);
  const step = r.failure?.step;
  const refreshed = old && old.errno === errno && (old.step ?? step) === step;
  return {
    feature: featureOf(r.location), scenario: r.name,
    observed: old && refreshed ? old.observed : observation(r),
    reason: old?.reason ?? NEW_REASON,
    ...(errno ? { errno } : {}), ...(step ? { step } : {}),
  };
}

export function updateExpectations(old: Expectation[], scenarios: ScenarioLike[], exists: (feature: string, scenario: string) => boolean): Update {
  const prev = new Map(old.map((e) => [expectationKey(e.feature, e.scenario), e]));
  const ran = new Map([...keyed(scenarios).values()].map((r) => [expectationKey(featureOf(r.location), r.name), r]));
  const out: Update = { expected: [], added: [], dropped: [], refreshed: [], errored: [] };
  for (const e of old) {
    const r = ran.get(expectationKey(e.feature, e.scenario));
    if (!r) { if (exists(e.feature, e.scenario)) out.expected.push(e); else out.dropped.push(e); continue; }
    if (r.status === 'failed' || r.status === 'expected-fail') {
      const n = entryOf(r, e);
      if (n.errno !== e.errno || n.step !== e.step) out.refreshed.push(n);
      out.expected.push(n);
    } else if (r.status === 'errored') { out.expected.push(e); out.errored.push(r); }
    else out.dropped.push(e);
  }
  for (const [key, r] of ran) {
    if (prev.has(key)) continue;
    // An expected failure too: the run may have read another expectations file.
    if (r.status === 'failed' || r.status === 'expected-fail') { const n = entryOf(r); out.added.push(n); out.expected.push(n); }
    if (r.status === 'errored') out.errored.push(r);
  }
  out.expected.sort((a, b) => a.feature.localeCompare(b.feature) || a.scenario.localeCompare(b.scenario));
  return out;
}

/** The command: reads a run's report, writes the backend's expectations file, says what changed. */
export async function updateCommand(reportPath: string, output?: string): Promise<number> {
  const [{ readReport }, { expectationsFile, loadExpectations }, { scenarioIndex }, { writeAtomic }] = await Promise.all([
    import('../diff/diff.ts'), import('./expectations.ts'), import('./scenario-index.ts'), import('./files.ts'),
  ]);
  const report = readReport(reportPath);
  if (!report.backend) throw new Error(`${reportPath}: the report names no backend`);
  const file = output ?? expectationsFile(report.backend);
  const u = updateExpectations(loadExpectations(file), report.scenarios, scenarioIndex());
  const doc = { $schema: schemaRef(file), backend: report.backend, expected: u.expected };
  writeAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
  const rel = relative(process.cwd(), file);
  for (const e of u.added) console.log(`added: ${e.feature}: ${e.scenario} (${e.errno ?? e.observed})`);
  for (const e of u.refreshed) console.log(`refreshed: ${e.feature}: ${e.scenario} (${e.errno ?? e.observed})`);
  for (const e of u.dropped) console.log(`dropped: ${e.feature}: ${e.scenario}`);
  for (const r of u.errored) console.log(`not recorded (errored: a crash or backend fault is not an expected failure): ${r.location}: ${r.name}`);
  console.log(`${rel}: ${u.expected.length} entries (${u.added.length} added, ${u.refreshed.length} refreshed, ${u.dropped.length} dropped)${u.added.length ? `; ${u.added.length} need a reason` : ''}`);
  return 0;
}

/** The $schema reference from the file's folder to spec/meta. */
function schemaRef(file: string): string {
  return relative(dirname(file), join(PROJECT_ROOT, 'spec', 'meta', 'expectations.schema.json'));
}
