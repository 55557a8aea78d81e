// MAP_HUGETLB through the backend interface on the engine: whole 2 MiB pages
// from a 2 MiB boundary, anonymous memory only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceBackend } from '../harness/backend/reference.ts';
import { MAP_HUGETLB, PROT_READ, PROT_WRITE, type Backend } from '../harness/backend/interface.ts';

const RW = PROT_READ | PROT_WRITE;
const HUGE = 2n << 20n;

test('a hugetlb mapping starts on a huge page and covers whole ones', async () => {
  const b: Backend = new ReferenceBackend();
  await b.init();
  await b.mmap(0x1000n, RW);
  const m = await b.mmap(0x1000n, RW, undefined, undefined, MAP_HUGETLB);
  assert.equal(m.errno, 0);
  assert.equal(m.addr! % HUGE, 0n);
  assert.equal((await b.memWrite(m.addr! + HUGE - 1n, new Uint8Array([1]))).errno, 0, 'the whole huge page is there');
  const next = await b.mmap(0x1000n, RW);
  assert.ok(next.addr! >= m.addr! + HUGE);
});

test('MAP_HUGETLB on a memfd, or another flag, is refused', async () => {
  const b: Backend = new ReferenceBackend();
  await b.init();
  const fd = (await b.memfdCreate('f')).ret;
  assert.equal((await b.ftruncate(fd, 0x1000n)).errno, 0);
  assert.equal((await b.mmap(0x1000n, RW, fd, 0n, MAP_HUGETLB)).errno, 22);
  assert.equal((await b.mmap(0x1000n, RW, undefined, undefined, 1)).errno, 22);
});
