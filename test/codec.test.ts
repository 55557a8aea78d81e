import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSpec } from '../spec/loader/load.ts';
import { decode, encode, readPath, nest } from '../harness/codec/codec.ts';
import { CodecError } from '../harness/codec/schema.ts';
import { extendNonZero, extendZero, truncateTo, withSizeField } from '../harness/codec/variants.ts';
import { evaluate } from '../harness/codec/values.ts';
import type { FieldDef, StructDef } from '../spec/loader/types.ts';
import { RANGE } from '../harness/codec/scalar.ts';

const spec = loadSpec();
const S = (n: string) => spec.structs.get(n)!;

test('encode puts each field at its offset, little-endian, and fills in size', () => {
  const b = encode(S('iommu_ioas_map'), { flags: 5, ioas_id: 7, user_va: 0x1000n, length: '0x2000', iova: '4096' });
  const dv = new DataView(b.buffer);
  assert.equal(b.length, 40);
  assert.equal(dv.getUint32(0, true), 40);
  assert.equal(dv.getUint32(4, true), 5);
  assert.equal(dv.getUint32(8, true), 7);
  assert.equal(dv.getBigUint64(16, true), 0x1000n);
  assert.equal(dv.getBigUint64(24, true), 0x2000n);
  assert.equal(dv.getBigUint64(32, true), 4096n);
});

test('nested anonymous structs of IOMMU_TEST_CMD encode by dotted path', () => {
  const b = encode(S('iommu_test_cmd'), nest({ op: 1, 'add_reserved.start': 0x10000n, 'add_reserved.length': 0x1000n }));
  assert.equal(readPath(S('iommu_test_cmd'), b, 'add_reserved.start'), 0x10000n);
  assert.equal(new DataView(b.buffer).getBigUint64(16, true), 0x10000n);
});

test('two members of one union may not both be given', () => {
  assert.throws(() => encode(S('iommu_hw_info'), { in_data_type: 1, out_data_type: 2 }), /shares storage/);
});

test('an unknown field, a wrong type and an out-of-range value are errors naming the field', () => {
  assert.throws(() => encode(S('iommu_destroy'), { idd: 1 }), (e: unknown) => e instanceof CodecError && e.field === 'idd' && /unknown field/.test(e.message));
  assert.throws(() => encode(S('iommu_destroy'), { id: 'one' }), (e: unknown) => e instanceof CodecError && e.field === 'id');
  assert.throws(() => encode(S('iommu_destroy'), { id: 2 ** 32 }), (e: unknown) => e instanceof CodecError && e.field === 'id');
  assert.throws(() => encode(S('iommu_option'), { op: 0x10000 }), (e: unknown) => e instanceof CodecError && e.field === 'op');
  assert.throws(() => encode(S('iommu_ioas_map'), { iova: (1n << 64n) }), (e: unknown) => e instanceof CodecError && e.field === 'iova');
  assert.throws(() => encode(S('iommu_hw_info_arm_smmuv3'), { idr: [1, 2, 3, 4, 5, 6, 7] }), (e: unknown) => e instanceof CodecError && e.field === 'idr');
});

function arbField(f: FieldDef): fc.Arbitrary<unknown> {
  const elem: fc.Arbitrary<unknown> = f.struct ? arbStruct(f.struct) : fc.bigInt(RANGE[f.scalar!].min, RANGE[f.scalar!].max);
  return f.isArray ? fc.array(elem, { minLength: f.count, maxLength: f.count }) : elem;
}
function arbStruct(def: StructDef): fc.Arbitrary<Record<string, unknown>> {
  const seen = new Set<string>();
  const fields = def.fields.filter((f) => !f.union || (!seen.has(f.union) && seen.add(f.union)));
  return fc.record(Object.fromEntries(fields.map((f) => [f.name, arbField(f)])));
}
const norm = (v: unknown): unknown => (typeof v === 'number' ? BigInt(v) : Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)])) : v);

/** Every field of want is in got with its value; got may hold more (decode gives every member of a union). */
function contains(got: unknown, want: unknown, path: string): void {
  if (!want || typeof want !== 'object' || Array.isArray(want)) return assert.deepEqual(got, want, path);
  for (const [k, v] of Object.entries(want)) contains((got as Record<string, unknown>)[k], v, `${path}.${k}`);
}

test('decode(encode(x)) == x for every struct of the spec (property)', () => {
  for (const def of spec.structs.values()) {
    fc.assert(fc.property(arbStruct(def), (obj) => {
      const back = decode(def, encode(def, obj as never, { autoSize: false }));
      contains(norm(back), norm(obj), def.name);
    }), { numRuns: 20 });
  }
});

test('variants: truncate, zero tail, non-zero tail, size field', () => {
  const b = encode(S('iommu_ioas_alloc'), {});
  assert.deepEqual([...truncateTo(b, 8)], [8, 0, 0, 0, 0, 0, 0, 0]);
  const z = extendZero(b, 4);
  assert.equal(z.length, 16); assert.equal(new DataView(z.buffer).getUint32(0, true), 16); assert.ok(z.subarray(12).every((x) => x === 0));
  const nz = extendNonZero(b, 4, 15);
  assert.equal(nz[15], 0xff); assert.equal(nz[12], 0);
  assert.throws(() => extendNonZero(b, 4, 3), RangeError);
  assert.equal(new DataView(withSizeField(b, 99).buffer).getUint32(0, true), 99);
});

test('value expressions: numbers, constants joined by |, names and sums', () => {
  assert.equal(evaluate(spec, '0x10'), 16n);
  assert.equal(evaluate(spec, 'IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE'), 5n);
  assert.equal(evaluate(spec, '$buf + 0x1000', (n) => (n === '$buf' ? 0x7000n : undefined)), 0x8000n);
  assert.throws(() => evaluate(spec, 'NOT_A_CONSTANT'), /neither a number/);
  assert.throws(() => evaluate(spec, '$nope', () => undefined), /has not been remembered/);
});
