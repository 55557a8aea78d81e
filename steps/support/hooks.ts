// One backend per run, a fresh process for every scenario.
import { AfterAll, Before, BeforeAll, defineParameterType, setDefaultTimeout } from '@cucumber/cucumber';
import { loadRules, RULE_TAG } from '../../harness/rules/catalog.ts';
import { loadSpec } from '../../spec/loader/load.ts';
import { createBackend } from '../../harness/backend/index.ts';
import { backend, setBackend, takePreset, type WorldParams } from './world.ts';
import { BackendSkipped } from '../../harness/backend/process.ts';

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

const rules = loadRules();
const spec = loadSpec();
const version = (v: string) => v.split('.').map(Number).reduce((a, n) => a * 1000 + n, 0);

// Starting a backend may mean building and booting a kernel: minutes the first time.
BeforeAll({ timeout: 60 * 60_000 }, async function () {
  const params = this.parameters as Partial<WorldParams>;
  const started = takePreset() ?? createBackend(params.backend ?? process.env.IOMMUFD_BACKEND ?? 'reference', { timeoutMs: params.timeoutMs })
    .then(async (b) => { await b.init(); return b; });
  try { setBackend(await started); } catch (e) { startError = e as Error; }
});


Before(async function ({ pickle }) {
  if (startError) throw startError;
  const b = backend();
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

AfterAll(async function () {
  // A backend that never started has nothing to dispose of; its scenarios already say why.
  if (!startError) await backend().dispose();
  setBackend(undefined);
});
