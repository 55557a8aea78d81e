// One run's results, built from its message stream alone: the records of
// conformance.ts with the run's expectations applied, and conformance.json
// (described by spec/meta/conformance.schema.json).
import type { Envelope } from '@cucumber/messages';
import type { Rule } from '../rules/catalog.ts';
import { ConformanceCollector, countStatuses, type ScenarioRecord, type Status } from './conformance.ts';
import { applyExpectations, type Expectation, type ExpectationFindings } from './expectations.ts';
import { runInfoOf, type Implementation } from './ndjson.ts';

export const SCHEMA_VERSION = 1;

export interface ConformanceReport {
  schemaVersion: typeof SCHEMA_VERSION;
  backend: string;
  startedAt: string;
  durationMs: number;
  interrupted?: NodeJS.Signals;
  implementation?: Implementation;
  counts: Record<Status, number>;
  notModelled: string[];
  divergences: { rule: string; documented: string; kernel: string; source: string }[];
  expectations: Expectation[];
  scenarios: ScenarioRecord[];
}

/** A run: its report, each scenario's Gherkin by file:line, and the expectations no scenario matched. */
export interface RunResults {
  report: ConformanceReport;
  steps: Map<string, string[]>;
  /** What the run found wrong with its expectations (stale, changed). */
  findings: ExpectationFindings;
}

const ms = (t: { seconds: number; nanos: number }) => Number(t.seconds) * 1e3 + t.nanos / 1e6;

export function resultsOf(envelopes: readonly Envelope[], rules: ReadonlyMap<string, Rule>): RunResults {
  const info = runInfoOf(envelopes);
  const backend = info.backend ?? 'unknown';
  const collector = new ConformanceCollector(backend, undefined, new Set(rules.keys()));
  let start: number | undefined;
  let end: number | undefined;
  for (const e of envelopes) {
    collector.onMessage(e);
    const t = e.testRunStarted?.timestamp ?? e.testRunFinished?.timestamp ?? e.testCaseFinished?.timestamp ?? e.testStepFinished?.timestamp;
    if (e.testRunStarted) start = ms(e.testRunStarted.timestamp);
    if (t) end = ms(t);
  }
  const expectations = info.expectations ?? [];
  const findings = applyExpectations(collector.records, expectations);
  const report: ConformanceReport = {
    schemaVersion: SCHEMA_VERSION,
    backend,
    startedAt: new Date(start ?? 0).toISOString(),
    durationMs: Math.max(0, Math.round((end ?? 0) - (start ?? 0))),
    ...(info.interrupted ? { interrupted: info.interrupted } : {}),
    ...(info.implementation ? { implementation: info.implementation } : {}),
    counts: countStatuses(collector.records),
    notModelled: info.notModelled ?? [],
    divergences: divergencesOf(rules),
    expectations,
    scenarios: collector.records,
  };
  return { report, steps: collector.scenarioSteps(), findings };
}

export function divergencesOf(rules: ReadonlyMap<string, Rule>): ConformanceReport['divergences'] {
  return [...rules.values()].filter((r) => r.divergence).map((r) => ({ rule: r.id, documented: r.statement, kernel: r.divergence!, source: `${r.file}:${r.line}` }));
}

/** Scenarios that count against the backend: failed, errored, unexpected passes and cucumber's own problems. */
export function failedCount(counts: Record<Status, number>, total: number): number {
  return total - counts.passed - counts.skipped - counts['not-applicable'] - counts['expected-fail'];
}
