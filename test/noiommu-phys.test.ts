// The physAddr process op (/proc/self/pagemap) on the reference engine, in
// process and through serve: a hugetlb page is one aligned physical run, plain
// pages and two hugetlb pages are never neighbours, and an address with
// nothing mapped has no page (ENOENT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createBackend } from '../harness/backend/index.ts';
import { MAP_HUGETLB, PROT_READ, PROT_WRITE, type Backend } from '../harness/backend/interface.ts';
import { HUGE_PAGE_SIZE, PAGE_SIZE } from '../reference/usermem.ts';

const root = join(import.meta.dirname, '..');
const HUGE = BigInt(HUGE_PAGE_SIZE), PAGE = BigInt(PAGE_SIZE);

async function phys(b: Backend, addr: bigint): Promise<bigint> {
  const r = await b.physAddr(addr);
  assert.equal(r.errno, 0);
  return r.addr!;
}

async function check(b: Backend): Promise<void> {
  const huge = (await b.mmap(2n * HUGE, PROT_READ | PROT_WRITE, undefined, 0n, MAP_HUGETLB)).addr!;
  const p = await phys(b, huge + 0x1234n);
  assert.equal(p % HUGE, 0x1234n);
  assert.equal(await phys(b, huge + HUGE - 1n), p - 0x1234n + HUGE - 1n);
  assert.notEqual(await phys(b, huge + HUGE), p - 0x1234n + HUGE);
  const plain = (await b.mmap(2n * PAGE, PROT_READ | PROT_WRITE)).addr!;
  const q = await phys(b, plain);
  assert.equal(q % PAGE, 0n);
  assert.notEqual(await phys(b, plain + PAGE), q + PAGE);
  assert.equal(await phys(b, plain), q, 'a page keeps its frame');
  assert.deepEqual(await b.munmap(plain, 2n * PAGE), { ret: 0, errno: 0 });
  assert.equal((await b.physAddr(plain)).errno, 2);
}

test('physAddr on the reference engine', async () => {
  const b = await createBackend('reference');
  await check(b);
  await b.dispose();
});

test('physAddr through serve and the process backend', async () => {
  const b = await createBackend(`cmd:${process.execPath} ${join(root, 'bin/iommufd-conform.mjs')} serve`);
  await b.init();
  try { await check(b); } finally { await b.dispose(); }
});
