// `iommufd-conform diff A B`: what changed between two runs' conformance.json,
// scenario by scenario (keyed by feature file and name), with an exit status
// for CI: 1 when B fails a scenario A did not fail, or fails it differently
// (another errno, another failing step, an error instead of a failure).
import { readFileSync } from 'node:fs';
import { isFailing, keyed, observedErrno, signature, signatureChange, type ScenarioLike } from './failure.ts';

/**
 * What the backend did, expectations aside: an expected failure failed, an
 * unexpected pass passed. Two runs are compared on that, so a run with an
 * expectations file and one without agree where the backend behaved alike.
 */
const outcome = (status: string): string => status === 'expected-fail' ? 'failed' : status === 'unexpected-pass' ? 'passed' : status;

export interface RunReport { backend?: string; startedAt?: string; scenarios: ScenarioLike[] }

export interface Change { key: string; location: string; from?: string; to?: string; detail?: string }

export interface RunDiff {
  newFailures: Change[];
  fixed: Change[];
  /** Failing in both runs, but differently (status, errno or failing step). */
  changed: Change[];
  added: Change[];
  removed: Change[];
  /** Any other change of status (passed -> not-applicable, ...). */
  otherStatus: Change[];
}

export function readReport(path: string): RunReport {
  let doc: unknown;
  try { doc = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new Error(`${path}: ${(e as Error).message}`); }
  const scenarios = (doc as RunReport | null)?.scenarios;
  if (!Array.isArray(scenarios)) throw new Error(`${path}: not a conformance report (no "scenarios" array)`);
  return doc as RunReport;
}

/** A new failure says the errno it failed with, when it is known. */
function withErrno(c: Change, r: ScenarioLike): Change {
  const errno = observedErrno(r);
  return errno ? { ...c, detail: `${c.from ?? 'new'} -> ${c.to}, ${errno}` } : c;
}

export function diffRuns(a: RunReport, b: RunReport): RunDiff {
  const out: RunDiff = { newFailures: [], fixed: [], changed: [], added: [], removed: [], otherStatus: [] };
  const before = keyed(a.scenarios);
  const after = keyed(b.scenarios);
  for (const [key, r] of after) {
    const old = before.get(key);
    const c: Change = { key, location: r.location, from: old?.status, to: r.status };
    if (!old) { out.added.push(c); if (isFailing(outcome(r.status))) out.newFailures.push(withErrno(c, r)); continue; }
    const was = isFailing(outcome(old.status));
    const is = isFailing(outcome(r.status));
    if (!was && is) out.newFailures.push(withErrno(c, r));
    else if (was && !is) out.fixed.push(c);
    else if (was && is) {
      const detail = signatureChange(signature(old, outcome(old.status)), signature(r, outcome(r.status)));
      if (detail) out.changed.push({ ...c, detail });
    } else if (outcome(old.status) !== outcome(r.status)) out.otherStatus.push(c);
  }
  for (const [key, r] of before) if (!after.has(key)) out.removed.push({ key, location: r.location, from: r.status });
  return out;
}

/** CI's answer: a new failure or a failure that changed fails the comparison. */
export const diffFails = (d: RunDiff): boolean => d.newFailures.length + d.changed.length > 0;

const SECTIONS: [keyof RunDiff, string][] = [
  ['newFailures', 'new failures'], ['changed', 'failing differently'], ['fixed', 'fixed'],
  ['added', 'new scenarios'], ['removed', 'removed scenarios'], ['otherStatus', 'other status changes'],
];

export function formatDiff(d: RunDiff): string {
  const lines: string[] = [];
  for (const [k, title] of SECTIONS) {
    if (!d[k].length) continue;
    lines.push(`${title} (${d[k].length}):`);
    for (const c of d[k]) {
      const how = c.detail ?? (c.from && c.to ? `${c.from} -> ${c.to}` : c.to ?? c.from);
      lines.push(`  ${c.location}: ${c.key.slice(c.key.indexOf(': ') + 2)} [${how}]`);
    }
  }
  lines.push(SECTIONS.map(([k, t]) => `${d[k].length} ${t}`).join(', '));
  return lines.join('\n');
}

/** The command: prints the comparison (or its JSON) and answers 1 when B regressed. */
export function diffCommand(a: string, b: string, json: boolean): number {
  const d = diffRuns(readReport(a), readReport(b));
  console.log(json ? JSON.stringify(d, null, 2) : formatDiff(d));
  return diffFails(d) ? 1 : 0;
}
