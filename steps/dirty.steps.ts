// Dirty tracking of a paging HWPT: allocating one that can track, turning
// tracking on and off, marking IOPTEs dirty through the selftest
// (IOMMU_TEST_OP_DIRTY) and reading the dirty bitmap back.
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

/**
 * Bit numbers of a list such as "0, 3, 8-15, 0-1023/4" (a-b/s: every s-th from
 * a to b), "0-32767/1024*512" (a-b/s*w: the w bits from every s-th on) or "none".
 */
function bitList(text: string): number[] {
  if (text.trim() === 'none') return [];
  const out: number[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+)(?:\/(\d+)(?:\*(\d+))?)?)?$/.exec(item);
    assert.ok(m, `"${item}" is not a bit, a range a-b, a stride a-b/s or blocks a-b/s*w`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]), s = m[3] === undefined ? 1 : Number(m[3]);
    const w = m[4] === undefined ? 1 : Number(m[4]);
    for (let i = a; i <= b; i += s) for (let j = i; j < i + w; j++) out.push(j);
  }
  return out;
}

/** A bitmap of nbits bits with the listed bits set. */
function bitmapBytes(bits: number[], nbits: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(nbits / 8));
  for (const b of bits) bytes[b >> 3]! |= 1 << (b & 7);
  return bytes;
}

async function mapMemory(w: IommufdWorld, n: bigint): Promise<bigint> {
  const r = await w.backend.mmap(n, PROT_READ | PROT_WRITE);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${n} bytes failed with ${w.errnoName(r.errno)}`);
  return r.addr;
}

async function writeMemory(w: IommufdWorld, at: bigint, bytes: Uint8Array): Promise<void> {
  const r = await w.backend.memWrite(at, bytes);
  assert.equal(r.errno, 0, `writing at 0x${at.toString(16)} failed with ${w.errnoName(r.errno)}`);
}

Given('huge pages are off in {var}', async function (this: IommufdWorld, ioas: string) {
  await callFields(this, 'IOMMU_OPTION', {
    option_id: this.value('IOMMU_OPTION_HUGE_PAGES'), op: this.value('IOMMU_OPTION_OP_SET'), object_id: this.value(ioas), val64: 0n,
  });
  expectOk(this, `turning huge pages off in ${ioas}`);
});

/** IOMMU_HWPT_ALLOC of the mock device $dev (its device object $dev_idev) on pt with the given flags and mock page table type. */
async function allocHwpt(w: IommufdWorld, dev: string, pt: string, flags: bigint, pagetableType?: bigint): Promise<void> {
  const fields: Record<string, bigint> = { dev_id: w.value(`${dev}_idev`), pt_id: w.value(pt), flags };
  if (pagetableType !== undefined) {
    const data = await mapMemory(w, 4096n);
    const cfg = new Uint8Array(8);
    new DataView(cfg.buffer).setUint32(4, Number(pagetableType), true);
    await writeMemory(w, data, cfg);
    Object.assign(fields, { data_type: w.value('IOMMU_HWPT_DATA_SELFTEST'), data_len: 8n, data_uptr: data });
  }
  await callFields(w, 'IOMMU_HWPT_ALLOC', fields);
}

When('I allocate a HWPT with dirty tracking for {var} on {var}', async function (this: IommufdWorld, dev: string, pt: string) {
  await allocHwpt(this, dev, pt, this.value('IOMMU_HWPT_ALLOC_DIRTY_TRACKING'));
});

Given('a HWPT with dirty tracking for {var} on {var} as {var}', async function (this: IommufdWorld, dev: string, pt: string, name: string) {
  await allocHwpt(this, dev, pt, this.value('IOMMU_HWPT_ALLOC_DIRTY_TRACKING'));
  expectOk(this, `allocating a HWPT with dirty tracking for ${dev}`);
  this.vars.set(name, outValue(this, 'out_hwpt_id'));
});

Given('a HWPT without dirty tracking for {var} on {var} as {var}', async function (this: IommufdWorld, dev: string, pt: string, name: string) {
  await allocHwpt(this, dev, pt, 0n);
  expectOk(this, `allocating a HWPT for ${dev}`);
  this.vars.set(name, outValue(this, 'out_hwpt_id'));
});

Given('a huge-page HWPT with dirty tracking for {var} on {var} as {var}', async function (this: IommufdWorld, dev: string, pt: string, name: string) {
  await allocHwpt(this, dev, pt, this.value('IOMMU_HWPT_ALLOC_DIRTY_TRACKING'), this.value('MOCK_IOMMUPT_HUGE'));
  expectOk(this, `allocating a huge-page HWPT with dirty tracking for ${dev}`);
  this.vars.set(name, outValue(this, 'out_hwpt_id'));
});

async function setTracking(w: IommufdWorld, hwpt: string, on: boolean): Promise<void> {
  await callFields(w, 'IOMMU_HWPT_SET_DIRTY_TRACKING', {
    hwpt_id: w.value(hwpt), flags: on ? w.value('IOMMU_HWPT_DIRTY_TRACKING_ENABLE') : 0n,
  });
}

When('I turn dirty tracking on for {var}', async function (this: IommufdWorld, hwpt: string) { await setTracking(this, hwpt, true); });
When('I turn dirty tracking off for {var}', async function (this: IommufdWorld, hwpt: string) { await setTracking(this, hwpt, false); });

Given('dirty tracking is on for {var}', async function (this: IommufdWorld, hwpt: string) {
  await setTracking(this, hwpt, true);
  expectOk(this, `turning dirty tracking on for ${hwpt}`);
});

/**
 * IOMMU_TEST_OP_DIRTY: the mock marks the IOPTE under iova + k * pageSize for
 * every bit k of the list, over length bytes; the bitmap goes into fresh memory.
 */
async function markDirty(w: IommufdWorld, pageSize: string, bits: string, length: string, iova: string, hwpt: string): Promise<void> {
  const bytes = bitmapBytes(bitList(bits), Number(w.value(length) / w.value(pageSize)));
  const at = await mapMemory(w, (BigInt(bytes.length) + 4095n) & ~4095n || 4096n);
  await writeMemory(w, at, bytes);
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_DIRTY'), id: w.value(hwpt),
    'dirty.iova': w.value(iova), 'dirty.length': w.value(length), 'dirty.page_size': w.value(pageSize), 'dirty.uptr': at,
  });
}

/** IOMMU_TEST_OP_DIRTY: the mock marks the IOPTE under iova + k * page size for every listed bit k (the bitmap goes into fresh memory). */
When('I mark the {value}-byte pages {string} of {value} bytes at IOVA {value} of {var} dirty', async function (
  this: IommufdWorld, pageSize: string, bits: string, length: string, iova: string, hwpt: string,
) {
  await markDirty(this, pageSize, bits, length, iova, hwpt);
});

Given('the {value}-byte pages {string} of {value} bytes at IOVA {value} of {var} are dirty', async function (
  this: IommufdWorld, pageSize: string, bits: string, length: string, iova: string, hwpt: string,
) {
  await markDirty(this, pageSize, bits, length, iova, hwpt);
  expectOk(this, `marking pages of ${hwpt} dirty`);
});

async function getBitmap(w: IommufdWorld, hwpt: string, length: string, iova: string, pageSize: string, data: string, flags: bigint): Promise<void> {
  await callFields(w, 'IOMMU_HWPT_GET_DIRTY_BITMAP', {
    hwpt_id: w.value(hwpt), flags, iova: w.value(iova), length: w.value(length), page_size: w.value(pageSize), data: w.value(data),
  });
}

When('I read the dirty bits of {value} bytes at IOVA {value} of {var} in {value}-byte pages into {value}', async function (
  this: IommufdWorld, length: string, iova: string, hwpt: string, pageSize: string, data: string,
) {
  await getBitmap(this, hwpt, length, iova, pageSize, data, 0n);
});

When('I read the dirty bits of {value} bytes at IOVA {value} of {var} in {value}-byte pages into {value} without clearing them', async function (
  this: IommufdWorld, length: string, iova: string, hwpt: string, pageSize: string, data: string,
) {
  await getBitmap(this, hwpt, length, iova, pageSize, data, this.value('IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR'));
});

When('I clear the {value} bytes at {value}', async function (this: IommufdWorld, n: string, at: string) {
  await writeMemory(this, this.value(at), new Uint8Array(Number(this.value(n))));
});

/** The bitmap at data, bit k being bit k % 8 of byte k / 8 (bit k % 64 of little-endian u64 word k / 64). */
Then('of the {value} bits at {value} exactly {string} are set', async function (this: IommufdWorld, n: string, at: string, bits: string) {
  const nbits = Number(this.value(n));
  const r = await this.backend.memRead(this.value(at), Math.ceil(nbits / 8));
  assert.ok(!r.errno && r.bytes, `reading the bitmap at ${at} failed with ${this.errnoName(r.errno)}`);
  const want = new Set(bitList(bits));
  const wrong: number[] = [];
  for (let k = 0; k < nbits && wrong.length < 8; k++) {
    const set = ((r.bytes[k >> 3]! >> (k & 7)) & 1) === 1;
    if (set !== want.has(k)) wrong.push(k);
  }
  assert.deepEqual(wrong, [], `bits ${wrong.join(', ')} (first ones) of the bitmap at ${at} are wrong; expected exactly ${bits} set`);
});
