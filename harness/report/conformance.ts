// Builds the conformance report from cucumber's message stream: one record
// per scenario with its feature file:line, rule ids, status and duration.
import type { Envelope } from '@cucumber/messages';
import { RULE_TAG } from '../rules/catalog.ts';
import { astLines } from '../lint/features.ts';

export type Status = 'passed' | 'failed' | 'errored' | 'skipped' | 'not-applicable' | 'expected-fail' | 'unexpected-pass' | 'undefined' | 'ambiguous' | 'pending' | 'unknown';

export interface ScenarioRecord {
  name: string;
  location: string;
  rules: string[];
  status: Status;
  durationMs: number;
  backend: string;
  message?: string;
}

/** The scenario itself cannot give a conformance result (e.g. it names an unknown rule): errored, like a backend fault. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export class ConformanceCollector {
  readonly records: ScenarioRecord[] = [];
  private pickles = new Map<string, { name: string; uri: string; astNodeIds: readonly string[]; tags: string[] }>();
  private lines = new Map<string, number>();
  private testCases = new Map<string, string>();
  private started = new Map<string, { pickleId: string; t: number; worst: Status; message?: string }>();

  /** onStart hears each scenario's file:line as cucumber starts it, before its hooks run. */
  /** known: the rule ids of spec/rules; a record lists only those (an unknown id is no conformance claim). */
  constructor(private readonly backend: string, private readonly onStart?: (location: string) => void, private readonly known?: ReadonlySet<string>) {}

  onMessage = (e: Envelope): void => {
    if (e.gherkinDocument) for (const [id, line] of astLines(e.gherkinDocument).lines) this.lines.set(id, line);
    if (e.pickle) this.pickles.set(e.pickle.id, { name: e.pickle.name, uri: e.pickle.uri, astNodeIds: e.pickle.astNodeIds, tags: e.pickle.tags.map((t) => t.name) });
    if (e.testCase) this.testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) {
      const t = e.testCaseStarted.timestamp;
      const pickleId = this.testCases.get(e.testCaseStarted.testCaseId)!;
      this.started.set(e.testCaseStarted.id, { pickleId, t: Number(t.seconds) * 1e3 + t.nanos / 1e6, worst: 'passed' });
      this.onStart?.(this.location(this.pickles.get(pickleId)!));
    }
    if (e.testStepFinished) {
      const s = this.started.get(e.testStepFinished.testCaseStartedId);
      const r = e.testStepFinished.testStepResult;
      const st = classify(r.status.toLowerCase() as Status, r.exception?.type, r.exception?.message ?? r.message);
      if (s && rank(st) > rank(s.worst)) { s.worst = st; s.message = r.message ?? r.exception?.message; }
    }
    if (e.testCaseFinished) {
      const s = this.started.get(e.testCaseFinished.testCaseStartedId);
      if (!s || e.testCaseFinished.willBeRetried) return;
      const t = e.testCaseFinished.timestamp;
      const p = this.pickles.get(s.pickleId)!;
      this.records.push({
        name: p.name, location: this.location(p),
        rules: p.tags.map((x) => RULE_TAG.exec(x)?.[1]).filter((x): x is string => !!x && (!this.known || this.known.has(x))),
        status: s.worst, durationMs: Math.round((Number(t.seconds) * 1e3 + t.nanos / 1e6 - s.t) * 1000) / 1000,
        backend: this.backend, ...(s.message ? { message: s.message } : {}),
      });
    }
  };

  /** A scenario's file:line: the example row of an outline, else the scenario. */
  private location(p: { uri: string; astNodeIds: readonly string[] }): string {
    return `${p.uri}:${this.lines.get(p.astNodeIds.at(-1)!) ?? this.lines.get(p.astNodeIds[0]!) ?? 0}`;
  }

  counts(): Record<Status, number> {
    const out = { passed: 0, failed: 0, errored: 0, skipped: 0, 'not-applicable': 0, 'expected-fail': 0, 'unexpected-pass': 0, undefined: 0, ambiguous: 0, pending: 0, unknown: 0 };
    for (const r of this.records) out[r.status]++;
    return out;
  }
}

const ORDER: Status[] = ['passed', 'skipped', 'not-applicable', 'expected-fail', 'unexpected-pass', 'unknown', 'pending', 'undefined', 'ambiguous', 'errored', 'failed'];

/** A failure raised by the backend rather than by an assertion is an error of the backend, or a skip. */
function classify(st: Status, type: string | undefined, message: string | undefined): Status {
  if (st !== 'failed') return st;
  if (type === 'BackendError' || type === 'BackendStartError' || type === 'ScenarioError') return 'errored';
  if (type === 'BackendSkipped') return message?.startsWith('not applicable') ? 'not-applicable' : 'skipped';
  return st;
}
const rank = (s: Status) => ORDER.indexOf(s);
