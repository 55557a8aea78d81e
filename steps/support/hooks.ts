// One backend per run, a fresh process for every scenario.
import { After, AfterAll, Before, BeforeAll, defineParameterType, setDefaultTimeout } from '@cucumber/cucumber';
import type { GherkinDocument, Pickle } from '@cucumber/messages';
import { loadRules, RULE_TAG } from '../../harness/rules/catalog.ts';
import { loadSpec } from '../../spec/loader/load.ts';
import { createBackend } from '../../harness/backend/index.ts';
import { backend, setBackend, takePreset, type WorldParams } from './world.ts';
import { BackendError, BackendSkipped } from '../../harness/backend/process.ts';
import { ScenarioError } from '../../harness/report/conformance.ts';

defineParameterType({ name: 'ioctl', regexp: /(?:IOMMU|VFIO)_[A-Z0-9_]+/, transformer: (s) => s });
defineParameterType({ name: 'errno', regexp: /E[A-Z0-9]+/, transformer: (s) => s });
defineParameterType({ name: 'var', regexp: /\$[a-z_][a-z0-9_]*/, transformer: (s) => s });
// A value expression of harness/codec/values.ts: numbers, spec/ constants and $names joined by + or |.
const TERM = String.raw`(?:\$[a-z_][a-z0-9_]*|0x[0-9a-fA-F]+|-?[0-9]+|[A-Z][A-Z0-9_]*)`;
defineParameterType({ name: 'value', regexp: new RegExp(`${TERM}(?: *[+|] *${TERM})*`), transformer: (s) => s, useForSnippets: false });
defineParameterType({ name: 'field', regexp: /[a-z_][a-z0-9_.]*/, transformer: (s) => s });

// Per-call timeouts are the backend's business; this only bounds a whole step.
setDefaultTimeout(120_000);

/** Why the backend could not start, if it could not: every scenario reports it. */
let startError: Error | undefined;

/**
 * A backend lost (killed after a timeout, a crash or a broken message) in this
 * many scenarios in a row is given up on: each further scenario would most
 * likely cost a full timeout to say the same thing again.
 */
export const GIVE_UP_AFTER = 3;
let lostInARow = 0;
/** The backend's loss count when the scenario reached it; undefined if it never did. */
let lossesBefore: number | undefined;
let gaveUp: BackendError | undefined;

const rules = loadRules();
const spec = loadSpec();
const version = (v: string) => v.split('.').map(Number).reduce((a, n) => a * 1000 + n, 0);

// Starting a backend may mean building and booting a kernel: minutes the first time.
BeforeAll({ timeout: 60 * 60_000 }, async function () {
  const params = this.parameters as Partial<WorldParams>;
  const started = takePreset() ?? createBackend(params.backend ?? process.env.IOMMUFD_BACKEND ?? 'reference', { timeoutMs: params.timeoutMs })
    .then(async (b) => { await b.init(); return b; });
  startError = undefined;
  lostInARow = 0;
  gaveUp = undefined;
  try { setBackend(await started); } catch (e) { startError = e as Error; }
});

/** The line of every tag of a feature file, by AST id. */
function tagLines(doc: GherkinDocument): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as { id?: string; name?: unknown; location?: { line: number } };
    if (n.id && n.location && typeof n.name === 'string' && n.name.startsWith('@')) out.set(n.id, n.location.line);
    for (const v of Object.values(node)) if (v && typeof v === 'object') visit(v);
  };
  visit(doc.feature);
  return out;
}

/** A scenario naming a rule spec/rules does not define is no conformance result: it is errored, not run. */
function checkRuleTags(pickle: Pickle, doc: GherkinDocument): void {
  const unknown = pickle.tags.filter((t) => { const id = RULE_TAG.exec(t.name)?.[1]; return id && !rules.has(id); });
  if (!unknown.length) return;
  const lines = tagLines(doc);
  throw new ScenarioError(unknown.map((t) => `${pickle.uri}:${lines.get(t.astNodeId) ?? 0}: unknown rule id ${t.name.slice(1)} (no rule of spec/rules has it; see lint)`).join('\n'));
}

Before(async function ({ pickle, gherkinDocument }) {
  lossesBefore = undefined;
  checkRuleTags(pickle, gherkinDocument);
  if (startError) throw startError;
  if (gaveUp) throw gaveUp;
  const b = backend();
  lossesBefore = b.restarts ?? 0;
  // A backend that cannot run here (no /dev/iommu) runs nothing, and says why.
  if (!b.info.available) throw new BackendSkipped(`not run: ${b.info.reason ?? 'the backend is not available here'}`);
  // Not applicable: a rule, or an ioctl a step calls, is newer than the backend's kernel.
  const sinces = [
    ...pickle.tags.map((t) => rules.get(RULE_TAG.exec(t.name)?.[1] ?? '')?.since),
    ...pickle.steps.flatMap((st) => [...st.text.matchAll(/\b(?:IOMMU|VFIO)_[A-Z0-9_]+\b/g)].map((m) => spec.ioctls.get(m[0])?.since)),
  ].filter((x): x is string => !!x);
  const newest = sinces.sort((x, y) => version(y) - version(x))[0];
  if (newest && version(newest) > version(b.info.kernel)) {
    throw new BackendSkipped(`not applicable: needs Linux ${newest}, the backend implements ${b.info.kernel}`);
  }
  await b.reset();
});

// Counts the scenarios in a row in which the harness lost the backend; gives up after GIVE_UP_AFTER.
After(function (this: { parameters: Partial<WorldParams> }, { result }) {
  if (startError || gaveUp || lossesBefore === undefined) return;
  const b = backend();
  if ((b.restarts ?? 0) === lossesBefore) { lostInARow = 0; return; }
  if (++lostInARow < GIVE_UP_AFTER) return;
  const last = result?.exception?.message ?? result?.message ?? 'unknown';
  gaveUp = new BackendError(`not run: gave up on backend ${this.parameters.backend ?? b.info.name} after it was lost in ${GIVE_UP_AFTER} scenarios in a row; the last time: ${last}`);
});

AfterAll(async function () {
  // A backend that never started has nothing to dispose of; its scenarios already say why.
  if (!startError) await backend().dispose();
  setBackend(undefined);
});
