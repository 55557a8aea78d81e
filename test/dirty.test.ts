// Dirty tracking in the engine: the user bitmap's windows (iova_bitmap.ts),
// and a model test of SET_DIRTY_TRACKING / TEST_OP_DIRTY / GET_DIRTY_BITMAP
// through the byte interface against a plain set of dirty pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IovaBitmap } from '../reference/iova_bitmap.ts';
import { Task } from '../reference/task.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';
import { K, session, testCmd } from './ioas_helpers.ts';

const RW = PROT_READ | PROT_WRITE;

function bitsAt(task: Task, at: number, nbits: number): number[] {
  const bytes = new Uint8Array(Math.ceil(nbits / 8));
  assert.equal(task.mm.copyFrom(at, bytes), 0);
  const out: number[] = [];
  for (let k = 0; k < nbits; k++) if ((bytes[k >> 3]! >> (k & 7)) & 1) out.push(k);
  return out;
}

test('bits land relative to the range start, at any bitmap address', () => {
  const task = new Task();
  const at = task.mm.mmap(2 * 4096, RW) + 0xff1;
  const b = new IovaBitmap(task, 0x100000n, 64n * 4096n, 12, BigInt(at));
  b.set(0x100000n, 4096n);
  b.set(0x100000n + 9n * 4096n, 3n * 4096n);
  assert.deepEqual(bitsAt(task, at, 64), [0, 9, 10, 11]);
});

test('a range past the end of the bitmap sets bits past its last one, within the pinned pages', () => {
  const task = new Task();
  const at = task.mm.mmap(4096, RW);
  const b = new IovaBitmap(task, 0n, 2048n, 11, BigInt(at));
  b.set(0n, 4096n);
  assert.deepEqual(bitsAt(task, at, 8), [0, 1]);
  // A range before the bitmap's iova is dropped.
  const c = new IovaBitmap(task, 0x1000n, 0x1000n, 11, BigInt(at + 8));
  c.set(0n, 0x2000n);
  assert.deepEqual(bitsAt(task, at + 8, 8), []);
});

test('an unwritable bitmap loses the bits silently; a half-mapped one keeps what fits', () => {
  const task = new Task();
  const ro = task.mm.mmap(4096, PROT_READ);
  new IovaBitmap(task, 0n, 4096n * 8n, 0, BigInt(ro)).set(0n, 10n);
  assert.deepEqual(bitsAt(task, ro, 16), []);
  const two = task.mm.mmap(2 * 4096, RW);
  assert.equal(task.mm.munmap(two + 4096, 4096), 0);
  // One bit per byte of IOVA: 8 Ki bytes of IOVA per bitmap page.
  const b = new IovaBitmap(task, 0n, 2n * 32768n, 0, BigInt(two));
  b.set(32760n, 16n);
  assert.deepEqual(bitsAt(task, two + 4095, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('a bitmap larger than one window is pinned window by window', () => {
  const task = new Task();
  // 4 MiB of bitmap (two windows of 512 pages) at one bit per byte of IOVA.
  const bytes = 4 * 1024 * 1024;
  const at = task.mm.mmap(bytes, RW);
  const b = new IovaBitmap(task, 0n, BigInt(bytes * 8), 0, BigInt(at));
  const far = BigInt(bytes * 8 - 5);
  b.set(far, 2n);
  b.set(3n, 1n);
  assert.deepEqual(bitsAt(task, at, 8), [3]);
  assert.deepEqual(bitsAt(task, at + bytes - 1, 8).map((k) => k + (bytes - 1) * 8), [bytes * 8 - 5, bytes * 8 - 4]);
});

const ENABLE = Number(K('IOMMU_HWPT_DIRTY_TRACKING_ENABLE'));
const NO_CLEAR = Number(K('IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR'));
const START = K('MOCK_APERTURE_START');
const PAGES = 64;

/** An IOAS with huge pages off, PAGES pages mapped at START into a HWPT with dirty tracking on. */
function dirtySetup() {
  const s = session();
  const ioas = s.ioas();
  assert.equal(s.call('IOMMU_OPTION', { option_id: Number(K('IOMMU_OPTION_HUGE_PAGES')), op: Number(K('IOMMU_OPTION_OP_SET')), object_id: ioas, val64: 0n }).rc, 0);
  const dev = testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', ioas);
  assert.equal(dev.rc, 0);
  assert.equal(s.map(ioas, s.buffer(PAGES), PAGES * 4096, START).rc, 0);
  const alloc = s.call('IOMMU_HWPT_ALLOC', { dev_id: Number(dev.get('mock_domain.out_idev_id')), pt_id: ioas, flags: Number(K('IOMMU_HWPT_ALLOC_DIRTY_TRACKING')) });
  assert.equal(alloc.rc, 0);
  const hwpt = Number(alloc.get('out_hwpt_id'));
  assert.equal(s.call('IOMMU_HWPT_SET_DIRTY_TRACKING', { hwpt_id: hwpt, flags: ENABLE }).rc, 0);
  const bits = s.p.mm.mmap(4096, RW);
  return { s, hwpt, bits };
}

test('model: marks and reads over random ranges agree with a set of dirty pages', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('mark' as const), pages: fc.uniqueArray(fc.integer({ min: 0, max: PAGES * 2 - 1 }), { maxLength: 6 }) }),
    fc.record({ kind: fc.constant('read' as const), first: fc.integer({ min: 0, max: PAGES - 1 }), n: fc.integer({ min: 1, max: PAGES }), noClear: fc.boolean() }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
    const { s, hwpt, bits } = dirtySetup();
    const dirty = new Set<number>();
    for (const o of ops) {
      if (o.kind === 'mark') {
        // Mock pages of 2 KiB: each marks the PAGE_SIZE IOPTE holding it, where one is mapped.
        const map = new Uint8Array(PAGES * 2 / 8);
        for (const m of o.pages) map[m >> 3]! |= 1 << (m & 7);
        s.p.mm.copyTo(bits, map);
        const r = testCmd(s, 'IOMMU_TEST_OP_DIRTY', hwpt, 'dirty', { iova: START, length: BigInt(PAGES * 4096), page_size: 2048n, uptr: BigInt(bits) });
        assert.equal(r.rc, 0);
        assert.equal(Number(r.get('dirty.out_nr_dirty')), o.pages.length);
        for (const m of o.pages) dirty.add(m >> 1);
        continue;
      }
      const n = Math.min(o.n, PAGES - o.first);
      s.p.mm.copyTo(bits, new Uint8Array(16));
      const r = s.call('IOMMU_HWPT_GET_DIRTY_BITMAP', {
        hwpt_id: hwpt, flags: o.noClear ? NO_CLEAR : 0, iova: START + BigInt(o.first * 4096), length: BigInt(n * 4096), page_size: 4096n, data: BigInt(bits),
      });
      assert.equal(r.rc, 0);
      const want = [...dirty].filter((p) => p >= o.first && p < o.first + n).map((p) => p - o.first).sort((a, b) => a - b);
      assert.deepEqual(bitsAt(s.p.task, bits, PAGES), want);
      if (!o.noClear) for (const p of want) dirty.delete(p + o.first);
    }
  }), { numRuns: 60 });
});

test('unmapping an area drops its dirty IOPTEs; a new mapping there starts clean', () => {
  const { s, hwpt, bits } = dirtySetup();
  s.p.mm.copyTo(bits, new Uint8Array([0xff]));
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_DIRTY', hwpt, 'dirty', { iova: START, length: 8n * 2048n, page_size: 2048n, uptr: BigInt(bits) }).rc, 0);
  const ioas = 1;
  assert.equal(s.unmap(ioas, START, BigInt(PAGES * 4096)).rc, 0);
  assert.equal(s.map(ioas, s.buffer(PAGES), PAGES * 4096, START).rc, 0);
  s.p.mm.copyTo(bits, new Uint8Array(8));
  const r = s.call('IOMMU_HWPT_GET_DIRTY_BITMAP', { hwpt_id: hwpt, iova: START, length: BigInt(PAGES * 4096), page_size: 4096n, data: BigInt(bits) });
  assert.equal(r.rc, 0);
  assert.deepEqual(bitsAt(s.p.task, bits, PAGES), []);
});
