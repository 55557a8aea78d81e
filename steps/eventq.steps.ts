// read(2), write(2) and poll(2) on a file descriptor the scenario remembered
// (a fault queue's or a vEVENTQ's), and the records a read returned. A call
// here is the scenario's last call: "it succeeds", "it fails with E..." and
// "it returns N" speak of it as of an ioctl.
import assert from 'node:assert/strict';
import { Then, When, type DataTable } from '@cucumber/cucumber';
import { readPath } from '../harness/codec/codec.ts';
import { tableRows } from '../harness/lint/vocabulary.ts';
import type { IoctlDef, StructDef } from '../spec/loader/types.ts';
import type { SysResult } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

/** The bytes of each scenario's last read. */
const lastRead = new WeakMap<IommufdWorld, Uint8Array>();

/** Records the syscall as the last call, its name standing where an ioctl's would. */
function record(w: IommufdWorld, name: string, result: SysResult): void {
  w.calls.push({ ioctl: { name } as IoctlDef, result });
}

const fdOf = (w: IommufdWorld, fd: string) => Number(w.value(fd));
const count = (w: IommufdWorld, n: string) => Number(w.value(n));

When('I read {value} bytes from {value}', async function (this: IommufdWorld, n: string, fd: string) {
  const r = await this.backend.read(fdOf(this, fd), count(this, n));
  lastRead.set(this, r.bytes ?? new Uint8Array(0));
  record(this, `read(${fd})`, r);
});

When('I read {value} bytes from {value} into {value}', async function (this: IommufdWorld, n: string, fd: string, buf: string) {
  record(this, `read(${fd})`, await this.backend.read(fdOf(this, fd), count(this, n), { addr: this.value(buf) }));
});

When('I read {value} bytes from {value} at file position {value}', async function (this: IommufdWorld, n: string, fd: string, pos: string) {
  record(this, `pread(${fd})`, await this.backend.read(fdOf(this, fd), count(this, n), { offset: this.value(pos) }));
});

When('I write {value} bytes of {value} to {value}', async function (this: IommufdWorld, n: string, buf: string, fd: string) {
  const r = await this.backend.write(fdOf(this, fd), new Uint8Array(count(this, n)), { addr: this.value(buf) });
  record(this, `write(${fd})`, r);
});

When('I write {value} bytes of {value} to {value} at file position {value}', async function (this: IommufdWorld, n: string, buf: string, fd: string, pos: string) {
  const r = await this.backend.write(fdOf(this, fd), new Uint8Array(count(this, n)), { addr: this.value(buf), offset: this.value(pos) });
  record(this, `pwrite(${fd})`, r);
});

// poll(2) with a zero timeout: what is ready now.
Then('polling {value} for {value} reports {value}', async function (this: IommufdWorld, fd: string, events: string, want: string) {
  const r = await this.backend.poll(fdOf(this, fd), Number(this.value(events)), 0);
  assert.equal(r.errno, 0, `poll(${fd}) failed with ${this.errnoName(r.errno)}`);
  const expected = Number(this.value(want));
  assert.equal(r.revents ?? 0, expected, `poll(${fd}) reports revents 0x${(r.revents ?? 0).toString(16)}, expected ${want} (0x${expected.toString(16)})`);
  assert.equal(r.ret, expected ? 1 : 0, `poll(${fd}) returned ${r.ret}`);
});

function struct(w: IommufdWorld, name: string): StructDef {
  const def = w.spec.structs.get(name);
  if (!def) throw w.specError(`${name} is not a struct of spec/`);
  return def;
}

Then('the read returned {int} {word} record(s)', function (this: IommufdWorld, n: number, name: string) {
  const bytes = lastRead.get(this);
  assert.ok(bytes, 'nothing has been read');
  const size = struct(this, name).size;
  assert.equal(bytes.length, n * size, `the read returned ${bytes.length} bytes, expected ${n} ${name} records (${n * size} bytes)`);
});

/** Record `i` (from 1) of the last read, as a record of `name` at byte `at` when given. */
function recordBytes(w: IommufdWorld, def: StructDef, i: number, at?: number): Uint8Array {
  const bytes = lastRead.get(w);
  assert.ok(bytes, 'nothing has been read');
  const start = at ?? (i - 1) * def.size;
  assert.ok(start + def.size <= bytes.length, `the read returned ${bytes.length} bytes: no ${def.name} at byte ${start}`);
  return bytes.subarray(start, start + def.size);
}

function field(w: IommufdWorld, def: StructDef, bytes: Uint8Array, path: string): bigint {
  const v = readPath(def, bytes, path);
  if (v === undefined || typeof v === 'object') throw w.specError(`${path} is not a scalar field of ${def.name}`);
  return BigInt(v as number | bigint);
}

function expectFields(w: IommufdWorld, def: StructDef, bytes: Uint8Array, table: DataTable, what: string): void {
  for (const [path, expr] of tableRows(table.raw())) {
    const got = field(w, def, bytes, path);
    const want = w.value(expr);
    assert.equal(got, want, `${what}: ${path} is ${got} (0x${got.toString(16)}), expected ${expr} (${want})`);
  }
}

Then('{word} record {int} of the read has:', function (this: IommufdWorld, name: string, i: number, table: DataTable) {
  const def = struct(this, name);
  expectFields(this, def, recordBytes(this, def, i), table, `record ${i}`);
});

Then('the {word} at byte {int} of the read has:', function (this: IommufdWorld, name: string, at: number, table: DataTable) {
  const def = struct(this, name);
  expectFields(this, def, recordBytes(this, def, 0, at), table, `the ${name} at byte ${at}`);
});

Then('I remember {field} of {word} record {int} of the read as {var}', function (this: IommufdWorld, path: string, name: string, i: number, v: string) {
  const def = struct(this, name);
  this.vars.set(v, field(this, def, recordBytes(this, def, i), path));
});

Then('the read returned {int} bytes', function (this: IommufdWorld, n: number) {
  const bytes = lastRead.get(this);
  assert.equal(bytes?.length, n, `the read returned ${bytes?.length ?? 'nothing'} bytes, expected ${n}`);
});
