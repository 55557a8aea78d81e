// A backend's expectations file (expectations/<backend>.json): scenarios it
// is known to fail through a plain bug of that implementation. A listed
// failure that fails as recorded (same errno, same step where the entry says)
// is reported as expected; one that fails otherwise (another errno, a crash)
// as changed, which fails the run; a listed scenario that passes, or that no
// feature defines any more, as stale.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { metaValidator, readJson, schemaErrors } from '../../spec/loader/load.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { featureOf, signature, signatureChange, type FailureDetail } from '../diff/failure.ts';
import type { ScenarioRecord } from './conformance.ts';

export interface Expectation {
  feature: string; scenario: string; observed: string; reason: string;
  /** The errno the failing call gives; a run that sees another reports the entry as changed. */
  errno?: string;
  /** The failing step's text, when the report that wrote the entry named it. */
  step?: string;
}

export function expectationsFile(backend: string): string {
  return join(PROJECT_ROOT, 'expectations', `${backend.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

export function loadExpectations(path: string): Expectation[] {
  if (!existsSync(path)) return [];
  const doc = readJson(path);
  const errs = schemaErrors(doc, metaValidator('expectations.schema.json'));
  if (errs.length) throw new AggregateError(errs, errs.map((e) => e.message).join('\n'));
  return (doc.data as { expected: Expectation[] }).expected;
}

export const expectationKey = (feature: string, scenario: string): string => `${feature}\u0000${scenario}`;

/** What a run found wrong with the expectations: each line names the entry. */
export interface ExpectationFindings {
  /** Listed scenarios that passed. */
  passing: Expectation[];
  /** Listed scenarios that failed otherwise than recorded. */
  changed: { entry: Expectation; how: string }[];
  /** Entries that matched no scenario of this run (not selected, or gone: see staleGone). */
  unmatched: Expectation[];
}

type Rec = ScenarioRecord & { failure?: FailureDetail };

/** How a listed scenario's failure differs from its entry, or undefined when it fails as recorded. */
function changeOf(r: Rec, e: Expectation): string | undefined {
  const want = { status: 'failed', ...(e.errno ? { errno: e.errno } : {}), ...(e.step ? { step: e.step } : {}) };
  return signatureChange(want, signature(r));
}

/** Rewrites the status of listed scenarios and says what is stale or changed. */
export function applyExpectations(records: ScenarioRecord[], expected: Expectation[]): ExpectationFindings {
  const byKey = new Map(expected.map((e) => [expectationKey(e.feature, e.scenario), e]));
  const used = new Set<Expectation>();
  const out: ExpectationFindings = { passing: [], changed: [], unmatched: [] };
  for (const r of records as Rec[]) {
    const e = byKey.get(expectationKey(featureOf(r.location), r.name));
    if (!e) continue;
    used.add(e);
    if (r.status === 'passed') {
      r.status = 'unexpected-pass';
      r.message = `listed as failing (${e.observed}: ${e.reason}) but passed`;
      out.passing.push(e);
      continue;
    }
    if (r.status !== 'failed' && r.status !== 'errored') continue;
    const how = changeOf(r, e);
    // The failure's own message stays below, for update-expectations and diff to read.
    if (!how) { r.status = 'expected-fail'; r.message = `expected: ${e.observed} (${e.reason})${r.message ? `\n${r.message}` : ''}`; continue; }
    out.changed.push({ entry: e, how });
    r.message = `expected failure changed (${how}); listed as: ${e.observed}${r.message ? `\n${r.message}` : ''}`;
  }
  out.unmatched = expected.filter((e) => !used.has(e));
  return out;
}

/** Of the unmatched entries, those whose scenario no feature file defines any more. */
export function staleGone(unmatched: Expectation[], exists: (feature: string, scenario: string) => boolean): Expectation[] {
  return unmatched.filter((e) => !exists(e.feature, e.scenario));
}

/** The lines a run prints about its expectations. */
export function expectationLines(f: ExpectationFindings, gone: Expectation[]): string[] {
  const lines = [
    ...f.passing.map((e) => `stale expectation (passes now): ${e.feature}: ${e.scenario}`),
    ...gone.map((e) => `stale expectation (no such scenario): ${e.feature}: ${e.scenario}`),
    ...f.changed.map(({ entry: e, how }) => `changed expectation (${how}): ${e.feature}: ${e.scenario}`),
  ];
  return lines.length ? [...lines, 'iommufd-conform update-expectations --report <this run\'s conformance.json> rewrites the file from this run'] : [];
}
