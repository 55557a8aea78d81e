// IOMMU_HWPT_GET_DIRTY_BITMAP over N pages of which 1 % are dirty, through
// the byte interface: one area of N pages (huge-page mock table, to which the
// device moves from its automatic domain, so the range fits; huge pages off,
// so every page is one IOPTE), tracking on, the
// dirty pages marked by IOMMU_TEST_OP_DIRTY (not timed), the user bitmap
// zeroed (not timed), then reads with NO_CLEAR (a batch of them) and one read
// that clears them; the bitmap is checked after each.
// Against the floor: a bare loop that finds the same dirty IOPTEs in the
// engine's own dirty structure and sets their bits in a bitmap. The read
// must stay proportional to the range and the dirty count: ns per page
// must not grow with N, and the ratio to the floor must stay flat. Each time
// is the best of 9 rounds, each after a full collection.
// Run: npm run bench:dirty [-- LOG2SIZES...]
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import { encode } from '../harness/codec/codec.ts';
import type { HwptPagingObject } from '../reference/hw_pagetable.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../spec/loader/constants.ts';

const spec = loadSpec();
const PAGE = 4096;
const IOVA = 1n << 32n;
const ROUNDS = 9;
const RW = PROT_READ | PROT_WRITE;

/** The least disturbed of the rounds: on a shared machine the others include time other processes ran. */
function best(t: number[]): number { return Math.min(...t); }

/** A process with a HWPT tracking dirty pages over one area of n pages, and its calls. */
function setup(n: number) {
  const p = new Process();
  const fd = p.open('/dev/iommu');
  const arg = p.mm.mmap(PAGE, RW);
  const ioctl = (name: string, fields: Record<string, unknown>) => {
    const def = spec.ioctls.get(name)!;
    const s = encode(def.struct!, fields as never);
    p.mm.copyTo(arg, s);
    const rc = p.ioctl(fd, def.request, arg);
    if (rc < 0) throw new Error(`${name} failed: ${rc}`);
    const out = new Uint8Array(s.length);
    p.mm.copyFrom(arg, out, s.length);
    return new DataView(out.buffer);
  };
  /** An ioctl encoded once, for the timed calls: copy-in and the call only. */
  const prepared = (name: string, fields: Record<string, unknown>) => {
    const def = spec.ioctls.get(name)!;
    const bytes = encode(def.struct!, fields as never);
    return () => { p.mm.copyTo(arg, bytes); if (p.ioctl(fd, def.request, arg) < 0) throw new Error(`${name} failed`); };
  };
  const S = (name: string) => spec.structs.get(name)!;
  const off = (struct: string, path: string) => {
    const [m, f] = path.split('.');
    const mem = S(struct).byName.get(m!)!;
    return f ? mem.offset + mem.struct!.byName.get(f)!.offset : mem.offset;
  };
  const ioas = ioctl('IOMMU_IOAS_ALLOC', {}).getUint32(off('iommu_ioas_alloc', 'out_ioas_id'), true);
  ioctl('IOMMU_OPTION', { option_id: constant('IOMMU_OPTION_HUGE_PAGES'), op: constant('IOMMU_OPTION_OP_SET'), object_id: ioas, val64: 0n });
  const mock = ioctl('IOMMU_TEST_CMD', { size: S('iommu_test_cmd').size, op: constant('IOMMU_TEST_OP_MOCK_DOMAIN'), id: ioas });
  const idev = mock.getUint32(off('iommu_test_cmd', 'mock_domain.out_idev_id'), true);
  const cfg = p.mm.mmap(PAGE, RW);
  p.mm.copyTo(cfg, new Uint8Array([0, 0, 0, 0, Number(constant('MOCK_IOMMUPT_HUGE')), 0, 0, 0]));
  const hwpt = ioctl('IOMMU_HWPT_ALLOC', {
    dev_id: idev, pt_id: ioas, flags: constant('IOMMU_HWPT_ALLOC_DIRTY_TRACKING'),
    data_type: constant('IOMMU_HWPT_DATA_SELFTEST'), data_len: 8, data_uptr: BigInt(cfg),
  }).getUint32(off('iommu_hwpt_alloc', 'out_hwpt_id'), true);
  // The device moves to the new HWPT, so its automatic domain (and the mock aperture it reserves) goes.
  const stdev = mock.getUint32(off('iommu_test_cmd', 'mock_domain.out_stdev_id'), true);
  ioctl('IOMMU_TEST_CMD', { size: S('iommu_test_cmd').size, op: constant('IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE'), id: stdev, mock_domain_replace: { pt_id: hwpt } });
  ioctl('IOMMU_HWPT_SET_DIRTY_TRACKING', { hwpt_id: hwpt, flags: constant('IOMMU_HWPT_DIRTY_TRACKING_ENABLE') });
  const buf = p.mm.mmap(n * PAGE, RW);
  ioctl('IOMMU_IOAS_MAP', {
    ioas_id: ioas, user_va: buf, length: BigInt(n) * BigInt(PAGE), iova: IOVA,
    flags: constant('IOMMU_IOAS_MAP_FIXED_IOVA') | constant('IOMMU_IOAS_MAP_READABLE') | constant('IOMMU_IOAS_MAP_WRITEABLE'),
  });
  // 1 % of the pages, spread by a fixed pseudo-random sequence.
  const bytes = Math.ceil(n / 8);
  const marks = new Uint8Array(bytes);
  let x = 12345, dirty = 0;
  while (dirty < Math.max(1, Math.floor(n / 100))) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const k = x % n;
    if (marks[k >> 3]! & (1 << (k & 7))) continue;
    marks[k >> 3]! |= 1 << (k & 7);
    dirty++;
  }
  const markAt = p.mm.mmap(Math.max(bytes, PAGE), RW);
  p.mm.copyTo(markAt, marks);
  const bitmap = p.mm.mmap(Math.max(bytes, PAGE), RW);
  const zero = new Uint8Array(bytes);
  const length = BigInt(n) * BigInt(PAGE);
  const mark = prepared('IOMMU_TEST_CMD', {
    size: S('iommu_test_cmd').size, op: constant('IOMMU_TEST_OP_DIRTY'), id: hwpt,
    dirty: { iova: IOVA, length, page_size: BigInt(PAGE), uptr: BigInt(markAt) },
  });
  const get = (flags: bigint) => prepared('IOMMU_HWPT_GET_DIRTY_BITMAP', { hwpt_id: hwpt, flags, iova: IOVA, length, page_size: BigInt(PAGE), data: BigInt(bitmap) });
  const read = get(0n), peek = get(constant('IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR'));
  const check = () => {
    const got = new Uint8Array(bytes);
    p.mm.copyFrom(bitmap, got);
    if (got.some((b, i) => b !== marks[i])) throw new Error('the bitmap read is not the one marked');
  };
  const domain = p.iommufd(fd)!.objects.get<HwptPagingObject>(hwpt)!.domain;
  return { p, mark, read, peek, check, clear: () => p.mm.copyTo(bitmap, zero), domain, dirty, bytes };
}

/** The floor: the same dirty IOPTEs found in the engine's structure, their bits set in a plain bitmap. */
function floor(s: ReturnType<typeof setup>, reps: number): number {
  const bits = new Uint8Array(s.bytes);
  const last = IOVA + BigInt(s.bytes * 8 * PAGE) - 1n;
  return timed(reps, () => s.domain.dirty.read(IOVA, last, true, (first, len) => {
    const k0 = Number((first - IOVA) / BigInt(PAGE)), k1 = k0 + Number(len / BigInt(PAGE));
    for (let k = k0; k < k1; k++) bits[k >> 3]! |= 1 << (k & 7);
  }));
}

/**
 * ns per call of reps calls of fn, after a full collection: the heap holds a
 * pin per mapped page, and a major collection inside a timed call would
 * dwarf it (run with --expose-gc --single-threaded-gc, so that none of the
 * collection's work is left to run during the call).
 */
function timed(reps: number, fn: () => void): number {
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) fn();
  return Number(process.hrtime.bigint() - t0) / reps;
}

const logs = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[] = [];
for (const lg of logs.length ? logs : [10, 12, 14, 16, 18, 20]) {
  const n = 2 ** lg;
  const t0 = performance.now();
  const s = setup(n);
  const setupMs = performance.now() - t0;
  const reps = Math.max(1, Math.round(2 ** 16 / n));
  const reads: number[] = [], peeks: number[] = [], floors: number[] = [];
  // One round not counted: the first calls at a size run cold.
  for (let r = -1; r < ROUNDS; r++) {
    s.mark();
    floors.push(floor(s, reps));
    s.clear();
    peeks.push(timed(reps, s.peek));
    s.check();
    s.clear();
    reads.push(timed(1, s.read));
    s.check();
    if (process.env.DIRTY_BENCH_VERBOSE) console.error(`floor ${floors.at(-1)} peek ${peeks.at(-1)} read ${reads.at(-1)} ns`);
    if (r < 0) { reads.length = 0; peeks.length = 0; floors.length = 0; }
  }
  s.p.exit();
  const ns = best(reads), pk = best(peeks), f = best(floors);
  rows.push(`| 2^${lg} | ${s.dirty.toLocaleString('en')} | ${(pk / 1e3).toFixed(1)} | ${(ns / 1e3).toFixed(1)} | ${(ns / n).toFixed(1)} | ${(ns / s.dirty).toFixed(0)} | ${(f / 1e3).toFixed(1)} | ${(pk / f).toFixed(2)} | ${(ns / f).toFixed(2)} |`);
  console.error(`measured 2^${lg} (set-up ${setupMs.toFixed(0)} ms)`);
}
console.log('| pages | dirty | NO_CLEAR read µs | read µs | ns/page | ns/dirty page | floor µs | NO_CLEAR/floor | read/floor |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
