// The 2020 IOMMU UAPI profile: the engine's entry points (reference/legacy/),
// their failure injection, and the way to them through the backend interface,
// serve and the bridge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';
import { LEGACY_OPS, legacyDevice, legacyUapi } from '../reference/legacy/uapi.ts';
import { LEGACY_UAPI_OPS } from '../harness/backend/interface.ts';
import { ReferenceBackend } from '../harness/backend/reference.ts';
import { answer } from '../harness/backend/server.ts';
import { encode, nest, type FieldValue } from '../harness/codec/codec.ts';
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import { PROJECT_ROOT } from '../spec/loader/root.ts';
import { tempDir } from './helpers.ts';

const spec = loadSpec();
const errno = (n: string) => -spec.errno.get(n)!;

function bytesOf(struct: string, fields: Record<string, bigint | number | string>): Uint8Array {
  return encode(spec.structs.get(struct)!, nest(fields as Record<string, FieldValue>));
}

/** Calls op with bytes at the start of a fresh mapping of p. */
function call(p: Process, op: string, bytes: Uint8Array, vendor: 'mock' | 'bare' = 'mock'): number {
  const at = p.mm.mmap(Math.max(bytes.length, 4096), PROT_READ | PROT_WRITE);
  p.mm.copyTo(at, bytes);
  return legacyUapi(p, op, at, vendor);
}

const BIND = {
  version: 'IOMMU_GPASID_BIND_VERSION_1', format: 'IOMMU_PASID_FORMAT_INTEL_VTD', addr_width: 'ADDR_WIDTH_4LEVEL',
  flags: 'IOMMU_SVA_GPASID_VAL', hpasid: 100, gpasid: 7,
};
const bindBytes = (extra: Record<string, bigint | number | string> = {}) =>
  bytesOf('iommu_gpasid_bind_data', Object.fromEntries(Object.entries({ ...BIND, ...extra }).map(([k, v]) => [k, typeof v === 'string' ? constant(v) : v])));

test('the engine, the interface and the wire name the same operations', () => {
  assert.deepEqual([...LEGACY_OPS], [...LEGACY_UAPI_OPS]);
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'spec/protocol/wire-v1.schema.json'), 'utf8'));
  assert.deepEqual(schema.$defs.legacy_uapi_op.enum, [...LEGACY_UAPI_OPS]);
  assert.deepEqual(new ReferenceBackend().info.legacyUapi, [...LEGACY_UAPI_OPS]);
});

test('cache invalidation: the mandatory part, the granularity info, the kernel size', () => {
  const p = new Process();
  const info = (argsz: number, granularity: string, more: Record<string, bigint> = {}) => bytesOf('iommu_cache_invalidate_info', {
    argsz, version: 1, cache: constant('IOMMU_CACHE_INV_TYPE_IOTLB'), granularity: constant(granularity), ...more,
  });
  assert.equal(call(p, 'cache_invalidate', info(15, 'IOMMU_INV_GRANU_DOMAIN')), errno('EINVAL'));
  assert.equal(call(p, 'cache_invalidate', info(16, 'IOMMU_INV_GRANU_DOMAIN')), 0);
  assert.equal(call(p, 'cache_invalidate', info(31, 'IOMMU_INV_GRANU_PASID')), errno('EINVAL'));
  assert.equal(call(p, 'cache_invalidate', info(32, 'IOMMU_INV_GRANU_PASID')), 0);
  assert.equal(call(p, 'cache_invalidate', info(55, 'IOMMU_INV_GRANU_ADDR')), errno('EINVAL'));
  assert.equal(call(p, 'cache_invalidate', info(0xffffffff, 'IOMMU_INV_GRANU_ADDR')), 0);
  assert.equal(call(p, 'cache_invalidate', info(56, 'IOMMU_INV_GRANU_ADDR', { 'granu.addr_info.flags': 8n })), errno('EINVAL'));
  assert.equal(legacyDevice(p).invalidations, 3);
});

test('bind and unbind: generic checks, then the driver; the device state follows', () => {
  const p = new Process();
  assert.equal(call(p, 'sva_bind_gpasid', bindBytes({ argsz: 56 })), errno('EINVAL'), 'the driver needs its vendor data');
  assert.equal(call(p, 'sva_bind_gpasid', bindBytes()), 0);
  assert.equal(call(p, 'sva_bind_gpasid', bindBytes()), errno('EBUSY'));
  assert.equal(legacyDevice(p).observe(), 'bound [100->7] pending [] invalidations 0');
  assert.equal(call(p, 'sva_unbind_gpasid', bindBytes({ argsz: 56, format: 0 })), 0, 'an unbind asks only the generic checks');
  assert.equal(call(p, 'sva_unbind_gpasid', bindBytes()), errno('ENOENT'));
  assert.equal(call(p, 'sva_bind_gpasid', bindBytes(), 'bare'), errno('ENODEV'));
});

test('page responses answer the pending last request of their group', () => {
  const p = new Process();
  const fault = bytesOf('iommu_fault', {
    type: constant('IOMMU_FAULT_PAGE_REQ'), 'prm.flags': constant('IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE'), 'prm.grpid': 3,
  });
  const resp = bytesOf('iommu_page_response', { version: 1, grpid: 3 });
  assert.equal(call(p, 'page_response', resp), errno('EINVAL'));
  assert.equal(call(p, 'report_device_fault', fault), 0);
  assert.equal(legacyDevice(p).observe(), 'bound [] pending [3/0] invalidations 0');
  assert.equal(call(p, 'page_response', resp, 'bare'), errno('ENODEV'));
  assert.equal(call(p, 'page_response', resp), 0);
  assert.equal(legacyDevice(p).pending.length, 0);
});

test('an unknown operation or driver, or an address out of range, is an errno', () => {
  const p = new Process();
  assert.equal(legacyUapi(p, 'toString', 0x1000), errno('EINVAL'));
  assert.equal(legacyUapi(p, 'cache_invalidate', 0x1000, 'other' as 'mock'), errno('EINVAL'));
  // Every operation reads or writes its struct, with the mock driver's callbacks in place.
  for (const op of LEGACY_OPS) assert.equal(legacyUapi(p, op, -1), errno('EFAULT'), op);
});

test('no bytes make an entry point throw: every answer is 0 or a known errno', () => {
  const known = new Set(['EINVAL', 'EFAULT', 'ENOENT', 'EBUSY', 'ENODEV', 'ENOMEM'].map(errno));
  fc.assert(fc.property(
    fc.constantFrom(...LEGACY_OPS), fc.uint8Array({ maxLength: 96 }), fc.nat(4096), fc.constantFrom('mock' as const, 'bare' as const),
    (op, bytes, tail, vendor) => {
      const p = new Process();
      // The struct ends tail bytes before an unmapped page, so reads past it may fault.
      const at = p.mm.mmap(8192, PROT_READ | PROT_WRITE);
      p.mm.munmap(at + 4096, 4096);
      const place = at + 4096 - Math.min(bytes.length + tail, 4096);
      p.mm.copyTo(place, bytes.subarray(0, 4096));
      const rc = legacyUapi(p, op, place, vendor);
      assert.ok(rc === 0 || known.has(rc), `${op} answered ${rc}`);
    }), { numRuns: 3000 });
});

/** Runs op with the n-th allocation failing, until it runs without reaching one; returns how many fired. */
function sweep(op: string, setup: (p: Process) => void, bytes: () => Uint8Array): number {
  for (let n = 1; ; n++) {
    const p = new Process();
    setup(p);
    const before = legacyDevice(p).observe();
    p.fail.arm(n);
    const rc = call(p, op, bytes());
    const fired = p.fail.passed >= n;
    p.fail.disarm();
    if (!fired) { assert.equal(rc, 0, `${op} without injection`); return n - 1; }
    assert.equal(rc, errno('ENOMEM'), `${op} with allocation ${n} failing`);
    assert.equal(legacyDevice(p).observe(), before, `${op} with allocation ${n} failing left the device changed`);
  }
}

test('failure injection: a bind or a fault report whose allocation fails changes nothing', () => {
  assert.equal(sweep('sva_bind_gpasid', () => {}, () => bindBytes()), 2, 'the svm and its device entry');
  assert.equal(sweep('sva_bind_gpasid', (p) => { call(p, 'sva_bind_gpasid', bindBytes({ hpasid: 5 })); }, () => bindBytes()), 2);
  const fault = () => bytesOf('iommu_fault', { type: constant('IOMMU_FAULT_PAGE_REQ'), 'prm.flags': constant('IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE') });
  assert.equal(sweep('report_device_fault', () => {}, fault), 1);
  // The other operations allocate nothing.
  assert.equal(sweep('nesting_features', () => {}, () => new Uint8Array(4)), 0);
});

test('serve carries legacyUapi, and refuses one the schema does not allow', async () => {
  const b = new ReferenceBackend();
  const info = bytesOf('iommu_cache_invalidate_info', { version: 0, cache: 1 });
  const hex = Buffer.from(info).toString('hex');
  const ok = await answer(b, JSON.stringify({ seq: 1, cmd: 'legacyUapi', op: 'cache_invalidate', arg: { bytes: hex } }));
  assert.deepEqual(ok.reply, { seq: 1, ok: { ret: -1, errno: -errno('EINVAL'), bytes: hex } });
  const bare = await answer(b, JSON.stringify({ seq: 2, cmd: 'legacyUapi', op: 'cache_invalidate', vendor: 'bare', arg: { bytes: hex } }));
  assert.equal((bare.reply as { ok: { errno: number } }).ok.errno, -errno('ENODEV'));
  for (const bad of [{ op: 'ioctl' }, { op: 'page_response', vendor: 'intel' }, { op: 'page_response', arg: { value: '0x1' } }]) {
    const r = await answer(b, JSON.stringify({ seq: 3, cmd: 'legacyUapi', arg: { addr: '0x1000' }, ...bad }));
    assert.ok('errored' in r.reply, JSON.stringify(r.reply));
  }
});

const cc = process.env.CC ?? 'gcc';
const haveCc = spawnSync('sh', ['-c', `command -v ${cc}`], { stdio: 'ignore' }).status === 0;

test('the bridge answers legacyUapi skipped, and a malformed one errored', { skip: !haveCc && 'needs a C compiler' }, () => {
  const bin = join(tempDir('legacy-bridge-'), 'bridge');
  const src = readdirSync(join(PROJECT_ROOT, 'bridge')).filter((f) => f.endsWith('.c')).map((f) => join(PROJECT_ROOT, 'bridge', f));
  assert.ok(src.every(existsSync));
  const built = spawnSync(cc, ['-std=gnu11', '-O1', '-Wall', '-Wextra', '-Werror', '-o', bin, ...src], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const lines = [
    { seq: 1, cmd: 'start', version: 1 },
    { seq: 2, cmd: 'legacyUapi', op: 'sva_bind_gpasid', arg: { addr: '0x1000' } },
    { seq: 3, cmd: 'legacyUapi', op: 'page_response', vendor: 'bare', arg: { bytes: '00' } },
    { seq: 4, cmd: 'legacyUapi', op: 'bind', arg: { addr: '0x1000' } },
    { seq: 5, cmd: 'legacyUapi', op: 'page_response', arg: { value: '0x1' } },
    { seq: 6, cmd: 'stop' },
  ].map((l) => JSON.stringify(l)).join('\n');
  const r = spawnSync(bin, [], { input: `${lines}\n`, encoding: 'utf8' });
  const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(!('legacyUapi' in replies[0].ok.start), 'the bridge lists no legacyUapi operation');
  for (const i of [1, 2]) assert.match(replies[i].skipped.reason, /^not applicable: the 2020 IOMMU UAPI/);
  for (const i of [3, 4]) assert.ok(replies[i].errored, JSON.stringify(replies[i]));
});
