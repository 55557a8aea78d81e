// The caller's memory: mappings that pointer fields refer to.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { MAP_HUGETLB, MAP_PRIVATE, PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

async function map(w: IommufdWorld, n: number, prot: number, flags = 0): Promise<bigint> {
  const r = await w.backend.mmap(BigInt(n), prot, undefined, undefined, flags);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${n} bytes failed with ${w.errnoName(r.errno)}`);
  return r.addr;
}

Given('{value} bytes of user memory as {var}', async function (this: IommufdWorld, n: string, name: string) {
  this.vars.set(name, await map(this, Number(this.value(n)), PROT_READ | PROT_WRITE));
});

// MAP_HUGETLB: whole 2 MiB pages, each physically contiguous (the kernel under qemu boots with a pool of them).
Given('{value} bytes of huge-page user memory as {var}', async function (this: IommufdWorld, n: string, name: string) {
  this.vars.set(name, await map(this, Number(this.value(n)), PROT_READ | PROT_WRITE, MAP_HUGETLB));
});

// An address aligned to exactly what the scenario needs for IOVA placement: mapped with room to round up.
Given('{value} bytes of user memory aligned to {value} as {var}', async function (this: IommufdWorld, n: string, align: string, name: string) {
  const a = this.value(align);
  const addr = await map(this, Number(this.value(n) + a), PROT_READ | PROT_WRITE);
  this.vars.set(name, (addr + a - 1n) / a * a);
});

Given('{value} bytes of read-only user memory as {var}', async function (this: IommufdWorld, n: string, name: string) {
  this.vars.set(name, await map(this, Number(this.value(n)), PROT_READ));
});

Given('an unmapped user address as {var}', async function (this: IommufdWorld, name: string) {
  const addr = await map(this, 4096, PROT_READ | PROT_WRITE);
  const r = await this.backend.munmap(addr, 4096n);
  assert.equal(r.errno, 0, `munmap failed with ${this.errnoName(r.errno)}`);
  this.vars.set(name, addr);
});

/** Sizes of the memfds a scenario created, by name. */
const memfdSizes = new WeakMap<IommufdWorld, Map<string, bigint>>();

Given('a memfd of {value} bytes as {var}', async function (this: IommufdWorld, size: string, name: string) {
  const fd = await this.backend.memfdCreate('iommufd-conformance');
  assert.equal(fd.errno, 0, `memfd_create failed with ${this.errnoName(fd.errno)}`);
  const n = this.value(size);
  const r = await this.backend.ftruncate(fd.ret, n);
  assert.equal(r.errno, 0, `ftruncate failed with ${this.errnoName(r.errno)}`);
  this.vars.set(name, BigInt(fd.ret));
  if (!memfdSizes.has(this)) memfdSizes.set(this, new Map());
  memfdSizes.get(this)!.set(name, n);
});

async function mapMemfd(w: IommufdWorld, mfd: string, name: string, flags: number): Promise<void> {
  const size = memfdSizes.get(w)?.get(mfd);
  assert.ok(size !== undefined, `${mfd} is not a memfd of this scenario`);
  const r = await w.backend.mmap(size, PROT_READ | PROT_WRITE, Number(w.value(mfd)), 0n, flags);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${mfd} failed with ${w.errnoName(r.errno)}`);
  w.vars.set(name, r.addr);
}

Given('the memfd {var} mapped as {var}', async function (this: IommufdWorld, mfd: string, name: string) {
  await mapMemfd(this, mfd, name, 0);
});

// MAP_PRIVATE: copy-on-write, a page written through it becomes the process's own.
Given('the memfd {var} mapped privately as {var}', async function (this: IommufdWorld, mfd: string, name: string) {
  await mapMemfd(this, mfd, name, MAP_PRIVATE);
});

/** A byte value of a step, 0..255. */
function byteOf(w: IommufdWorld, expr: string): number {
  const b = Number(w.value(expr));
  assert.ok(b >= 0 && b <= 255, `${expr} is not a byte value`);
  return b;
}

When('I fill {value} bytes at {value} with {value}', async function (this: IommufdWorld, n: string, at: string, byte: string) {
  const bytes = new Uint8Array(Number(this.value(n))).fill(byteOf(this, byte));
  const r = await this.backend.memWrite(this.value(at), bytes);
  assert.equal(r.errno, 0, `writing ${at} failed with ${this.errnoName(r.errno)}`);
});

Then('the {value} bytes at {value} are all {value}', async function (this: IommufdWorld, n: string, at: string, byte: string) {
  const r = await this.backend.memRead(this.value(at), Number(this.value(n)));
  assert.ok(!r.errno && r.bytes, `reading ${at} failed with ${this.errnoName(r.errno)}`);
  const want = byteOf(this, byte);
  const i = r.bytes.findIndex((b) => b !== want);
  assert.equal(i, -1, `byte ${i} at ${at} is 0x${r.bytes[i]?.toString(16)}, expected ${byte}`);
});

// The page size of the backend's processes (its start reply): scenarios that count pages use it.
Given('the page size as {var}', function (this: IommufdWorld, name: string) {
  const size = this.backend.info.pageSize;
  assert.ok(size, `the backend ${this.backend.info.name} does not say its page size (start: pageSize)`);
  this.vars.set(name, BigInt(size));
});

// A length in whole pages of the backend: "a length of 4 pages as $len".
Given('a length of {int} page(s) as {var}', function (this: IommufdWorld, n: number, name: string) {
  const size = this.backend.info.pageSize;
  assert.ok(size, `the backend ${this.backend.info.name} does not say its page size (start: pageSize)`);
  this.vars.set(name, BigInt(n * size));
});

// --- Where an ioctl's argument lies: against an unmapped page, or in read-only memory.

function pageSize(w: IommufdWorld): number {
  const size = w.backend.info.pageSize;
  assert.ok(size, `the backend ${w.backend.info.name} does not say its page size (start: pageSize)`);
  return size;
}

/**
 * Calls the ioctl with its argument at the end of a mapped page, the last
 * `past` bytes on the unmapped page after it (0: it ends right before it);
 * read-only puts the mapped part in memory the caller may only read.
 */
async function callPlaced(w: IommufdWorld, ioctl: string, bytes: Uint8Array, past: number, readOnly: boolean): Promise<void> {
  assert.ok(past >= 0 && past < bytes.length, `${past} bytes past the page do not fit an argument of ${bytes.length}`);
  const page = pageSize(w);
  const m = await w.backend.mmap(BigInt(2 * page), PROT_READ | PROT_WRITE);
  assert.ok(!m.errno && m.addr !== undefined, `mmap failed with ${w.errnoName(m.errno)}`);
  const inPage = bytes.length - past;
  const at = m.addr + BigInt(page - inPage);
  const wr = await w.backend.memWrite(at, bytes.subarray(0, inPage));
  assert.equal(wr.errno, 0, `writing the argument failed with ${w.errnoName(wr.errno)}`);
  const un = await w.backend.munmap(m.addr + BigInt(page), BigInt(page));
  assert.equal(un.errno, 0, `munmap failed with ${w.errnoName(un.errno)}`);
  if (readOnly) {
    const pr = await w.backend.mprotect(m.addr, BigInt(page), PROT_READ);
    assert.equal(pr.errno, 0, `mprotect failed with ${w.errnoName(pr.errno)}`);
  }
  const def = w.ioctlDef(ioctl);
  const result = await w.backend.ioctl(w.fd(), def.request, { addr: at });
  // What the call left in the mapped part, for the steps that read fields back.
  const back = await w.backend.memRead(at, inPage);
  assert.ok(!back.errno && back.bytes, `reading the argument back failed with ${w.errnoName(back.errno)}`);
  w.calls.push({ ioctl: def, result: { ...result, bytes: back.bytes }, sent: bytes });
}

/** A zeroed argument of n bytes whose leading u32 says n. */
const zeroedArg = (n: number) => { const b = new Uint8Array(n); new DataView(b.buffer).setUint32(0, n, true); return b; };

When('I call {ioctl} with its last {int} byte(s) on an unmapped page, and:', async function (this: IommufdWorld, ioctl: string, past: number, table: DataTable) {
  await callPlaced(this, ioctl, this.encodeTable(this.ioctlDef(ioctl), table.raw()), past, false);
});

When('I call {ioctl} ending right before an unmapped page, with:', async function (this: IommufdWorld, ioctl: string, table: DataTable) {
  await callPlaced(this, ioctl, this.encodeTable(this.ioctlDef(ioctl), table.raw()), 0, false);
});

When('I call {ioctl} with a zeroed argument of {int} bytes, its last {int} on an unmapped page',
  async function (this: IommufdWorld, ioctl: string, n: number, past: number) {
    await callPlaced(this, ioctl, zeroedArg(n), past, false);
  });

When('I call {ioctl} with a zeroed argument of {int} bytes ending right before an unmapped page', async function (this: IommufdWorld, ioctl: string, n: number) {
  await callPlaced(this, ioctl, zeroedArg(n), 0, false);
});

When('I call {ioctl} in read-only memory with:', async function (this: IommufdWorld, ioctl: string, table: DataTable) {
  await callPlaced(this, ioctl, this.encodeTable(this.ioctlDef(ioctl), table.raw()), 0, true);
});
