// Attaching a mock device to an IOAS that already holds N one-page areas
// (IOMMU_TEST_OP_MOCK_DOMAIN, which makes the automatic domain and fills it
// with every area, then IOMMU_DESTROY of the device, which empties it again)
// through the byte interface, against the floor: walking the same N areas in
// the bare interval tree and counting a pin and an unpin per page. The fill
// is linear in N in the kernel too; what must not appear is a quadratic path,
// so the figure to read is ns per area, which must stay flat as N grows.
// Run: npm run bench:attach [-- SIZES...]
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import { encode } from '../harness/codec/codec.ts';
import { IntervalTree } from '../reference/interval_tree.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../spec/loader/constants.ts';

const spec = loadSpec();
const PAGE = 4096;
const APERTURE = Number(constant('MOCK_APERTURE_START'));
const ROUNDS = 5;

function median(body: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < ROUNDS; r++) { const t0 = process.hrtime.bigint(); body(); t.push(Number(process.hrtime.bigint() - t0)); }
  return t.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

/** A process with one IOAS holding n one-page areas at fixed IOVAs inside the mock aperture. */
function populated(n: number) {
  const p = new Process();
  const fd = p.open('/dev/iommu');
  const arg = p.mm.mmap(PAGE, PROT_READ | PROT_WRITE);
  const buf = p.mm.mmap(PAGE, PROT_READ | PROT_WRITE);
  const ioctl = (name: string, s: Uint8Array) => {
    p.mm.copyTo(arg, s);
    const rc = p.ioctl(fd, spec.ioctls.get(name)!.request, arg);
    if (rc < 0) throw new Error(`${name} failed: ${rc}`);
    const out = new Uint8Array(s.length);
    p.mm.copyFrom(arg, out, s.length);
    return out;
  };
  ioctl('IOMMU_IOAS_ALLOC', encode(spec.structs.get('iommu_ioas_alloc')!, {}));
  const flags = constant('IOMMU_IOAS_MAP_FIXED_IOVA') | constant('IOMMU_IOAS_MAP_READABLE') | constant('IOMMU_IOAS_MAP_WRITEABLE');
  for (let i = 0; i < n; i++) {
    ioctl('IOMMU_IOAS_MAP', encode(spec.structs.get('iommu_ioas_map')!, { ioas_id: 1, flags, user_va: buf, length: PAGE, iova: APERTURE + i * PAGE }));
  }
  const test = spec.structs.get('iommu_test_cmd')!;
  const mock = encode(test, { size: test.size, op: constant('IOMMU_TEST_OP_MOCK_DOMAIN'), id: 1 });
  const stdevAt = test.byName.get('mock_domain')!.offset;
  const attachDetach = () => {
    const out = ioctl('IOMMU_TEST_CMD', mock);
    const stdev = new DataView(out.buffer).getUint32(stdevAt, true);
    ioctl('IOMMU_DESTROY', encode(spec.structs.get('iommu_destroy')!, { id: stdev }));
  };
  return { p, attachDetach };
}

function floor(n: number, reps: number): number {
  const tree = new IntervalTree();
  const pins = new Uint32Array(n);
  for (let i = 0; i < n; i++) tree.insert(BigInt(APERTURE + i * PAGE), BigInt(APERTURE + i * PAGE + PAGE - 1));
  const walk = (delta: number) => {
    for (let id = tree.firstHL(0, 0, 0xffffffff, 0xffffffff), k = 0; id > 0; id = tree.nextHL(id, 0, 0, 0xffffffff, 0xffffffff), k++) pins[k]! += delta;
  };
  return median(() => { for (let r = 0; r < reps; r++) { walk(1); walk(-1); } }) / reps;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[] = [];
for (const n of sizes.length ? sizes : [1_000, 2_000, 10_000, 20_000, 100_000]) {
  const reps = Math.max(1, Math.round(200_000 / n));
  const { p, attachDetach } = populated(n);
  for (let r = 0; r < Math.min(reps, 20); r++) attachDetach();
  const ns = median(() => { for (let r = 0; r < reps; r++) attachDetach(); }) / reps;
  p.exit();
  const f = floor(n, reps);
  rows.push(`| ${n.toLocaleString('en')} | ${(ns / 1e3).toFixed(0)} | ${(ns / n).toFixed(0)} | ${(f / n).toFixed(0)} | ${(ns / f).toFixed(1)} |`);
  console.error(`measured ${n}`);
}
console.log('| areas | attach+detach µs | ns/area | floor ns/area | ratio |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
