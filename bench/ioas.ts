// IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP through the byte interface (structs
// encoded from spec/ in user memory, Process.ioctl) with 1k .. 1M live areas
// of one page at random fixed IOVAs, against the floor: the bare interval
// tree inserting and removing the same keys. Also heap bytes per live area.
// Run: npm run bench:ioas [-- SIZES...]   (node --expose-gc)
import { loadSpec } from '../spec/loader/load.ts';
import { encode } from '../harness/codec/codec.ts';
import { IntervalTree } from '../reference/interval_tree.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

const spec = loadSpec();
const K = (n: string) => spec.constants.get(n)!.value;
const PAGE = 4096;
const BASE = 2 ** 32;
/** The IOVA of a slot as u32 halves, as a C caller would store it (and as the tree keeps it). */
const hiOf = (slot: number) => Math.floor((BASE + slot * PAGE) / 2 ** 32);
const loOf = (slot: number) => (BASE + slot * PAGE) >>> 0;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) { console.error('run node with --expose-gc'); process.exit(1); }

/** Random one-page slots across 4 slots per live area: which are mapped, and a list of them. */
class Slots {
  used: Uint8Array; live: Int32Array; n = 0; seed = 12345;
  constructor(readonly count: number) { this.used = new Uint8Array(count * 4); this.live = new Int32Array(count + 1); }
  rnd(m: number): number { let x = this.seed; x ^= x << 13; x ^= x >>> 17; x ^= x << 5; this.seed = x >>> 0; return this.seed % m; }
  take(): number { let s; do s = this.rnd(this.used.length); while (this.used[s]); this.used[s] = 1; this.live[this.n++] = s; return s; }
  drop(): number { const i = this.rnd(this.n); const s = this.live[i]!; this.live[i] = this.live[--this.n]!; this.used[s] = 0; return s; }
}

/** Rounds per measurement: the median of them is reported (this machine's timings vary by ±10 % from run to run). */
const ROUNDS = 5;
function median(rounds: number, body: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < rounds; r++) { const t0 = process.hrtime.bigint(); body(); t.push(Number(process.hrtime.bigint() - t0)); }
  return t.sort((a, b) => a - b)[rounds >> 1]!;
}

function heap(): number { gc!(); gc!(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; }

function engine(size: number, ops: number) {
  const p = new Process();
  const fd = p.open('/dev/iommu');
  const arg = p.mm.mmap(PAGE, PROT_READ | PROT_WRITE);
  const buf = p.mm.mmap(PAGE, PROT_READ | PROT_WRITE);
  const alloc = encode(spec.structs.get('iommu_ioas_alloc')!, {});
  p.mm.copyTo(arg, alloc);
  p.ioctl(fd, spec.ioctls.get('IOMMU_IOAS_ALLOC')!.request, arg);
  const MAP = spec.ioctls.get('IOMMU_IOAS_MAP')!.request, UNMAP = spec.ioctls.get('IOMMU_IOAS_UNMAP')!.request;
  const flags = Number(K('IOMMU_IOAS_MAP_FIXED_IOVA') | K('IOMMU_IOAS_MAP_READABLE') | K('IOMMU_IOAS_MAP_WRITEABLE'));
  const mapS = encode(spec.structs.get('iommu_ioas_map')!, { ioas_id: 1, flags, user_va: buf, length: PAGE, iova: 0 });
  const unmapS = encode(spec.structs.get('iommu_ioas_unmap')!, { ioas_id: 1, length: PAGE, iova: 0 });
  const mapIova = new DataView(mapS.buffer), unmapIova = new DataView(unmapS.buffer);
  const mapOff = spec.structs.get('iommu_ioas_map')!.byName.get('iova')!.offset;
  const unmapOff = spec.structs.get('iommu_ioas_unmap')!.byName.get('iova')!.offset;
  const slots = new Slots(size);
  const map = (slot: number) => {
    mapIova.setUint32(mapOff, loOf(slot), true); mapIova.setUint32(mapOff + 4, hiOf(slot), true);
    p.mm.copyTo(arg, mapS);
    if (p.ioctl(fd, MAP, arg)) throw new Error('map failed');
  };
  const unmap = (slot: number) => {
    unmapIova.setUint32(unmapOff, loOf(slot), true); unmapIova.setUint32(unmapOff + 4, hiOf(slot), true);
    p.mm.copyTo(arg, unmapS);
    const rc = p.ioctl(fd, UNMAP, arg);
    if (rc) throw new Error(`unmap failed: ${rc} slot ${slot}`);
  };
  const h0 = heap();
  for (let i = 0; i < size; i++) map(slots.take());
  const perArea = (heap() - h0) / size;
  for (let i = 0; i < Math.min(ops, 20_000); i++) { map(slots.take()); unmap(slots.drop()); }
  const ns = median(ROUNDS, () => { for (let i = 0; i < ops; i++) { map(slots.take()); unmap(slots.drop()); } }) / (2 * ops);
  p.exit();
  return { ns, perArea };
}

function floor(size: number, ops: number): number {
  const tree = new IntervalTree();
  const slots = new Slots(size);
  const ids = new Int32Array(size * 4);
  // The tree's own form of a key: u32 halves, no bigint (a page never crosses a 2^32 boundary).
  const ins = (s: number) => { ids[s] = tree.insertHL(hiOf(s), loOf(s), hiOf(s), loOf(s) + PAGE - 1); };
  for (let i = 0; i < size; i++) ins(slots.take());
  for (let i = 0; i < Math.min(ops, 20_000); i++) { ins(slots.take()); tree.remove(ids[slots.drop()]!); }
  return median(ROUNDS, () => { for (let i = 0; i < ops; i++) { ins(slots.take()); tree.remove(ids[slots.drop()]!); } }) / (2 * ops);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[] = [];
for (const size of sizes.length ? sizes : [1_000, 10_000, 100_000, 1_000_000]) {
  const ops = Number(process.env.OPS ?? (size >= 1_000_000 ? 50_000 : 100_000));
  const f = floor(size, ops);
  const e = engine(size, ops);
  rows.push(`| ${size.toLocaleString('en')} | ${(1e9 / e.ns / 1e3).toFixed(0)}k | ${e.ns.toFixed(0)} | ${f.toFixed(0)} | ${(e.ns / f).toFixed(2)} | ${e.perArea.toFixed(0)} |`);
  console.error(`measured ${size}`);
}
console.log('| live areas | MAP+UNMAP ioctls/s | ns/ioctl | floor ns/op | ratio | heap B/area |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
