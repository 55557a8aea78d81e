// vIOMMUs, vDEVICEs and HW queues: allocating them over a nesting parent,
// the selftest vIOMMU's driver data and exported region, invalidation
// through a vIOMMU and the HW queue's pinned guest memory.
import { Given, When } from '@cucumber/cucumber';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

async function call(w: IommufdWorld, ioctl: string, fields: Record<string, string>): Promise<void> {
  await callFields(w, ioctl, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, w.value(v)])));
}

async function viommuAlloc(w: IommufdWorld, type: string, idev: string, hwpt: string, data?: [string, string]): Promise<void> {
  const fields: Record<string, string> = { type, dev_id: idev, hwpt_id: hwpt };
  if (data) { fields.data_len = data[0]; fields.data_uptr = data[1]; }
  await call(w, 'IOMMU_VIOMMU_ALLOC', fields);
}

When('I allocate a vIOMMU of type {value} for {var} on {var}', async function (this: IommufdWorld, type: string, idev: string, hwpt: string) {
  await viommuAlloc(this, type, idev, hwpt);
});

When('I allocate a selftest vIOMMU for {var} on {var} from {value} bytes at {value}',
  async function (this: IommufdWorld, idev: string, hwpt: string, len: string, data: string) {
    await viommuAlloc(this, 'IOMMU_VIOMMU_TYPE_SELFTEST', idev, hwpt, [len, data]);
  });

Given('a selftest vIOMMU for {var} on {var} as {var}', async function (this: IommufdWorld, idev: string, hwpt: string, name: string) {
  await viommuAlloc(this, 'IOMMU_VIOMMU_TYPE_SELFTEST', idev, hwpt);
  expectOk(this, `allocating a vIOMMU on ${hwpt}`);
  this.vars.set(name, outValue(this, 'out_viommu_id'));
});

When('I allocate a vDEVICE of {var} on {var} with virtual id {value}', async function (this: IommufdWorld, idev: string, viommu: string, virt: string) {
  await call(this, 'IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: idev, virt_id: virt });
});

Given('a vDEVICE of {var} on {var} with virtual id {value} as {var}',
  async function (this: IommufdWorld, idev: string, viommu: string, virt: string, name: string) {
    await call(this, 'IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: idev, virt_id: virt });
    expectOk(this, `allocating a vDEVICE of ${idev} on ${viommu}`);
    this.vars.set(name, outValue(this, 'out_vdevice_id'));
  });
