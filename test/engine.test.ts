import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpec } from '../spec/loader/load.ts';
import { encode, readPath } from '../harness/codec/codec.ts';
import { extendNonZero, extendZero, truncateTo } from '../harness/codec/variants.ts';
import { iommufd } from './helpers.ts';

const spec = loadSpec();
const E = (n: string) => -spec.errno.get(n)!;
const R = (n: string) => spec.ioctls.get(n)!.request;
const enc = (ioctl: string, obj: Record<string, unknown> = {}) => encode(spec.ioctls.get(ioctl)!.struct!, obj as never);
/** A field of an ioctl's struct in the bytes after the call. */
const out = (ioctl: string, bytes: Uint8Array, field: string) => readPath(spec.ioctls.get(ioctl)!.struct!, bytes, field);

test('generic dispatch: unknown number, unreadable pointer, short size, non-zero tail', () => {
  const { p, fd, call } = iommufd();
  assert.equal(call(0x3b99, new Uint8Array(16)).rc, E('ENOTTY'));
  assert.equal(call(0x3b7f, new Uint8Array(16)).rc, E('ENOTTY'));
  assert.equal(p.ioctl(fd, R('IOMMU_IOAS_ALLOC'), 0), E('EFAULT'));
  assert.equal(p.ioctl(fd, 0x3b99, 0), E('EFAULT'), 'inside the range the size is read first');
  assert.equal(p.ioctl(fd, 0x3ba1, 0), E('ENOTTY'), 'outside the range nothing is read');
  assert.equal(call(R('IOMMU_IOAS_ALLOC'), truncateTo(enc('IOMMU_IOAS_ALLOC'), 11)).rc, E('EINVAL'));
  assert.equal(call(R('IOMMU_IOAS_ALLOC'), extendNonZero(enc('IOMMU_IOAS_ALLOC'), 8, 19)).rc, E('E2BIG'));
  const ok = call(R('IOMMU_IOAS_ALLOC'), extendZero(enc('IOMMU_IOAS_ALLOC'), 8));
  assert.equal(ok.rc, 0);
  assert.equal(out('IOMMU_IOAS_ALLOC', ok.out, 'out_ioas_id'), 1);
});

test('a tail that runs into unmapped memory faults rather than being taken as zero', () => {
  const { p, fd } = iommufd();
  const at = p.mm.mmap(4096, 3);
  const b = enc('IOMMU_IOAS_ALLOC');
  new DataView(b.buffer).setUint32(0, 8192, true); // claims more than the mapping holds
  p.mm.copyTo(at, b);
  assert.equal(p.ioctl(fd, R('IOMMU_IOAS_ALLOC'), at), E('EFAULT'));
  assert.equal(p.iommufd(fd)?.objects.count, 0);
});

test('ids start at 1, are the lowest free ones, and a failed allocation leaves nothing', () => {
  const { p, fd, call } = iommufd();
  const alloc = () => call(R('IOMMU_IOAS_ALLOC'), enc('IOMMU_IOAS_ALLOC'));
  const id = (r: { out: Uint8Array }) => out('IOMMU_IOAS_ALLOC', r.out, 'out_ioas_id');
  assert.deepEqual([id(alloc()), id(alloc()), id(alloc())], [1, 2, 3]);
  assert.equal(call(R('IOMMU_DESTROY'), enc('IOMMU_DESTROY', { id: 2 })).rc, 0);
  assert.equal(call(R('IOMMU_DESTROY'), enc('IOMMU_DESTROY', { id: 2 })).rc, E('ENOENT'));
  assert.equal(id(alloc()), 2);
  p.fail.arm(1);
  assert.equal(alloc().rc, E('ENOMEM'));
  p.fail.disarm();
  assert.equal(call(R('IOMMU_IOAS_ALLOC'), enc('IOMMU_IOAS_ALLOC', { flags: 1 })).rc, E('EOPNOTSUPP'));
  const ctx = p.iommufd(fd);
  assert.equal(ctx?.objects.count, 3);
  assert.equal(id(alloc()), 4);
});

test('an IOAS whose id cannot be written back is aborted', () => {
  const { p, fd } = iommufd();
  const at = p.mm.mmap(4096, 3);
  p.mm.copyTo(at, enc('IOMMU_IOAS_ALLOC'));
  p.mm.mprotect(at, 4096, 1); // readable, not writable
  assert.equal(p.ioctl(fd, R('IOMMU_IOAS_ALLOC'), at), E('EFAULT'));
  const ctx = p.iommufd(fd);
  assert.equal(ctx?.objects.count, 0);
});

test('IOMMU_OPTION: RLIMIT_MODE and HUGE_PAGES', () => {
  const { call } = iommufd();
  const opt = (o: Record<string, unknown>) => call(R('IOMMU_OPTION'), enc('IOMMU_OPTION', o));
  const val = (r: { out: Uint8Array }) => out('IOMMU_OPTION', r.out, 'val64');
  assert.equal(val(opt({ option_id: 0, op: 1, val64: 7 })), 0n);
  assert.equal(opt({ option_id: 0, op: 0, val64: 1 }).rc, 0);
  assert.equal(val(opt({ option_id: 0, op: 1 })), 1n);
  assert.equal(opt({ option_id: 0, op: 0, val64: 2 }).rc, E('EINVAL'));
  assert.equal(opt({ option_id: 0, op: 1, object_id: 1 }).rc, E('EOPNOTSUPP'));
  assert.equal(opt({ option_id: 9, op: 1 }).rc, E('EOPNOTSUPP'));
  assert.equal(opt({ option_id: 0, op: 1, __reserved: 1 }).rc, E('EOPNOTSUPP'));
  assert.equal(opt({ option_id: 1, op: 1, object_id: 1 }).rc, E('ENOENT'));
  call(R('IOMMU_IOAS_ALLOC'), enc('IOMMU_IOAS_ALLOC'));
  assert.equal(opt({ option_id: 0, op: 0, val64: 0 }).rc, E('EBUSY'));
  assert.equal(val(opt({ option_id: 1, op: 1, object_id: 1 })), 1n);
  assert.equal(opt({ option_id: 1, op: 0, object_id: 1, val64: 0 }).rc, 0);
  assert.equal(val(opt({ option_id: 1, op: 1, object_id: 1 })), 0n);
});

test('user memory: protections, partial unmaps and memfd backing', () => {
  const { p } = iommufd();
  const a = p.mm.mmap(3 * 4096, 3);
  assert.equal(p.mm.copyTo(a + 4096, new Uint8Array([1, 2, 3])), 0);
  assert.equal(p.mm.munmap(a + 4096, 4096), 0);
  assert.equal(p.mm.copyFrom(a + 4096, new Uint8Array(1)), E('EFAULT'));
  assert.equal(p.mm.copyFrom(a + 8192, new Uint8Array(4096)), 0);
  assert.equal(p.mm.mprotect(a, 4096, 1), 0);
  assert.equal(p.mm.copyTo(a, new Uint8Array(1)), E('EFAULT'));
  const mfd = p.memfdCreate('m');
  assert.equal(p.ftruncate(mfd, 4096), 0);
  const m1 = p.mmap(4096, 3, mfd), m2 = p.mmap(4096, 1, mfd);
  p.mm.copyTo(m1, new Uint8Array([9]));
  const out = new Uint8Array(1);
  p.mm.copyFrom(m2, out);
  assert.equal(out[0], 9, 'two mappings of one memfd share its pages');
  assert.equal(p.mmap(8192, 3, mfd) > 0, true);
  assert.equal(p.ioctl(mfd, R('IOMMU_IOAS_ALLOC'), m1), E('ENOTTY'));
  assert.equal(p.ioctl(99, R('IOMMU_IOAS_ALLOC'), m1), E('EBADF'));
});
