// One backend per run, a fresh process for every scenario.
import { AfterAll, Before, BeforeAll, defineParameterType } from '@cucumber/cucumber';
import { createBackend } from '../../harness/backend/index.ts';
import { backend, setBackend, type WorldParams } from './world.ts';

defineParameterType({ name: 'ioctl', regexp: /(?:IOMMU|VFIO)_[A-Z0-9_]+/, transformer: (s) => s });
defineParameterType({ name: 'errno', regexp: /E[A-Z0-9]+/, transformer: (s) => s });
defineParameterType({ name: 'var', regexp: /\$[a-z_][a-z0-9_]*/, transformer: (s) => s });
defineParameterType({ name: 'field', regexp: /[a-z_][a-z0-9_.]*/, transformer: (s) => s });

BeforeAll(async function () {
  const params = this.parameters as Partial<WorldParams>;
  setBackend(createBackend(params.backend ?? process.env.IOMMUFD_BACKEND ?? 'reference'));
});

Before(async function () {
  await backend().reset();
});

AfterAll(async function () {
  await backend().dispose();
  setBackend(undefined);
});
