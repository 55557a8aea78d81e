import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { E, FIXED, K, MAP_RW, session } from './ioas_helpers.ts';

const U64_MAX = (1n << 64n) - 1n;

test('IOMMU_IOAS_MAP at a fixed IOVA, EEXIST on overlap, UNMAP by superset only', () => {
  const s = session();
  const id = s.ioas();
  const buf = s.buffer(4);
  assert.equal(s.map(id, buf, 8192, 0x10000n).rc, 0);
  assert.equal(s.map(id, buf, 4096, 0x11000n).rc, E('EEXIST'));
  assert.equal(s.map(id, buf, 8192, 0x12000n).rc, 0);
  assert.equal(s.unmap(id, 0x10000n, 4096n).rc, E('ENOENT'), 'the range cuts the first area');
  assert.equal(s.unmap(id, 0x20000n, 4096n).rc, E('ENOENT'), 'nothing mapped there');
  const r = s.unmap(id, 0x0n, 0x20000n);
  assert.equal(r.rc, 0);
  assert.equal(r.get('length'), 16384n);
  assert.equal(s.unmap(id, 0n, U64_MAX).rc, 0, 'unmap all of nothing succeeds');
  assert.equal(s.unmap(id, 0n, U64_MAX).get('length'), 0n);
});

test('IOMMU_IOAS_MAP argument checks in the kernel order', () => {
  const s = session();
  const id = s.ioas();
  const buf = s.buffer(1);
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: 8 | MAP_RW, user_va: buf, length: 4096 }).rc, E('EOPNOTSUPP'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: MAP_RW, __reserved: 1, user_va: buf, length: 4096 }).rc, E('EOPNOTSUPP'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: MAP_RW, user_va: buf, length: U64_MAX }).rc, E('EOVERFLOW'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: MAP_RW | FIXED, iova: U64_MAX, user_va: buf, length: 4096 }).rc, E('EOVERFLOW'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: FIXED, user_va: buf, length: 4096 }).rc, E('EINVAL'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: 99, flags: MAP_RW, user_va: buf, length: 4096 }).rc, E('ENOENT'));
  assert.equal(s.map(id, buf, 0).rc, E('EINVAL'));
  assert.equal(s.call('IOMMU_IOAS_MAP', { ioas_id: id, flags: MAP_RW, user_va: U64_MAX - 10n, length: 4096 }).rc, E('EOVERFLOW'));
  assert.equal(s.map(id, buf, 4096, U64_MAX - 4095n).rc, 0, 'the last page of the IOVA space');
  assert.equal(s.map(id, buf, 8192, U64_MAX - 4095n).rc, E('EOVERFLOW'));
});

test('without a domain nothing is pinned: a map of unmapped memory succeeds', () => {
  const s = session();
  const id = s.ioas();
  assert.equal(s.map(id, 0x1000, 4096, 0x4000n).rc, 0);
  assert.equal(s.p.task.pinnedVm, 0);
});

test('automatic IOVA: lowest fit from PAGE_SIZE, aligned like the address, inside allowed ranges, ENOSPC', () => {
  const s = session();
  const id = s.ioas();
  const buf = s.buffer(4);
  const a = s.map(id, buf, 4096);
  assert.equal(a.rc, 0);
  assert.equal(a.get('iova'), 4096n);
  const b = s.map(id, buf + 100, 100);
  assert.equal(b.get('iova'), 8192n + 100n, 'the page offset of the user address is kept');
  const ranges = s.p.mm.mmap(4096, 3);
  const dv = new DataView(new ArrayBuffer(16));
  dv.setBigUint64(0, 0x100000n, true); dv.setBigUint64(8, 0x101fffn, true);
  s.p.mm.copyTo(ranges, new Uint8Array(dv.buffer));
  assert.equal(s.call('IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: id, num_iovas: 1, allowed_iovas: ranges }).rc, 0);
  assert.equal(s.map(id, buf, 8192).get('iova'), 0x100000n);
  assert.equal(s.map(id, buf, 4096).rc, E('ENOSPC'));
});

test('IOMMU_IOAS_IOVA_RANGES: EMSGSIZE with the needed count, then the ranges', () => {
  const s = session();
  const id = s.ioas();
  const r0 = s.call('IOMMU_IOAS_IOVA_RANGES', { ioas_id: id, num_iovas: 0 });
  assert.equal(r0.rc, E('EMSGSIZE'));
  assert.equal(r0.get('num_iovas'), 1);
  assert.equal(r0.get('out_iova_alignment'), 1n);
  const at = s.p.mm.mmap(4096, 3);
  const r1 = s.call('IOMMU_IOAS_IOVA_RANGES', { ioas_id: id, num_iovas: 4, allowed_iovas: at });
  assert.equal(r1.rc, 0);
  assert.equal(r1.get('num_iovas'), 1);
  const out = new Uint8Array(16);
  s.p.mm.copyFrom(at, out);
  const dv = new DataView(out.buffer);
  assert.deepEqual([dv.getBigUint64(0, true), dv.getBigUint64(8, true)], [0n, U64_MAX]);
  assert.equal(s.call('IOMMU_IOAS_IOVA_RANGES', { ioas_id: id, num_iovas: 1, allowed_iovas: 8 }).rc, E('EFAULT'));
});

test('IOMMU_IOAS_ALLOW_IOVAS: ordering, overlap and replacement', () => {
  const s = session();
  const id = s.ioas();
  const at = s.p.mm.mmap(4096, 3);
  const put = (...r: [bigint, bigint][]) => {
    const dv = new DataView(new ArrayBuffer(16 * r.length));
    r.forEach(([a, b], i) => { dv.setBigUint64(16 * i, a, true); dv.setBigUint64(16 * i + 8, b, true); });
    s.p.mm.copyTo(at, new Uint8Array(dv.buffer));
    return s.call('IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: id, num_iovas: r.length, allowed_iovas: at }).rc;
  };
  assert.equal(put([10n, 10n]), E('EINVAL'), 'start must be below last');
  assert.equal(put([0n, 100n], [50n, 200n]), E('EINVAL'), 'overlapping ranges');
  assert.equal(put([0n, 100n], [101n, 200n]), 0);
  assert.equal(s.call('IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: id, num_iovas: 1, allowed_iovas: 8 }).rc, E('EFAULT'));
  assert.equal(s.call('IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: id, num_iovas: 1, allowed_iovas: at, __reserved: 1 }).rc, E('EOPNOTSUPP'));
  assert.equal(s.call('IOMMU_IOAS_ALLOW_IOVAS', { ioas_id: id, num_iovas: 0 }).rc, 0, 'an empty list clears');
  assert.equal(s.ctx().objects.get<any>(id).iopt.allowed.size, 0);
});

test('IOMMU_IOAS_COPY shares the pages of the source and checks write permission', () => {
  const s = session();
  const a = s.ioas(), b = s.ioas();
  const buf = s.buffer(2);
  assert.equal(s.map(a, buf, 8192, 0x10000n, Number(K('IOMMU_IOAS_MAP_READABLE'))).rc, 0);
  const copy = (f: Record<string, unknown>) => s.call('IOMMU_IOAS_COPY', { dst_ioas_id: b, src_ioas_id: a, length: 4096, src_iova: 0x11000n, dst_iova: 0x40000n, ...f });
  assert.equal(copy({ flags: MAP_RW | FIXED }).rc, E('EPERM'), 'read-only pages cannot be mapped writable');
  assert.equal(copy({ flags: 4 | FIXED, src_iova: 0x13000n }).rc, E('ENOENT'), 'source not mapped');
  assert.equal(copy({ flags: 4 | FIXED, dst_ioas_id: 77 }).rc, E('ENOENT'));
  assert.equal(copy({ flags: 4 | FIXED }).rc, 0);
  const src = s.ctx().objects.get<any>(a).iopt, dst = s.ctx().objects.get<any>(b).iopt;
  const pa = src.areaPages(src.areas.first(0x10000n, 0x10000n)), pb = dst.areaPages(dst.areas.first(0x40000n, 0x40000n));
  assert.equal(pa, pb);
  assert.equal(pa.kref, 2);
  assert.equal(s.unmap(a, 0n, U64_MAX).rc, 0);
  assert.equal(pb.kref, 1);
});

test('IOMMU_IOAS_MAP_FILE: bad fd, empty length, overflow; IOMMU_IOAS_CHANGE_PROCESS refuses user memory', () => {
  const s = session();
  const id = s.ioas();
  const mfd = s.p.memfdCreate('m');
  s.p.ftruncate(mfd, 8192);
  const mf = (f: Record<string, unknown>) => s.call('IOMMU_IOAS_MAP_FILE', { ioas_id: id, flags: MAP_RW | FIXED, fd: mfd, start: 0, length: 4096, iova: 0x8000n, ...f }).rc;
  assert.equal(mf({ fd: 99 }), E('EBADF'));
  assert.equal(mf({ length: 0 }), E('EINVAL'));
  assert.equal(mf({ start: U64_MAX - 10n }), E('EOVERFLOW'));
  assert.equal(mf({}), 0);
  assert.equal(s.call('IOMMU_IOAS_CHANGE_PROCESS').rc, 0);
  assert.equal(s.call('IOMMU_IOAS_CHANGE_PROCESS', { __reserved: 1 }).rc, E('EOPNOTSUPP'));
  assert.equal(s.map(id, s.buffer(1), 4096, 0x20000n).rc, 0);
  assert.equal(s.call('IOMMU_IOAS_CHANGE_PROCESS').rc, E('EINVAL'));
});


test('MAP and UNMAP agree with a model at IOVAs across 2^32 and up to U64_MAX (halves arithmetic)', () => {
  const U64 = (1n << 64n) - 1n;
  // Page slots around the 2^32 boundary and at the top of the u64 space.
  const bases = [(1n << 32n) - 4n * 4096n, U64 - 8n * 4096n + 1n];
  const slot = fc.record({ base: fc.nat(1), page: fc.nat(7) });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('map' as const), at: slot, pages: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('unmap' as const), at: slot, pages: fc.integer({ min: 1, max: 8 }) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
    const s = session();
    const id = s.ioas();
    const buf = s.buffer(3);
    const model: [bigint, bigint][] = []; // live areas [start, last]
    for (const o of ops) {
      const iova = bases[o.at.base]! + BigInt(o.at.page) * 4096n, len = BigInt(o.pages) * 4096n;
      const last = iova + len - 1n;
      if (o.kind === 'map') {
        const want = last > U64 ? E('EOVERFLOW') : model.some(([a, b]) => a <= last && b >= iova) ? E('EEXIST') : 0;
        assert.equal(s.map(id, buf, o.pages * 4096, iova).rc, want);
        if (!want) model.push([iova, last]);
      } else {
        const r = s.unmap(id, iova, len);
        if (last > U64) { assert.equal(r.rc, E('EOVERFLOW')); continue; }
        const hit = model.filter(([a, b]) => a <= last && b >= iova).sort((x, y) => (x[0] < y[0] ? -1 : 1));
        const cut = hit.findIndex(([a, b]) => a < iova || b > last);
        // Areas before the first cut one go; the cut one is ENOENT, and so is a range with nothing in it.
        const gone = cut < 0 ? hit : hit.slice(0, cut);
        for (const g of gone) model.splice(model.indexOf(g), 1);
        assert.equal(r.rc, cut >= 0 || !hit.length ? E('ENOENT') : 0);
        if (!r.rc) assert.equal(r.get('length'), gone.reduce((n, [a, b]) => n + b - a + 1n, 0n));
      }
    }
    const all = s.unmap(id, 0n, U64);
    assert.equal(all.rc, 0);
    assert.equal(all.get('length'), model.reduce((n, [a, b]) => n + b - a + 1n, 0n));
  }), { numRuns: 200 });
});
