// Builds the conformance records from cucumber's message stream: one record
// per scenario with its feature file:line, rule ids, status, duration and,
// when it did not pass, the failing step with the errno it expected and saw.
import type { Envelope, Pickle, TestCase } from '@cucumber/messages';
import { RULE_TAG } from '../rules/catalog.ts';
import { astLines } from '../lint/features.ts';
import { SKIP_MEDIA_TYPE } from './skip.ts';

export type Status = 'passed' | 'failed' | 'errored' | 'skipped' | 'not-applicable' | 'expected-fail' | 'unexpected-pass' | 'undefined' | 'ambiguous' | 'pending' | 'unknown';

export const STATUSES: readonly Status[] = ['passed', 'failed', 'errored', 'skipped', 'not-applicable', 'expected-fail', 'unexpected-pass', 'undefined', 'ambiguous', 'pending', 'unknown'];

/** Where a scenario stopped: the step (or hook) and, when the message names them, the errno asserted and seen. */
export interface Failure {
  step: string;
  stepLocation: string;
  message: string;
  expectedErrno?: string;
  observedErrno?: string;
}

export interface ScenarioRecord {
  name: string;
  location: string;
  rules: string[];
  status: Status;
  durationMs: number;
  backend: string;
  message?: string;
  failure?: Failure;
}

/** The scenario itself cannot give a conformance result (e.g. it names an unknown rule): errored, like a backend fault. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

interface StepInfo { text: string; location: string }
interface Started { pickleId: string; testCaseId: string; t: number; worst: Status; message?: string; failure?: Failure; skipReason?: string }

export class ConformanceCollector {
  readonly records: ScenarioRecord[] = [];
  private pickles = new Map<string, Pickle>();
  private lines = new Map<string, number>();
  private keywords = new Map<string, string>();
  private testCases = new Map<string, TestCase>();
  private hooks = new Map<string, StepInfo>();
  private started = new Map<string, Started>();

  /** onStart hears each scenario's file:line as cucumber starts it, before its hooks run. */
  /** known: the rule ids of spec/rules; a record lists only those (an unknown id is no conformance claim). */
  /** onFinish hears each record as its scenario ends. */
  constructor(private readonly backend: string, private readonly onStart?: (location: string) => void, private readonly known?: ReadonlySet<string>, private readonly onFinish?: (r: ScenarioRecord) => void) {}

  onMessage = (e: Envelope): void => {
    if (e.gherkinDocument) this.document(e.gherkinDocument);
    if (e.pickle) this.pickles.set(e.pickle.id, e.pickle);
    if (e.hook) this.hooks.set(e.hook.id, { text: `${e.hook.name ?? 'hook'}`, location: `${e.hook.sourceReference.uri ?? '?'}:${e.hook.sourceReference.location?.line ?? 0}` });
    if (e.testCase) this.testCases.set(e.testCase.id, e.testCase);
    if (e.testCaseStarted) {
      const t = e.testCaseStarted.timestamp;
      const tc = this.testCases.get(e.testCaseStarted.testCaseId)!;
      this.started.set(e.testCaseStarted.id, { pickleId: tc.pickleId, testCaseId: tc.id, t: Number(t.seconds) * 1e3 + t.nanos / 1e6, worst: 'passed' });
      this.onStart?.(this.location(this.pickles.get(tc.pickleId)!));
    }
    if (e.attachment?.mediaType === SKIP_MEDIA_TYPE && e.attachment.testCaseStartedId) {
      const s = this.started.get(e.attachment.testCaseStartedId);
      if (s) s.skipReason ??= e.attachment.body;
    }
    if (e.testStepFinished) this.stepFinished(e.testStepFinished);
    if (e.testCaseFinished) {
      const s = this.started.get(e.testCaseFinished.testCaseStartedId);
      if (!s || e.testCaseFinished.willBeRetried) return;
      const t = e.testCaseFinished.timestamp;
      const p = this.pickles.get(s.pickleId)!;
      const record: ScenarioRecord = {
        name: p.name, location: this.location(p),
        rules: p.tags.map((x) => RULE_TAG.exec(x.name)?.[1]).filter((x): x is string => !!x && (!this.known || this.known.has(x))),
        status: s.worst, durationMs: Math.round((Number(t.seconds) * 1e3 + t.nanos / 1e6 - s.t) * 1000) / 1000,
        backend: this.backend, ...(s.message ? { message: s.message } : {}), ...(s.failure ? { failure: s.failure } : {}),
      };
      this.records.push(record);
      this.onFinish?.(record);
    }
  };

  private document(doc: NonNullable<Envelope['gherkinDocument']>): void {
    for (const [id, line] of astLines(doc).lines) this.lines.set(id, line);
    const visit = (children: readonly { background?: { steps: readonly { id: string; keyword: string }[] }; scenario?: { steps: readonly { id: string; keyword: string }[] }; rule?: { children: readonly unknown[] } }[]) => {
      for (const c of children) {
        for (const st of [...(c.background?.steps ?? []), ...(c.scenario?.steps ?? [])]) this.keywords.set(st.id, st.keyword.trim());
        if (c.rule) visit(c.rule.children as typeof children);
      }
    };
    if (doc.feature) visit(doc.feature.children);
  }

  private stepFinished(f: NonNullable<Envelope['testStepFinished']>): void {
    const s = this.started.get(f.testCaseStartedId);
    if (!s) return;
    const r = f.testStepResult;
    const raw = r.status.toLowerCase() as Status;
    // message: as cucumber formats it (type and stack; kept as it always was); failure.message: the error's own text.
    const message = r.message ?? r.exception?.message;
    const st = raw === 'skipped' && s.skipReason ? skipStatus(s.skipReason) : classify(raw, r.exception?.type, r.exception?.message ?? message);
    if (rank(st) <= rank(s.worst)) return;
    s.worst = st;
    s.message = st === 'skipped' || st === 'not-applicable' ? (s.skipReason ?? message) : message;
    if (st === 'failed' || st === 'errored' || st === 'ambiguous' || st === 'undefined' || st === 'pending') s.failure = this.failure(s, f.testStepId, r.exception?.message ?? message ?? st);
  }

  /** The failing step's text and file:line (a hook's name and definition), and the errno its message names. */
  private failure(s: Started, testStepId: string, message: string): Failure {
    const ts = this.testCases.get(s.testCaseId)?.testSteps.find((x) => x.id === testStepId);
    const pickle = this.pickles.get(s.pickleId)!;
    let info: StepInfo = { text: 'step', location: this.location(pickle) };
    if (ts?.pickleStepId) {
      const step = pickle.steps.find((x) => x.id === ts.pickleStepId);
      const ast = step?.astNodeIds[0];
      if (step) info = { text: `${ast ? `${this.keywords.get(ast) ?? ''} ` : ''}${step.text}`.trim(), location: `${pickle.uri}:${this.lines.get(ast ?? '') ?? 0}` };
    } else if (ts?.hookId) info = this.hooks.get(ts.hookId) ?? info;
    return { step: info.text, stepLocation: info.location, message, ...errnosOf(message) };
  }

  /** A scenario's file:line: the example row of an outline, else the scenario. */
  location(p: { uri: string; astNodeIds: readonly string[] }): string {
    return `${p.uri}:${this.lines.get(p.astNodeIds.at(-1)!) ?? this.lines.get(p.astNodeIds[0]!) ?? 0}`;
  }

  /** The Gherkin of every scenario seen, keyword and text per step (outline rows filled in). */
  scenarioSteps(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const p of this.pickles.values()) {
      out.set(this.location(p), p.steps.flatMap((st) => [`${this.keywords.get(st.astNodeIds[0] ?? '') ?? '*'} ${st.text}`, ...argumentLines(st.argument)]));
    }
    return out;
  }

  counts(): Record<Status, number> {
    return countStatuses(this.records);
  }
}

/** A step's data table (columns aligned) or doc string, indented under it. */
function argumentLines(arg: Pickle['steps'][number]['argument']): string[] {
  if (arg?.docString) return ['  """', ...arg.docString.content.split('\n').map((l) => `  ${l}`), '  """'];
  const rows = arg?.dataTable?.rows.map((r) => r.cells.map((c) => c.value.replace(/\|/g, '\\|'))) ?? [];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => `  | ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
}

export function countStatuses(records: readonly { status: Status }[]): Record<Status, number> {
  const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of records) out[r.status]++;
  return out;
}

/** The errno names a step's assertion message gives: what it expected and what the call returned. */
export function errnosOf(message: string): { expectedErrno?: string; observedErrno?: string } {
  const expected = /expected it to fail with (E[A-Z0-9]+)/.exec(message)?.[1];
  const observed = /\b(?:failed with|returned) (E[A-Z0-9]+)\b/.exec(message)?.[1];
  return { ...(expected ? { expectedErrno: expected } : {}), ...(observed ? { observedErrno: observed } : {}) };
}

const ORDER: Status[] = ['passed', 'skipped', 'not-applicable', 'expected-fail', 'unexpected-pass', 'unknown', 'pending', 'undefined', 'ambiguous', 'errored', 'failed'];

const skipStatus = (reason: string): Status => (reason.startsWith('not applicable') ? 'not-applicable' : 'skipped');

/** A failure raised by the backend rather than by an assertion is an error of the backend, or a skip. */
function classify(st: Status, type: string | undefined, message: string | undefined): Status {
  if (st !== 'failed') return st;
  if (type === 'BackendError' || type === 'BackendStartError' || type === 'ScenarioError') return 'errored';
  if (type === 'BackendSkipped') return skipStatus(message ?? '');
  return st;
}
const rank = (s: Status) => ORDER.indexOf(s);
