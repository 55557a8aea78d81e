// One backend per run, a fresh process for every scenario.
import { AfterAll, Before, BeforeAll, defineParameterType, setDefaultTimeout } from '@cucumber/cucumber';
import { loadRules, RULE_TAG } from '../../harness/rules/catalog.ts';
import { createBackend } from '../../harness/backend/index.ts';
import { backend, setBackend, takePreset, type WorldParams } from './world.ts';
import { BackendSkipped } from '../../harness/backend/process.ts';

defineParameterType({ name: 'ioctl', regexp: /(?:IOMMU|VFIO)_[A-Z0-9_]+/, transformer: (s) => s });
defineParameterType({ name: 'errno', regexp: /E[A-Z0-9]+/, transformer: (s) => s });
defineParameterType({ name: 'var', regexp: /\$[a-z_][a-z0-9_]*/, transformer: (s) => s });
defineParameterType({ name: 'field', regexp: /[a-z_][a-z0-9_.]*/, transformer: (s) => s });

// Per-call timeouts are the backend's business; this only bounds a whole step.
setDefaultTimeout(120_000);

const rules = loadRules();
const version = (v: string) => v.split('.').map(Number).reduce((a, n) => a * 1000 + n, 0);

BeforeAll(async function () {
  const params = this.parameters as Partial<WorldParams>;
  const p = takePreset();
  const b = p?.backend ?? createBackend(params.backend ?? process.env.IOMMUFD_BACKEND ?? 'reference', { timeoutMs: params.timeoutMs });
  setBackend(b);
  try { await (p ? p.ready : b.init()); } catch (e) { startError = e as Error; }
});

let startError: Error | undefined;

Before(async function ({ pickle }) {
  if (startError) throw startError;
  const b = backend();
  // A backend that cannot run here (no /dev/iommu) runs nothing, and says why.
  if (!b.info.available) throw new BackendSkipped(`not run: ${b.info.reason ?? 'the backend is not available here'}`);
  const newest = pickle.tags.map((t) => rules.get(RULE_TAG.exec(t.name)?.[1] ?? '')?.since).filter((s): s is string => !!s)
    .sort((x, y) => version(y) - version(x))[0];
  if (newest && version(newest) > version(b.info.kernel)) {
    throw new BackendSkipped(`not applicable: the rule needs Linux ${newest}, the backend implements ${b.info.kernel}`);
  }
  await b.reset();
});

AfterAll(async function () {
  await backend().dispose();
  setBackend(undefined);
});
