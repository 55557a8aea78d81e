// The VFIO type1 compatibility of an iommufd: its compatibility IOAS, and the
// capability chain VFIO_IOMMU_GET_INFO writes after its struct. Offsets are
// never written in a scenario: the chain is walked from cap_offset through
// each header's next, and sizes come from the structs of spec/.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { readPath } from '../harness/codec/codec.ts';
import { truncateTo } from '../harness/codec/variants.ts';
import type { StructDef } from '../spec/loader/types.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

Given('{var} is the VFIO compatibility IOAS', async function (this: IommufdWorld, ioas: string) {
  await callFields(this, 'IOMMU_VFIO_IOAS', { op: this.value('IOMMU_VFIO_IOAS_SET'), ioas_id: this.value(ioas) });
  expectOk(this, `making ${ioas} the compatibility IOAS`);
});

function structOf(w: IommufdWorld, name: string): StructDef {
  const st = w.spec.structs.get(name);
  assert.ok(st, `${name} is not a struct of spec/`);
  return st;
}

/**
 * A size written with struct names: "vfio_iommu_type1_info, vfio_iommu_type1_info_dma_avail
 * rounded up to 8 and 2 vfio_iova_range" is the sum of those sizeof()s, each
 * term optionally a count of structs and optionally rounded up.
 */
function sizeOf(w: IommufdWorld, text: string): number {
  return text.split(/, | and /).reduce((sum, term) => {
    const m = /^(?:(\d+) )?([a-z_][a-z0-9_]*)(?: rounded up to (\d+))?$/.exec(term.trim());
    assert.ok(m, `"${term}" is not "[count] struct_name [rounded up to n]"`);
    const n = Number(m[1] ?? 1) * structOf(w, m[2]!).size;
    const to = Number(m[3] ?? 1);
    return sum + Math.ceil(n / to) * to;
  }, 0);
}

/** A zeroed argument of n bytes whose leading u32 (size or argsz) says n. */
const zeroed = (n: number) => truncateTo(new Uint8Array(Math.max(n, 4)), n);

When('I call {ioctl} with a zeroed argument the size of {}', async function (this: IommufdWorld, ioctl: string, sizes: string) {
  await this.call(this.ioctlDef(ioctl), { bytes: zeroed(sizeOf(this, sizes)) });
});

// The argsz convention: a first call learns the size it needs, a second one passes it.
When('I call {ioctl} with a zeroed argument of the argsz it returned', async function (this: IommufdWorld, ioctl: string) {
  expectOk(this, 'learning argsz');
  await this.call(this.ioctlDef(ioctl), { bytes: zeroed(Number(outValue(this, 'argsz'))) });
});

Then('{field} is the size of {}', function (this: IommufdWorld, field: string, sizes: string) {
  assert.equal(outValue(this, field), BigInt(sizeOf(this, sizes)), `${field} against sizeof(${sizes})`);
});

// A page-size bitmap: every power of two from the smallest page size up (a u64 of ones above it).
Then('{field} is all ones from {value} up', function (this: IommufdWorld, field: string, expr: string) {
  const low = this.value(expr);
  assert.ok(low > 0n && (low & (low - 1n)) === 0n, `${expr} is not a power of two`);
  const want = BigInt.asUintN(64, ~(low - 1n));
  assert.equal(outValue(this, field), want, `${field} is 0x${outValue(this, field).toString(16)}, expected 0x${want.toString(16)}`);
});

// The smallest size of a page-size bitmap: its lowest set bit.
Then('the smallest page size in {field} is {value}', function (this: IommufdWorld, field: string, expr: string) {
  const got = outValue(this, field);
  const lowest = got & -got;
  assert.equal(lowest, this.value(expr), `${field} is 0x${got.toString(16)}: its smallest page size is 0x${lowest.toString(16)}`);
});

/** A scalar of a capability at `at` in the result: a field path, or element i of its flexible array ("iova_ranges[1].end"). */
function capField(st: StructDef, bytes: Uint8Array, at: number, path: string): bigint {
  const flex = /^([a-z_][a-z0-9_]*)\[(\d+)\]\.(.+)$/.exec(path);
  let v;
  if (flex) {
    assert.ok(st.flexible?.name === flex[1] && st.flexible.struct, `${flex[1]} is not the flexible array of ${st.name}`);
    const el = st.flexible.struct;
    const off = at + st.size + Number(flex[2]) * el.size;
    assert.ok(off + el.size <= bytes.length, `${st.name}.${flex[1]}[${flex[2]}] lies past the result`);
    v = readPath(el, bytes.subarray(off), flex[3]!);
  } else {
    assert.ok(at + st.size <= bytes.length, `${st.name} at offset ${at} lies past the result`);
    v = readPath(st, bytes.subarray(at), path);
  }
  assert.ok(v !== undefined && typeof v !== 'object', `${path} is not a scalar field of ${st.name}`);
  return BigInt(v as number | bigint);
}

/** The rows (capability | field | value) grouped into capabilities: a new one starts where the struct name changes. */
function capabilities(table: DataTable): { struct: string; fields: [string, string][] }[] {
  const caps: { struct: string; fields: [string, string][] }[] = [];
  for (const { capability, field, value } of table.hashes()) {
    assert.ok(capability && field && value !== undefined, 'the table needs the columns capability, field and value');
    if (caps.at(-1)?.struct !== capability) caps.push({ struct: capability, fields: [] });
    caps.at(-1)!.fields.push([field, value]);
  }
  return caps;
}

// Walks the chain the last call wrote: from cap_offset, each header's next, until a next of 0.
Then('the capability chain from cap_offset is:', function (this: IommufdWorld, table: DataTable) {
  const bytes = this.last.result.bytes;
  assert.ok(bytes, 'the last call had no byte argument');
  const want = capabilities(table);
  let at = Number(outValue(this, 'cap_offset'));
  assert.notEqual(at, 0, 'cap_offset is 0: no capability chain was written');
  for (const [i, cap] of want.entries()) {
    const st = structOf(this, cap.struct);
    for (const [field, expr] of cap.fields) {
      assert.equal(capField(st, bytes, at, field), this.value(expr), `capability ${i + 1} (${cap.struct} at offset ${at}): ${field}`);
    }
    const next: number = Number(capField(st, bytes, at, 'header.next'));
    if (i === want.length - 1) assert.equal(next, 0, `the chain goes on past ${cap.struct}, to offset ${next}`);
    else assert.ok(next > at, `${cap.struct} at offset ${at}: next is ${next}, not a later offset`);
    at = next;
  }
});
