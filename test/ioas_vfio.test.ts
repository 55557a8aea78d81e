import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../harness/codec/codec.ts';
import { E, K, session, spec } from './ioas_helpers.ts';

function vfio() {
  const s = session();
  const id = s.ioas();
  assert.equal(s.call('IOMMU_VFIO_IOAS', { ioas_id: id, op: Number(K('IOMMU_VFIO_IOAS_SET')) }).rc, 0);
  const at = s.p.mm.mmap(4096, 3);
  const call = (name: string, fields: Record<string, unknown>, size = 4096) => {
    const def = spec.ioctls.get(name)!;
    const b = new Uint8Array(size);
    b.set(encode(def.struct!, fields as never));
    s.p.mm.copyTo(at, b);
    const rc = s.p.ioctl(s.fd, def.request, at);
    s.p.mm.copyFrom(at, b);
    return { rc, dv: new DataView(b.buffer) };
  };
  return { s, id, call };
}

test('VFIO_IOMMU_GET_INFO: argsz grows to the whole chain; with room, DMA avail then IOVA ranges', () => {
  const { call } = vfio();
  const short = call('VFIO_IOMMU_GET_INFO', { argsz: 16 });
  assert.equal(short.rc, 0);
  assert.equal(short.dv.getUint32(0, true), 24 + 16 + 32, 'info + dma avail (12, aligned to 16) + one IOVA range');
  assert.equal(short.dv.getUint32(16, true), 0, 'cap_offset stays 0 and is not even written past argsz');
  const full = call('VFIO_IOMMU_GET_INFO', { argsz: 72 });
  assert.equal(full.rc, 0);
  assert.equal(full.dv.getUint32(4, true), 3, 'PGSIZES | CAPS');
  assert.equal(full.dv.getUint32(16, true), 24);
  assert.equal(full.dv.getUint16(24, true), 3, 'first the DMA avail capability');
  assert.equal(full.dv.getUint32(28, true), 40, 'its next is the IOVA range capability');
  assert.equal(full.dv.getUint32(32, true), 0xffffffff);
  assert.equal(full.dv.getUint16(40, true), 1);
  assert.equal(full.dv.getUint32(48, true), 1, 'one range');
  assert.equal(full.dv.getBigUint64(64, true), (1n << 64n) - 1n);
  assert.equal(call('VFIO_IOMMU_GET_INFO', { argsz: 15 }).rc, E('EINVAL'));
});

test('VFIO_IOMMU_MAP_DMA and UNMAP_DMA: fixed IOVA, zero-length unmap of nothing, ALL, dirty bitmap refused', () => {
  const { s, call } = vfio();
  const buf = s.buffer(2);
  const map = (f: Record<string, unknown>) => call('VFIO_IOMMU_MAP_DMA', { argsz: 32, flags: 3, vaddr: buf, iova: 0x100000n, size: 8192, ...f }).rc;
  assert.equal(map({ flags: 4 }), E('EINVAL'));
  assert.equal(map({ argsz: 31 }), E('EINVAL'));
  assert.equal(map({}), 0);
  assert.equal(map({}), E('EEXIST'));
  const unmap = (f: Record<string, unknown>) => call('VFIO_IOMMU_UNMAP_DMA', { argsz: 24, iova: 0x100000n, size: 8192, ...f });
  assert.equal(unmap({ flags: Number(K('VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP')) }).rc, E('EINVAL'));
  const miss = unmap({ iova: 0x900000n });
  assert.equal(miss.rc, 0, 'VFIO unmapping nothing succeeds');
  assert.equal(miss.dv.getBigUint64(16, true), 0n);
  assert.equal(unmap({ flags: Number(K('VFIO_DMA_UNMAP_FLAG_ALL')), iova: 0n, size: 1 }).rc, E('EINVAL'));
  const all = unmap({ flags: Number(K('VFIO_DMA_UNMAP_FLAG_ALL')), iova: 0n, size: 0 });
  assert.equal(all.rc, 0);
  assert.equal(all.dv.getBigUint64(16, true), 8192n);
});

test('type1 (not v2) may unmap inside a mapping: the area is cut first', () => {
  const { s, call } = vfio();
  assert.equal(s.p.ioctl(s.fd, spec.ioctls.get('VFIO_SET_IOMMU')!.request, Number(K('VFIO_TYPE1_IOMMU'))), 0);
  const buf = s.buffer(4);
  assert.equal(call('VFIO_IOMMU_MAP_DMA', { argsz: 32, flags: 3, vaddr: buf, iova: 0x100000n, size: 16384 }).rc, 0);
  const mid = call('VFIO_IOMMU_UNMAP_DMA', { argsz: 24, iova: 0x101000n, size: 4096 });
  assert.equal(mid.rc, 0);
  assert.equal(mid.dv.getBigUint64(16, true), 4096n);
  const rest = call('VFIO_IOMMU_UNMAP_DMA', { argsz: 24, iova: 0x100000n, size: 16384 });
  assert.equal(rest.dv.getBigUint64(16, true), 12288n);
});
