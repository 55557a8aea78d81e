// Dispatch speed of the reference engine through the byte interface:
// ioctls per second for IOMMU_OPTION (GET), IOMMU_IOAS_ALLOC + IOMMU_DESTROY,
// and refused calls (unknown number, E2BIG tail). Run: npm run bench
import { loadSpec } from '../spec/loader/load.ts';
import { encode } from '../harness/codec/codec.ts';
import { extendNonZero } from '../harness/codec/variants.ts';
import { Process } from '../reference/process.ts';

const spec = loadSpec();
const p = new Process();
const fd = p.open('/dev/iommu');
const page = p.mm.mmap(4096, 3);
const R = (n: string) => spec.ioctls.get(n)!.request;

function place(b: Uint8Array): void { p.mm.copyTo(page, b); }

function measure(name: string, n: number, body: () => void, perIter = 1): void {
  for (let i = 0; i < Math.min(n, 10_000); i++) body(); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) body();
  const ns = Number(process.hrtime.bigint() - t);
  const calls = n * perIter;
  console.log(`${name.padEnd(40)} ${(calls / (ns / 1e9)).toFixed(0).padStart(10)} ioctls/s  ${(ns / calls).toFixed(0).padStart(6)} ns/ioctl`);
}

const N = Number(process.env.BENCH_N ?? 500_000);
const optGet = encode(spec.structs.get('iommu_option')!, { option_id: 0, op: 1 });
measure('IOMMU_OPTION get RLIMIT_MODE', N, () => { place(optGet); p.ioctl(fd, R('IOMMU_OPTION'), page); });

const alloc = encode(spec.structs.get('iommu_ioas_alloc')!, {});
const destroy = encode(spec.structs.get('iommu_destroy')!, { id: 1 });
measure('IOMMU_IOAS_ALLOC + IOMMU_DESTROY', N / 2, () => {
  place(alloc); p.ioctl(fd, R('IOMMU_IOAS_ALLOC'), page);
  place(destroy); p.ioctl(fd, R('IOMMU_DESTROY'), page);
}, 2);

measure('unknown number (ENOTTY)', N, () => { p.ioctl(fd, 0x3b99, page); });
const tail = extendNonZero(alloc, 64, 75);
measure('non-zero tail (E2BIG)', N, () => { place(tail); p.ioctl(fd, R('IOMMU_IOAS_ALLOC'), page); });
