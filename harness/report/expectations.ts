// A backend's expectations file (expectations/<backend>.json): scenarios it
// is known to fail through a plain bug of that implementation. A listed
// failure is reported as expected; a listed scenario that passes, as an
// unexpected pass (which fails the run until the entry is removed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { metaValidator, readJson, schemaErrors } from '../../spec/loader/load.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import type { ScenarioRecord } from './conformance.ts';

export interface Expectation { feature: string; scenario: string; observed: string; reason: string }

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

/** Rewrites the status of listed scenarios; returns the expectations that matched no scenario run. */
export function applyExpectations(records: ScenarioRecord[], expected: Expectation[]): Expectation[] {
  const byKey = new Map(expected.map((e) => [`${e.feature}\u0000${e.scenario}`, e]));
  const used = new Set<Expectation>();
  for (const r of records) {
    const e = byKey.get(`${r.location.replace(/:\d+$/, '')}\u0000${r.name}`);
    if (!e) continue;
    used.add(e);
    if (r.status === 'failed') { r.status = 'expected-fail'; r.message = `expected: ${e.observed} (${e.reason})`; }
    else if (r.status === 'passed') { r.status = 'unexpected-pass'; r.message = `listed as failing (${e.observed}: ${e.reason}) but passed`; }
  }
  return expected.filter((e) => !used.has(e));
}
