// Event queues in the engine: the file plumbing (read/write/poll of an
// engine file after the VFS checks), the deliver deque, a fault round trip
// through the byte interface, and what scenarios cannot reach on a real
// kernel (the vEVENTQ sequence wrap after INT_MAX).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E, K, mockDevice, session, spec, testCmd } from './ioas_helpers.ts';
import { Deque } from '../reference/eventq.ts';
import { FaultObject } from '../reference/fault.ts';
import { VeventqObject } from '../reference/veventq.ts';
import type { ViommuObject } from '../reference/viommu.ts';
import { UNIMPLEMENTED } from '../reference/main.ts';
import { ReferenceBackend } from '../harness/backend/reference.ts';

const N = (name: string) => Number(K(name));

test('FAULT_QUEUE_ALLOC and VEVENTQ_ALLOC are modelled', () => {
  assert.ok(!UNIMPLEMENTED.includes('IOMMU_FAULT_QUEUE_ALLOC'));
  assert.ok(!UNIMPLEMENTED.includes('IOMMU_VEVENTQ_ALLOC'));
});

test('the deque is first in, first out, takes a record back at the head and drops what a predicate picks', () => {
  const q = new Deque<number>();
  for (let i = 0; i < 3000; i++) q.push(i);
  for (let i = 0; i < 2000; i++) assert.equal(q.shift(), i);
  q.unshift(1999);
  assert.equal(q.peek(), 1999);
  assert.equal(q.last(), 2999);
  assert.deepEqual(q.take((v) => v % 2 === 1).length, 501);
  assert.equal(q.length, 500);
  assert.equal(q.shift(), 2000);
  assert.equal(q.pop(), 2998);
});

/** A process with an iommufd, a mock device on a fault-capable nested HWPT and a fault queue. */
function faultFixture() {
  const s = session();
  const ioas = s.ioas();
  const { stdev, idev } = mockDevice(s, ioas);
  const fq = s.call('IOMMU_FAULT_QUEUE_ALLOC');
  const fault = Number(fq.get('out_fault_id')), fd = Number(fq.get('out_fault_fd'));
  const data = s.p.mm.mmap(4096, 3);
  s.p.mm.copyTo(data, new Uint8Array(new Uint32Array([N('IOMMU_TEST_IOTLB_DEFAULT')]).buffer));
  const parent = Number(s.call('IOMMU_HWPT_ALLOC', { dev_id: idev, pt_id: ioas, flags: N('IOMMU_HWPT_ALLOC_NEST_PARENT') }).get('out_hwpt_id'));
  const iopf = Number(s.call('IOMMU_HWPT_ALLOC', {
    dev_id: idev, pt_id: parent, flags: N('IOMMU_HWPT_FAULT_ID_VALID'), fault_id: fault,
    data_type: N('IOMMU_HWPT_DATA_SELFTEST'), data_len: 4, data_uptr: data,
  }).get('out_hwpt_id'));
  assert.equal(testCmd(s, 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE', stdev, 'mock_domain_replace', { pt_id: iopf }).rc, 0);
  const trigger = (addr: number) => testCmd(s, 'IOMMU_TEST_OP_TRIGGER_IOPF', 0, 'trigger_iopf', { dev_id: idev, pasid: 1, grpid: 2, perm: 1, addr });
  return { s, fd, fault, idev, trigger };
}

test('a fault read, answered and refused a second time; the VFS checks come first', () => {
  const { s, fd, fault, trigger } = faultFixture();
  const buf = s.p.mm.mmap(4096, 3);
  assert.equal(s.p.poll(fd, 0xffff), N('POLLOUT'));
  assert.equal(trigger(0x1000).rc, 0);
  assert.equal(s.p.poll(fd, N('POLLIN')), N('POLLIN'));
  assert.equal(s.p.read(fd, buf, 40, 0), E('ESPIPE'));
  assert.equal(s.p.read(fd, buf, 39), E('ESPIPE'));
  assert.equal(s.p.read(fd, buf, 40), 40);
  const rec = new DataView(new ArrayBuffer(40));
  s.p.mm.copyFrom(buf, new Uint8Array(rec.buffer));
  assert.equal(rec.getUint32(36, true), 1, 'cookie 1');
  s.p.mm.copyTo(buf, new Uint8Array(new Uint32Array([1, N('IOMMUFD_PAGE_RESP_SUCCESS')]).buffer));
  assert.equal(s.p.write(fd, buf, 8), 8);
  assert.equal(s.p.write(fd, buf, 8), E('EINVAL'));
  const ctx = s.ctx();
  assert.deepEqual(ctx.objects.get<FaultObject>(fault, 'FAULT')!.answered, [1, 0]);
  // The iommufd itself has no read or write: EINVAL; a descriptor that is not open: EBADF, and POLLNVAL.
  assert.equal(s.p.read(s.fd, buf, 8), E('EINVAL'));
  assert.equal(s.p.read(99, buf, 8), E('EBADF'));
  assert.equal(s.p.poll(99, N('POLLIN')), N('POLLNVAL'));
});

test('the reference backend reads and writes through its own buffer or the caller\'s memory', async () => {
  const b = new ReferenceBackend();
  const r = await b.open('/dev/iommu');
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(0, 16, true);
  const q = await b.ioctl(r.ret, spec.ioctls.get('IOMMU_FAULT_QUEUE_ALLOC')!.request, { bytes });
  assert.equal(q.errno, 0);
  const fd = new DataView(q.bytes!.buffer).getUint32(12, true);
  assert.deepEqual(await b.read(fd, 40), { ret: 0, errno: 0, bytes: new Uint8Array(0) });
  assert.equal((await b.write(fd, new Uint8Array(8))).errno, -E('EINVAL'));
  assert.equal((await b.read(fd, 40, { addr: 1n << 50n })).errno, -E('EFAULT'));
  assert.equal((await b.read(fd, 40, { offset: 0n })).errno, -E('ESPIPE'));
  assert.deepEqual(await b.poll(fd, N('POLLIN') | N('POLLOUT'), 0), { ret: 1, errno: 0, revents: N('POLLOUT') });
  await b.dispose();
});

test('auto-response: a detach answers every pending group of the attachment with INVALID', () => {
  const { s, fault, trigger } = faultFixture();
  trigger(0x1000); trigger(0x2000);
  const f = s.ctx().objects.get<FaultObject>(fault, 'FAULT')!;
  assert.equal(f.deliver.length, 2);
  s.p.close(s.fd);
  // The queue's file still holds the context: nothing is destroyed yet.
  assert.equal(f.deliver.length, 2);
  s.p.exit();
  assert.deepEqual(f.answered, [0, 2]);
});

test('vEVENTQ sequence numbers wrap to 0 after INT_MAX, the lost-events header included', () => {
  const { s } = faultFixture();
  const viommu = { id: 1, veventqs: new Map(), users: 1 } as unknown as ViommuObject;
  const q = new VeventqObject(s.ctx(), viommu, N('IOMMU_VEVENTQ_TYPE_SELFTEST'), 1);
  q.sequence = 0x7fff_fffe;
  const data = new Uint8Array(4);
  q.report(data); // 0x7ffffffe
  q.report(data); // dropped: the lost-events header, 0x7fffffff
  q.report(data); // dropped again: the header renumbered 0
  const buf = s.p.mm.mmap(4096, 3);
  assert.equal(q.read(s.p.mm, buf, 64), 20);
  const v = new DataView(new ArrayBuffer(20));
  s.p.mm.copyFrom(buf, new Uint8Array(v.buffer));
  assert.deepEqual([v.getUint32(0, true), v.getUint32(4, true)], [0, 0x7fff_fffe]);
  assert.deepEqual([v.getUint32(12, true), v.getUint32(16, true)], [N('IOMMU_VEVENTQ_FLAG_LOST_EVENTS'), 0]);
  q.report(data);
  assert.equal(q.read(s.p.mm, buf, 64), 12);
  s.p.mm.copyFrom(buf, new Uint8Array(v.buffer));
  assert.equal(v.getUint32(4, true), 1);
});
