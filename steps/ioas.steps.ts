// IO address spaces in the documentation's words: allocating one, mapping
// user memory into it, unmapping, copying, and its IOVA ranges.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { decode, encode } from '../harness/codec/codec.ts';
import { truncateTo } from '../harness/codec/variants.ts';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

const RW = 'IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE';
const FIXED = 'IOMMU_IOAS_MAP_FIXED_IOVA';

Given('an IOAS as {var}', async function (this: IommufdWorld, name: string) {
  await callFields(this, 'IOMMU_IOAS_ALLOC', {});
  expectOk(this, `allocating ${name}`);
  this.vars.set(name, outValue(this, 'out_ioas_id'));
});

When('I destroy {var}', async function (this: IommufdWorld, id: string) {
  await callFields(this, 'IOMMU_DESTROY', { id: this.value(id) });
});

async function map(w: IommufdWorld, flags: string, length: string, buf: string, ioas: string, iova = '0'): Promise<void> {
  await callFields(w, 'IOMMU_IOAS_MAP', {
    flags: w.value(flags), ioas_id: w.value(ioas), user_va: w.value(buf), length: w.value(length), iova: w.value(iova),
  });
}

When('I map {value} bytes of {value} at IOVA {value} into {value}', async function (this: IommufdWorld, length: string, buf: string, iova: string, ioas: string) {
  await map(this, `${FIXED} | ${RW}`, length, buf, ioas, iova);
});

When('I map {value} bytes of {value} read-only at IOVA {value} into {value}', async function (this: IommufdWorld, length: string, buf: string, iova: string, ioas: string) {
  await map(this, `${FIXED} | IOMMU_IOAS_MAP_READABLE`, length, buf, ioas, iova);
});

When('I map {value} bytes of {value} into {value}', async function (this: IommufdWorld, length: string, buf: string, ioas: string) {
  await map(this, RW, length, buf, ioas);
});

Given('{value} bytes of {value} mapped at IOVA {value} in {value}', async function (this: IommufdWorld, length: string, buf: string, iova: string, ioas: string) {
  await map(this, `${FIXED} | ${RW}`, length, buf, ioas, iova);
  expectOk(this, `mapping ${buf} at ${iova}`);
});

async function mapFile(w: IommufdWorld, flags: string, length: string, fd: string, start: string, ioas: string, iova = '0'): Promise<void> {
  await callFields(w, 'IOMMU_IOAS_MAP_FILE', {
    flags: w.value(flags), ioas_id: w.value(ioas), fd: w.value(fd), start: w.value(start), length: w.value(length), iova: w.value(iova),
  });
}

When('I map {value} bytes of the file {value} from offset {value} at IOVA {value} into {value}',
  async function (this: IommufdWorld, length: string, fd: string, start: string, iova: string, ioas: string) {
    await mapFile(this, `${FIXED} | ${RW}`, length, fd, start, ioas, iova);
  });

When('I map {value} bytes of the file {value} from offset {value} into {value}',
  async function (this: IommufdWorld, length: string, fd: string, start: string, ioas: string) {
    await mapFile(this, RW, length, fd, start, ioas);
  });

When('I unmap {value} bytes at IOVA {value} from {value}', async function (this: IommufdWorld, length: string, iova: string, ioas: string) {
  await callFields(this, 'IOMMU_IOAS_UNMAP', { ioas_id: this.value(ioas), iova: this.value(iova), length: this.value(length) });
});

When('I copy {value} bytes at IOVA {value} of {value} to IOVA {value} of {value}',
  async function (this: IommufdWorld, length: string, src: string, srcIoas: string, dst: string, dstIoas: string) {
    await callFields(this, 'IOMMU_IOAS_COPY', {
      flags: this.value(`${FIXED} | ${RW}`), src_ioas_id: this.value(srcIoas), dst_ioas_id: this.value(dstIoas),
      length: this.value(length), src_iova: this.value(src), dst_iova: this.value(dst),
    });
  });

// IOMMU_TEST_OP_ADD_RESERVED: the self-test's way to reserve IOVA as a device's reserved region would.
async function reserve(w: IommufdWorld, length: string, start: string, ioas: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_ADD_RESERVED'), id: w.value(ioas),
    'add_reserved.start': w.value(start), 'add_reserved.length': w.value(length),
  });
}

When('I reserve {value} bytes at IOVA {value} in {value}', async function (this: IommufdWorld, length: string, start: string, ioas: string) {
  await reserve(this, length, start, ioas);
});

Given('{value} bytes at IOVA {value} reserved in {value}', async function (this: IommufdWorld, length: string, start: string, ioas: string) {
  await reserve(this, length, start, ioas);
  expectOk(this, `reserving ${start}`);
});

// --- IOMMU_IOAS_IOVA_RANGES and IOMMU_IOAS_ALLOW_IOVAS: arrays of struct iommu_iova_range in user memory.

const RANGE = 'iommu_iova_range';
/** Marks array entries the kernel did not write. */
const UNTOUCHED = 0xa5;

function rangeStruct(w: IommufdWorld) {
  const st = w.spec.structs.get(RANGE);
  if (!st) throw new Error(`${RANGE} is not a struct of spec/`);
  return st;
}

/** The array of the last IOVA_RANGES call, for the steps that read it. */
const asked = new WeakMap<IommufdWorld, { addr: bigint; room: number }>();

async function userArray(w: IommufdWorld, bytes: Uint8Array): Promise<bigint> {
  const r = await w.backend.mmap(BigInt(Math.max(bytes.length, 1)), PROT_READ | PROT_WRITE);
  assert.ok(!r.errno && r.addr !== undefined, `mmap failed with ${w.errnoName(r.errno)}`);
  const wr = await w.backend.memWrite(r.addr, bytes);
  assert.equal(wr.errno, 0, `writing the array failed with ${w.errnoName(wr.errno)}`);
  return r.addr;
}

async function askRanges(w: IommufdWorld, ioas: string, room: number): Promise<void> {
  const size = rangeStruct(w).size;
  const addr = await userArray(w, new Uint8Array((room + 1) * size).fill(UNTOUCHED));
  asked.set(w, { addr, room });
  await callFields(w, 'IOMMU_IOAS_IOVA_RANGES', { ioas_id: w.value(ioas), num_iovas: BigInt(room), allowed_iovas: addr });
}

async function readRanges(w: IommufdWorld, n: number): Promise<{ start: bigint; last: bigint }[]> {
  const a = asked.get(w);
  assert.ok(a, 'no IOVA_RANGES call was made');
  const st = rangeStruct(w);
  const r = await w.backend.memRead(a.addr, (a.room + 1) * st.size);
  assert.ok(!r.errno && r.bytes, `reading the array failed with ${w.errnoName(r.errno)}`);
  return Array.from({ length: n }, (_, i) => {
    const o = decode(st, r.bytes!.subarray(i * st.size, (i + 1) * st.size));
    return { start: BigInt(o.start as bigint), last: BigInt(o.last as bigint) };
  });
}

function expectedRanges(w: IommufdWorld, table: DataTable): { start: bigint; last: bigint }[] {
  return table.hashes().map((row) => ({ start: w.value(row.start!), last: w.value(row.last!) }));
}

When('I ask for the IOVA ranges of {var} with room for {int} range(s)', async function (this: IommufdWorld, ioas: string, room: number) {
  await askRanges(this, ioas, room);
});

Then('the ranges written are:', async function (this: IommufdWorld, table: DataTable) {
  const want = expectedRanges(this, table);
  assert.deepEqual(await readRanges(this, want.length), want);
});

Then('nothing is written past the first {int} range(s)', async function (this: IommufdWorld, n: number) {
  const a = asked.get(this);
  assert.ok(a, 'no IOVA_RANGES call was made');
  const size = rangeStruct(this).size;
  const r = await this.backend.memRead(a.addr + BigInt(n * size), (a.room + 1 - n) * size);
  assert.ok(r.bytes?.every((b) => b === UNTOUCHED), `entries past ${n} were written`);
});

Then('the IOVA ranges of {var} are:', async function (this: IommufdWorld, ioas: string, table: DataTable) {
  const want = expectedRanges(this, table);
  await askRanges(this, ioas, 16);
  expectOk(this, `reading the IOVA ranges of ${ioas}`);
  assert.equal(outValue(this, 'num_iovas'), BigInt(want.length), 'number of IOVA ranges');
  assert.deepEqual(await readRanges(this, want.length), want);
});

Then('the IOVA alignment of {var} is {value}', async function (this: IommufdWorld, ioas: string, align: string) {
  await askRanges(this, ioas, 16);
  expectOk(this, `reading the IOVA ranges of ${ioas}`);
  assert.equal(outValue(this, 'out_iova_alignment'), this.value(align));
});

async function allow(w: IommufdWorld, ioas: string, ranges: { start: bigint; last: bigint }[]): Promise<void> {
  const st = rangeStruct(w);
  const bytes = new Uint8Array(ranges.length * st.size);
  ranges.forEach((r, i) => bytes.set(encode(st, { start: r.start, last: r.last }), i * st.size));
  const addr = await userArray(w, bytes);
  await callFields(w, 'IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: w.value(ioas), num_iovas: BigInt(ranges.length), allowed_iovas: addr });
}

When('I allow these IOVA ranges in {var}:', async function (this: IommufdWorld, ioas: string, table: DataTable) {
  await allow(this, ioas, expectedRanges(this, table));
});

When('I allow no IOVA ranges in {value}', async function (this: IommufdWorld, ioas: string) {
  await allow(this, ioas, []);
});

// An array of two ranges of which only the first can be read: the second lies on the unmapped page after it.
Given('an array of 2 IOVA ranges whose second lies on an unmapped page, the first from {value} to {value}, as {var}',
  async function (this: IommufdWorld, start: string, last: string, name: string) {
    const st = rangeStruct(this);
    const page = this.backend.info.pageSize;
    assert.ok(page, `the backend ${this.backend.info.name} does not say its page size (start: pageSize)`);
    const m = await this.backend.mmap(BigInt(2 * page), PROT_READ | PROT_WRITE);
    assert.ok(!m.errno && m.addr !== undefined, `mmap failed with ${this.errnoName(m.errno)}`);
    const at = m.addr + BigInt(page - st.size);
    const wr = await this.backend.memWrite(at, encode(st, { start: this.value(start), last: this.value(last) }));
    assert.equal(wr.errno, 0, `writing the first range failed with ${this.errnoName(wr.errno)}`);
    const un = await this.backend.munmap(m.addr + BigInt(page), BigInt(page));
    assert.equal(un.errno, 0, `munmap failed with ${this.errnoName(un.errno)}`);
    this.vars.set(name, at);
  });

// An argument of exactly the ioctl's minimum size (the end of its last mandatory field), its leading u32 saying so.
When('I call {ioctl} at its minimum size with:', async function (this: IommufdWorld, ioctl: string, table: DataTable) {
  const def = this.ioctlDef(ioctl);
  assert.ok(def.minSize < (def.struct?.size ?? 0), `${ioctl}: its minimum size is its full size`);
  await this.call(def, { bytes: truncateTo(this.encodeTable(def, table.raw()), def.minSize) });
});
