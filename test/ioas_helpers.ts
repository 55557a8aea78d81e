// Helpers of the IOAS tests: ioctls through Process.ioctl with structs encoded from spec/.
import { loadSpec } from '../spec/loader/load.ts';
import { encode, readPath } from '../harness/codec/codec.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

export const spec = loadSpec();
export const E = (n: string) => -spec.errno.get(n)!;
export const K = (n: string) => spec.constants.get(n)!.value;
export const MAP_RW = Number(K('IOMMU_IOAS_MAP_READABLE') | K('IOMMU_IOAS_MAP_WRITEABLE'));
export const FIXED = Number(K('IOMMU_IOAS_MAP_FIXED_IOVA'));

export interface Call { rc: number; out: Uint8Array; get(field: string): number | bigint }

/** A process with /dev/iommu open, and its ioctls by name. */
export function session(p = new Process(), path = '/dev/iommu') {
  const fd = p.open(path);
  const scratch = p.mm.mmap(1 << 16, PROT_READ | PROT_WRITE);
  const call = (name: string, fields: Record<string, unknown> = {}): Call => {
    const def = spec.ioctls.get(name)!;
    const bytes = encode(def.struct!, fields as never);
    p.mm.copyTo(scratch, bytes);
    const rc = p.ioctl(fd, def.request, scratch);
    const out = new Uint8Array(bytes.length);
    p.mm.copyFrom(scratch, out);
    return { rc, out, get: (f: string) => readPath(def.struct!, out, f) as number | bigint };
  };
  const ioas = () => Number(call('IOMMU_IOAS_ALLOC').get('out_ioas_id'));
  /** Anonymous memory of n pages, each page filled with its index + 1. */
  const buffer = (pages: number, prot = PROT_READ | PROT_WRITE) => {
    const at = p.mm.mmap(pages * 4096, PROT_READ | PROT_WRITE);
    for (let i = 0; i < pages; i++) p.mm.copyTo(at + i * 4096, new Uint8Array(4096).fill(i + 1));
    if (prot !== (PROT_READ | PROT_WRITE)) p.mm.mprotect(at, pages * 4096, prot);
    return at;
  };
  const map = (ioas_id: number, user_va: number, length: number, iova?: bigint, flags = MAP_RW) =>
    call('IOMMU_IOAS_MAP', { ioas_id, user_va, length, iova: iova ?? 0n, flags: iova === undefined ? flags : flags | FIXED });
  const unmap = (ioas_id: number, iova: bigint, length: bigint) => call('IOMMU_IOAS_UNMAP', { ioas_id, iova, length });
  const ctx = () => p.iommufd(fd)!;
  return { p, fd, call, ioas, buffer, map, unmap, ctx };
}

/** IOMMU_TEST_CMD with op by name and a payload under its union member. */
export function testCmd(s: ReturnType<typeof session>, op: string, id: number, member?: string, payload: Record<string, unknown> = {}): Call {
  return s.call('IOMMU_TEST_CMD', { op: Number(K(op)), id, ...(member ? { [member]: payload } : {}) });
}

/** IOMMU_TEST_OP_MOCK_DOMAIN on an IOAS or HWPT: the new mock device's ids. */
export function mockDevice(s: ReturnType<typeof session>, pt: number): { idev: number; stdev: number; hwpt: number } {
  const md = testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', pt);
  const id = (f: string) => Number(md.get(`mock_domain.${f}`));
  return { idev: id('out_idev_id'), stdev: id('out_stdev_id'), hwpt: id('out_hwpt_id') };
}
