import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { loadSpec, loadSpecFrom } from '../spec/loader/load.ts';
import { loadRules } from '../harness/rules/catalog.ts';
import { mutatedSpec } from './helpers.ts';

function loadErrors(root: string): string[] {
  try { loadSpecFrom(root); } catch (e) { return (e as AggregateError).errors.map((x: Error) => x.message); }
  return [];
}

test('the spec describes every iommufd ioctl 0x80..0x95, IOMMU_TEST_CMD and the six VFIO compatibility ioctls', () => {
  const spec = loadSpec();
  const nrs = [...spec.ioctls.values()].filter((d) => d.header === 'linux/iommufd.h').map((d) => d.nr).sort((a, b) => a - b);
  assert.deepEqual(nrs, Array.from({ length: 0x16 }, (_, i) => 0x80 + i));
  assert.equal(spec.ioctls.get('IOMMU_TEST_CMD')?.request, 0x3ba0);
  for (const n of ['VFIO_GET_API_VERSION', 'VFIO_CHECK_EXTENSION', 'VFIO_SET_IOMMU', 'VFIO_IOMMU_GET_INFO', 'VFIO_IOMMU_MAP_DMA', 'VFIO_IOMMU_UNMAP_DMA']) {
    assert.ok(spec.ioctls.has(n), n);
  }
  for (const s of ['iommu_fault', 'iommu_page_response', 'iommu_fault_unrecoverable', 'iommu_fault_page_request']) assert.ok(spec.structs.has(s), s);
  assert.equal(spec.errno.get('E2BIG'), 7);
  assert.equal(spec.errno.get('EOPNOTSUPP'), 95);
});

test('the meta-check rejects overlapping fields, naming file and line', () => {
  const root = mutatedSpec('uapi/iommufd-ioas.json', (d) => { d.structs.iommu_ioas_map.fields[6].offset = 24; });
  const errs = loadErrors(root);
  assert.ok(errs.some((m) => /spec\/uapi\/iommufd-ioas\.json:\d+: iommu_ioas_map: field iova at 24 overlaps field length/.test(m)), errs.join('\n'));
});

test('the meta-check rejects an undeclared gap', () => {
  const root = mutatedSpec('uapi/iommufd-ioas.json', (d) => {
    const f = d.structs.iommu_ioas_unmap.fields;
    f.splice(1, 1); // drop ioas_id: bytes 4..7 belong to nothing
  });
  const errs = loadErrors(root);
  assert.ok(errs.some((m) => /iommufd-ioas\.json:\d+: iommu_ioas_unmap: undeclared gap of 4 bytes at offset 4/.test(m)), errs.join('\n'));
});

test('the meta-check rejects a size that the fields do not add up to', () => {
  const root = mutatedSpec('uapi/iommufd-ioas.json', (d) => { d.structs.iommu_destroy.size = 12; });
  const errs = loadErrors(root);
  assert.ok(errs.some((m) => /iommu_destroy: size is 12 but the fields and padding end at 8/.test(m)), errs.join('\n'));
});

test('the meta-check rejects a minSize that is not the end of lastMandatory, and a wrong request', () => {
  const root = mutatedSpec('uapi/iommufd-ioas.json', (d) => {
    d.ioctls.IOMMU_IOAS_MAP.minSize = 32;
    d.ioctls.IOMMU_IOAS_UNMAP.request = '0x3b87';
  });
  const errs = loadErrors(root).join('\n');
  assert.match(errs, /IOMMU_IOAS_MAP: minSize 32 is not the end of iova \(40\)/);
  assert.match(errs, /IOMMU_IOAS_UNMAP: request 0x3b87 is not _IO\(';', 0x86\)/);
});

test('the JSON Schema rejects an unknown key with its line', () => {
  const root = mutatedSpec('uapi/iommufd-ioas.json', (d) => { d.structs.iommu_destroy.fields[1].colour = 'red'; });
  const errs = loadErrors(root);
  assert.ok(errs.some((m) => /iommufd-ioas\.json:\d+: \/structs\/iommu_destroy\/fields\/1 must NOT have additional properties 'colour'/.test(m)), errs.join('\n'));
});

test('a JSON syntax error is reported with its line', () => {
  const root = mutatedSpec('errno.json', () => {});
  writeFileSync(`${root}/errno.json`, '{\n  "errno": {\n    "EPERM": { "value": 1 },,\n  }\n}\n');
  const errs = loadErrors(root);
  assert.ok(errs.some((m) => /spec\/errno\.json:3: invalid JSON/.test(m)), errs.join('\n'));
});

test('the rule catalog loads, ids are unique and every rule has a source', () => {
  const rules = loadRules();
  assert.ok(rules.size >= 30);
  for (const r of rules.values()) assert.ok(r.source.doc && r.source.section, r.id);
});
