// The caller's memory: mappings that pointer fields refer to.
import { Given } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { PROT_READ, PROT_WRITE } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

async function map(w: IommufdWorld, n: number, prot: number): Promise<bigint> {
  const r = await w.backend.mmap(BigInt(n), prot);
  assert.ok(!r.errno && r.addr !== undefined, `mmap of ${n} bytes failed with ${w.errnoName(r.errno)}`);
  return r.addr;
}

Given('{int} bytes of user memory as {var}', async function (this: IommufdWorld, n: number, name: string) {
  this.vars.set(name, await map(this, n, PROT_READ | PROT_WRITE));
});

Given('{int} bytes of read-only user memory as {var}', async function (this: IommufdWorld, n: number, name: string) {
  this.vars.set(name, await map(this, n, PROT_READ));
});

Given('an unmapped user address as {var}', async function (this: IommufdWorld, name: string) {
  const addr = await map(this, 4096, PROT_READ | PROT_WRITE);
  const r = await this.backend.munmap(addr, 4096n);
  assert.equal(r.errno, 0, `munmap failed with ${this.errnoName(r.errno)}`);
  this.vars.set(name, addr);
});
