// The attach engine (reference/device_attach.ts) driven directly: PASID
// attachments on HWPTs marked PASID-compatible or dirty-tracking (as
// IOMMU_HWPT_ALLOC will make them), reference counts, failure injection at
// every allocation point of attach and replace, and the file's teardown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IommufdCtx } from '../reference/context.ts';
import { FailNth } from '../reference/fail.ts';
import { IoasObject } from '../reference/ioas.ts';
import { HwptPagingObject } from '../reference/hw_pagetable.ts';
import { NO_DIRTY, PASID_CAPABLE, bind, type DeviceObject } from '../reference/device.ts';
import { deviceAttach, deviceDetach, deviceReplace } from '../reference/device_attach.ts';
import { E, K } from './ioas_helpers.ts';

type Flagged = HwptPagingObject & { pasidCompat?: boolean; dirtyTracking?: boolean };

function setup() {
  const ctx = new IommufdCtx(new FailNth());
  const ioas = new IoasObject(ctx);
  assert.equal(ctx.objects.reserve(ioas), 0);
  ctx.objects.finalize(ioas);
  /** A manual paging HWPT of the IOAS, as IOMMU_HWPT_ALLOC makes one. */
  const hwpt = (marks: { pasidCompat?: boolean; dirtyTracking?: boolean } = {}): Flagged => {
    const h = Object.assign(new HwptPagingObject(ctx, ioas), marks) as Flagged;
    assert.equal(ctx.objects.reserve(h), 0);
    assert.equal(h.link(), 0);
    ctx.objects.finalize(h);
    return h;
  };
  const device = (flags = 0): DeviceObject => {
    const d = bind(ctx, flags);
    assert.ok(typeof d !== 'number');
    return d;
  };
  return { ctx, ioas, hwpt, device };
}

test('a PASID attaches only to a PASID-compatible HWPT while the device itself is on one too', () => {
  const { ctx, ioas, hwpt, device } = setup();
  const dev = device(PASID_CAPABLE);
  const s2 = hwpt({ pasidCompat: true }), plain = hwpt();
  assert.equal(deviceAttach(ctx, dev, 0, ioas.id) > 0, true);
  assert.equal(deviceAttach(ctx, dev, 100, s2.id), E('EINVAL'), 'the device is on an automatic domain');
  assert.equal(deviceReplace(ctx, dev, 0, s2.id), s2.id);
  assert.equal(deviceAttach(ctx, dev, 100, plain.id), E('EINVAL'));
  assert.equal(deviceAttach(ctx, dev, 100, ioas.id), E('EINVAL'));
  assert.equal(deviceAttach(ctx, dev, 100, s2.id), s2.id);
  assert.equal(deviceAttach(ctx, dev, 100, s2.id), E('EBUSY'));
  assert.equal(deviceReplace(ctx, dev, 0, plain.id), E('EINVAL'), 'a PASID is attached');
  assert.equal(dev.hwptOf(0), s2);
  assert.equal(s2.users, 3);
  assert.equal(dev.users, 4, 'table, driver, two attachments');
  deviceDetach(ctx, dev, 100);
  assert.equal(deviceReplace(ctx, dev, 0, plain.id), plain.id);
  assert.equal(s2.users, 1);
});

test('PASID width, a device without PASIDs, and the mock PASID-1024 failure', () => {
  const { ctx, hwpt, device } = setup();
  const s2 = hwpt({ pasidCompat: true }), s2b = hwpt({ pasidCompat: true });
  const plain = device();
  assert.equal(deviceAttach(ctx, plain, 0, s2.id), s2.id);
  assert.equal(deviceAttach(ctx, plain, 1, s2.id), E('EINVAL'));
  const dev = device(PASID_CAPABLE);
  assert.equal(deviceAttach(ctx, dev, 0, s2.id), s2.id);
  const width = 2 ** Number(K('MOCK_PASID_WIDTH'));
  assert.equal(deviceAttach(ctx, dev, width, s2.id), E('EINVAL'));
  assert.equal(deviceAttach(ctx, dev, width - 1, s2.id), s2.id);
  const fake = Number(K('IOMMU_TEST_PASID_RESERVED'));
  assert.equal(deviceAttach(ctx, dev, fake, s2.id), s2.id);
  assert.equal(deviceReplace(ctx, dev, fake, s2b.id), E('ENOMEM'));
  assert.equal(dev.hwptOf(fake), s2);
  assert.equal(deviceReplace(ctx, dev, fake, s2b.id), s2b.id);
  deviceDetach(ctx, dev, fake);
  assert.equal(dev.pasidFakeError, false);
  assert.equal(deviceReplace(ctx, dev, 7, s2b.id), E('EINVAL'), 'not attached');
});

test('a device without dirty tracking refuses a dirty-tracking HWPT and keeps its own', () => {
  const { ctx, ioas, hwpt, device } = setup();
  const dirty = hwpt({ dirtyTracking: true });
  const nd = device(NO_DIRTY);
  assert.equal(deviceAttach(ctx, nd, 0, dirty.id), E('EINVAL'));
  assert.equal(nd.attached.size, 0);
  const auto = deviceAttach(ctx, nd, 0, ioas.id);
  assert.ok(auto > 0);
  assert.equal(deviceReplace(ctx, nd, 0, dirty.id), E('EINVAL'));
  assert.equal(nd.hwptOf(0)?.id, auto);
  assert.equal(deviceAttach(ctx, device(), 0, dirty.id), dirty.id);
});

test('every failed allocation of attach and replace leaves observe() unchanged', () => {
  for (const what of ['attach', 'replace', 'replace-hwpt', 'pasid'] as const) {
    for (let n = 1; ; n++) {
      const { ctx, ioas, hwpt, device } = setup();
      const dev = device(PASID_CAPABLE);
      const s2 = hwpt({ pasidCompat: true });
      const other = new IoasObject(ctx);
      ctx.objects.reserve(other); ctx.objects.finalize(other);
      if (what !== 'attach') assert.ok(deviceAttach(ctx, dev, 0, what === 'pasid' ? s2.id : ioas.id) > 0);
      const before = ctx.observe();
      ctx.fail.arm(n);
      const rc = what === 'attach' ? deviceAttach(ctx, dev, 0, ioas.id)
        : what === 'replace' ? deviceReplace(ctx, dev, 0, other.id)
          : what === 'replace-hwpt' ? deviceReplace(ctx, dev, 0, s2.id) : deviceAttach(ctx, dev, 5, s2.id);
      const reached = ctx.fail.passed >= n;
      ctx.fail.disarm();
      if (!reached) { assert.ok(rc > 0, `${what}: ${rc}`); break; }
      assert.equal(rc, E('ENOMEM'), `${what} n=${n}`);
      assert.equal(ctx.observe(), before, `${what} n=${n}`);
    }
  }
});

test('closing the file tears the graph down leaves first', () => {
  const { ctx, ioas, hwpt, device } = setup();
  const a = device(PASID_CAPABLE), b = device();
  const s2 = hwpt({ pasidCompat: true });
  assert.ok(deviceAttach(ctx, a, 0, ioas.id) > 0);
  assert.ok(deviceAttach(ctx, b, 0, ioas.id) > 0);
  assert.equal(deviceReplace(ctx, a, 0, s2.id), s2.id);
  assert.equal(deviceAttach(ctx, a, 3, s2.id), s2.id);
  // The bound devices are the driver's: its unbind (here by hand) detaches first.
  for (const d of [a, b]) { for (const p of [...d.attached.keys()]) deviceDetach(ctx, d, p); d.users--; }
  ctx.release();
  assert.equal(ctx.objects.count, 0);
  assert.equal(ioas.users, 0);
});

test('random device and PASID ops through the byte interface never throw, and detaching all PASIDs lets the file close clean', async () => {
  const { session, testCmd } = await import('./ioas_helpers.ts');
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const ops = ['IOMMU_TEST_OP_MOCK_DOMAIN', 'IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS', 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE',
    'IOMMU_TEST_OP_PASID_ATTACH', 'IOMMU_TEST_OP_PASID_REPLACE', 'IOMMU_TEST_OP_PASID_DETACH',
    'IOMMU_TEST_OP_PASID_CHECK_HWPT', 'IOMMU_TEST_OP_DEV_CHECK_CACHE'];
  for (let round = 0; round < 20; round++) {
    const s = session();
    s.ioas(); s.ioas();
    const pasids = [0, 1, 100, 1024, 2 ** 20];
    for (let i = 0; i < 200; i++) {
      const op = ops[rnd(ops.length)]!;
      const id = rnd(12);
      const r = op === 'IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS' ? testCmd(s, op, id, 'mock_domain_flags', { dev_flags: rnd(8) })
        : op === 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE' ? testCmd(s, op, id, 'mock_domain_replace', { pt_id: rnd(12) })
          : op === 'IOMMU_TEST_OP_DEV_CHECK_CACHE' ? testCmd(s, op, id, 'check_dev_cache', { id: rnd(5), cache: 0xbaddad })
            : testCmd(s, op, id, 'pasid_attach', { pasid: pasids[rnd(pasids.length)], pt_id: rnd(12) });
      assert.ok(r.rc <= 0, `${op}: ${r.rc}`);
      if (rnd(10) === 0) s.call('IOMMU_DESTROY', { id: rnd(12) });
    }
    // Selftest objects detach only their device: detach the PASIDs first, as a driver would.
    for (const obj of s.ctx().objects.all()) {
      if (obj.type !== 'SELFTEST') continue;
      for (const p of pasids) testCmd(s, 'IOMMU_TEST_OP_PASID_DETACH', obj.id, 'pasid_detach', { pasid: p });
    }
    const ctx = s.ctx();
    assert.equal(s.p.close(s.fd), 0);
    assert.equal(ctx.objects.count, 0, ctx.observe());
  }
});
