// The caller's memory: mappings that pointer fields refer to.
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

async function map(w: IommufdWorld, n: number, prot: number): Promise<bigint> {
  const r = await w.backend.mmap(BigInt(n), prot);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${n} bytes failed with ${w.errnoName(r.errno)}`);
  return r.addr;
}

Given('{value} bytes of user memory as {var}', async function (this: IommufdWorld, n: string, name: string) {
  this.vars.set(name, await map(this, Number(this.value(n)), PROT_READ | PROT_WRITE));
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

Given('the memfd {var} mapped as {var}', async function (this: IommufdWorld, mfd: string, name: string) {
  const size = memfdSizes.get(this)?.get(mfd);
  assert.ok(size !== undefined, `${mfd} is not a memfd of this scenario`);
  const r = await this.backend.mmap(size, PROT_READ | PROT_WRITE, Number(this.value(mfd)), 0n);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${mfd} failed with ${this.errnoName(r.errno)}`);
  this.vars.set(name, r.addr);
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
