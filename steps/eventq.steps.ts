// read(2), write(2) and poll(2) on a file descriptor the scenario remembered
// (a fault queue's or a vEVENTQ's), and the records a read returned. A call
// here is the scenario's last call: "it succeeds", "it fails with E..." and
// "it returns N" speak of it as of an ioctl.
import assert from 'node:assert/strict';
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { encode, nest, readPath } from '../harness/codec/codec.ts';
import { EVENTQ_NAMES, tableRows } from '../harness/lint/vocabulary.ts';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
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

// --- Fault queues (IOMMU_FAULT_QUEUE_ALLOC) and the faults the mock device raises --------------

// $name is the fault queue object; $name_fd its file descriptor (EVENTQ_NAMES of the lint vocabulary).
Given('a fault queue as {var}', async function (this: IommufdWorld, name: string) {
  await callFields(this, 'IOMMU_FAULT_QUEUE_ALLOC', {});
  expectOk(this, 'allocating a fault queue');
  this.vars.set(name, outValue(this, 'out_fault_id'));
  this.vars.set(`${name}_fd`, outValue(this, EVENTQ_NAMES.fault!));
});

async function faultHwpt(w: IommufdWorld, fields: Record<string, string>, fault: string): Promise<void> {
  const flags = fields.flags ? `${fields.flags} | IOMMU_HWPT_FAULT_ID_VALID` : 'IOMMU_HWPT_FAULT_ID_VALID';
  const values = Object.fromEntries(Object.entries({ ...fields, flags, fault_id: fault }).map(([k, v]) => [k, w.value(v)]));
  await callFields(w, 'IOMMU_HWPT_ALLOC', values);
}

When('I allocate a nested HWPT for {var} on {var} from {value} bytes of {var} with faults to {value}',
  async function (this: IommufdWorld, idev: string, parent: string, len: string, data: string, fault: string) {
    await faultHwpt(this, { dev_id: idev, pt_id: parent, data_type: 'IOMMU_HWPT_DATA_SELFTEST', data_len: len, data_uptr: data }, fault);
  });

Given('a nested HWPT for {var} on {var} from {value} bytes of {var} with faults to {var} as {var}',
  async function (this: IommufdWorld, idev: string, parent: string, len: string, data: string, fault: string, name: string) {
    await faultHwpt(this, { dev_id: idev, pt_id: parent, data_type: 'IOMMU_HWPT_DATA_SELFTEST', data_len: len, data_uptr: data }, fault);
    expectOk(this, `allocating a nested HWPT with faults to ${fault}`);
    this.vars.set(name, outValue(this, 'out_hwpt_id'));
  });

Given('a paging HWPT for {var} on {var} with flags {value} and faults to {var} as {var}',
  async function (this: IommufdWorld, idev: string, ioas: string, flags: string, fault: string, name: string) {
    await faultHwpt(this, { dev_id: idev, pt_id: ioas, flags }, fault);
    expectOk(this, `allocating a paging HWPT with faults to ${fault}`);
    this.vars.set(name, outValue(this, 'out_hwpt_id'));
  });

async function triggerIopf(w: IommufdWorld, idev: string, pasid: string, grpid: string, perm: string, addr: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: w.value('IOMMU_TEST_OP_TRIGGER_IOPF'), 'trigger_iopf.dev_id': w.value(idev), 'trigger_iopf.pasid': w.value(pasid),
    'trigger_iopf.grpid': w.value(grpid), 'trigger_iopf.perm': w.value(perm), 'trigger_iopf.addr': w.value(addr),
  });
}

// IOMMU_TEST_OP_TRIGGER_IOPF: one page request, the last of its group.
When('the mock device {var} raises a page fault with PASID {value}, group {value}, permissions {value} at {value}',
  async function (this: IommufdWorld, idev: string, pasid: string, grpid: string, perm: string, addr: string) {
    await triggerIopf(this, idev, pasid, grpid, perm, addr);
  });

// The selftest's own fault: PASID 1, group 2, read and write, at 0xdeadbeaf.
Given('the mock device {var} raised a page fault', async function (this: IommufdWorld, idev: string) {
  await triggerIopf(this, idev, '1', '2', 'IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE', '0xdeadbeaf');
  expectOk(this, `raising a page fault on ${idev}`);
});

Given('the mock device {var} raised a page fault at {value}', async function (this: IommufdWorld, idev: string, addr: string) {
  await triggerIopf(this, idev, '1', '2', 'IOMMU_PGFAULT_PERM_READ', addr);
  expectOk(this, `raising a page fault on ${idev}`);
});

// A response of `code` for `cookie`, written as one record: what the selftest does after each fault.
When('I answer cookie {value} with {value} on {value}', async function (this: IommufdWorld, cookie: string, code: string, fd: string) {
  const bytes = encode(struct(this, 'iommu_hwpt_page_response'), nest({ cookie: this.value(cookie), code: this.value(code) }));
  record(this, `write(${fd})`, await this.backend.write(fdOf(this, fd), bytes));
});

When('I close {var}', async function (this: IommufdWorld, fd: string) {
  record(this, `close(${fd})`, await this.backend.close(fdOf(this, fd)));
});

// --- vEVENTQs (IOMMU_VEVENTQ_ALLOC) and the events the mock device reports ----------------------

async function veventqAlloc(w: IommufdWorld, type: string, depth: string, viommu: string): Promise<void> {
  await callFields(w, 'IOMMU_VEVENTQ_ALLOC', { viommu_id: w.value(viommu), type: w.value(type), veventq_depth: w.value(depth) });
}

When('I allocate a vEVENTQ of type {value} and depth {value} on {value}', async function (this: IommufdWorld, type: string, depth: string, viommu: string) {
  await veventqAlloc(this, type, depth, viommu);
});

// $name is the vEVENTQ object; $name_fd its file descriptor.
Given('a vEVENTQ of type {value} and depth {value} on {var} as {var}', async function (this: IommufdWorld, type: string, depth: string, viommu: string, name: string) {
  await veventqAlloc(this, type, depth, viommu);
  expectOk(this, `allocating a vEVENTQ on ${viommu}`);
  this.vars.set(name, outValue(this, 'out_veventq_id'));
  this.vars.set(`${name}_fd`, outValue(this, EVENTQ_NAMES.veventq!));
});

async function triggerVevent(w: IommufdWorld, idev: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', { op: w.value('IOMMU_TEST_OP_TRIGGER_VEVENT'), 'trigger_vevent.dev_id': w.value(idev) });
}

// IOMMU_TEST_OP_TRIGGER_VEVENT: one event of IOMMU_VEVENTQ_TYPE_SELFTEST with the device's virtual id.
When('the mock device {var} reports a vEVENT', async function (this: IommufdWorld, idev: string) {
  await triggerVevent(this, idev);
});

Given('the mock device {var} reported {int} vEVENT(s)', async function (this: IommufdWorld, idev: string, n: number) {
  for (let i = 0; i < n; i++) {
    await triggerVevent(this, idev);
    expectOk(this, `vEVENT ${i + 1} of ${n} on ${idev}`);
  }
});

Given('a nested HWPT for {var} on {var} from {value} bytes of {var} with flags {value} and faults to {var} as {var}',
  async function (this: IommufdWorld, idev: string, parent: string, len: string, data: string, flags: string, fault: string, name: string) {
    await faultHwpt(this, { dev_id: idev, pt_id: parent, flags, data_type: 'IOMMU_HWPT_DATA_SELFTEST', data_len: len, data_uptr: data }, fault);
    expectOk(this, `allocating a nested HWPT with faults to ${fault}`);
    this.vars.set(name, outValue(this, 'out_hwpt_id'));
  });
