// Failure injection: the n-th allocation point of a call fails; the call
// either succeeds or returns ENOMEM with nothing changed, for every n.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, session, testCmd } from './ioas_helpers.ts';
import { leaks } from '../reference/observe.ts';

type S = ReturnType<typeof session>;

/** Runs setup on a fresh session, then call with the n-th allocation failing, for n = 1.. until it passes all. */
function sweep(name: string, setup: (s: S) => unknown, call: (s: S, ctx: any) => number): void {
  let n = 1;
  for (;; n++) {
    const s = session();
    const ctx = setup(s);
    const before = s.ctx().observe(s.p.task);
    s.p.fail.arm(n);
    const rc = call(s, ctx);
    const passed = s.p.fail.passed;
    s.p.fail.disarm();
    if (rc === E('ENOMEM')) assert.equal(s.ctx().observe(s.p.task), before, `${name}: n=${n} left a trace`);
    else assert.equal(rc, 0, `${name}: n=${n}`);
    s.p.exit();
    assert.deepEqual(leaks(s.p), [], `${name}: n=${n} leaked`);
    if (passed < n) break;
  }
  assert.ok(n > 2, `${name}: only ${n - 1} allocation points`);
}

const withDomain = (s: S) => {
  const id = s.ioas();
  s.p.task.capIpcLock = false;
  assert.equal(s.map(id, s.buffer(2), 8192, 0x1000000n).rc, 0);
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', id).rc, 0);
  return { id, buf: s.buffer(4) };
};

test('IOMMU_IOAS_MAP with a domain attached', () => {
  sweep('MAP', withDomain, (s, c) => s.map(c.id, c.buf, 16384, 0x2000000n).rc);
});

test('IOMMU_TEST_OP_MOCK_DOMAIN over mapped areas', () => {
  sweep('MOCK_DOMAIN', (s) => {
    const id = s.ioas();
    s.map(id, s.buffer(2), 8192, 0x1000000n);
    s.map(id, s.buffer(1), 4096, 0x1100000n);
    return { id };
  }, (s, c) => testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', c.id).rc);
});

test('IOMMU_IOAS_COPY into a second IOAS with a domain', () => {
  sweep('COPY', (s) => {
    const c = withDomain(s);
    const dst = s.ioas();
    testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN', dst);
    return { ...c, dst };
  }, (s, c) => s.call('IOMMU_IOAS_COPY', {
    flags: Number(K('IOMMU_IOAS_MAP_FIXED_IOVA') | K('IOMMU_IOAS_MAP_READABLE')),
    dst_ioas_id: c.dst, src_ioas_id: c.id, length: 8192, src_iova: 0x1000000n, dst_iova: 0x1000000n,
  }).rc);
});

test('IOMMU_TEST_OP_CREATE_ACCESS then ACCESS_PAGES', () => {
  sweep('ACCESS', (s) => {
    const id = s.ioas();
    s.map(id, s.buffer(2), 8192, 0x10000n);
    return { id };
  }, (s, c) => {
    const ca = testCmd(s, 'IOMMU_TEST_OP_CREATE_ACCESS', c.id, 'create_access', { flags: 1 });
    if (ca.rc) return ca.rc;
    const fd = Number(ca.get('create_access.out_access_fd'));
    const rc = testCmd(s, 'IOMMU_TEST_OP_ACCESS_PAGES', fd, 'access_pages', { iova: 0x10000n, length: 8192 }).rc;
    // Only the second call is under test here: undo the first so the state compares.
    if (rc) s.p.close(fd);
    return rc;
  });
});
