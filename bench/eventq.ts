// Event queues through the byte interface with N records already pending:
// - a fault round trip: IOMMU_TEST_OP_TRIGGER_IOPF, read(2) of one
//   iommu_hwpt_pgfault (the oldest group, which gets a cookie), write(2) of
//   its iommu_hwpt_page_response, on a queue holding N unread groups and N
//   read groups waiting for their response;
// - vEVENTQ delivery: IOMMU_TEST_OP_TRIGGER_VEVENT and read(2) of one event
//   on a queue holding N unread events.
// The floor is the bare data structure doing the same work per record: the
// deliver deque's push and shift (and for faults the cookie array's store
// and clear). Neither path may grow with N: no record is found by a scan.
// Run: npm run bench:eventq [-- SIZES...]
import { loadSpec } from '../spec/loader/load.ts';
import { constant } from '../spec/loader/constants.ts';
import { encode, readPath } from '../harness/codec/codec.ts';
import { Deque } from '../reference/eventq.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../spec/loader/constants.ts';

const spec = loadSpec();
const PAGE = 4096;
const ROUNDS = 5;
const REPS = 20_000;
const RW = PROT_READ | PROT_WRITE;

function median(body: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < ROUNDS; r++) { const t0 = process.hrtime.bigint(); body(); t.push(Number(process.hrtime.bigint() - t0)); }
  return t.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

/** A process with an iommufd: ioctls by name (each field read back by path), and test ops encoded once at their own address. */
function engine() {
  const p = new Process();
  const fd = p.open('/dev/iommu');
  const place = (name: string, fields: Record<string, unknown>) => {
    const def = spec.ioctls.get(name)!;
    const at = p.mm.mmap(PAGE, RW);
    p.mm.copyTo(at, encode(def.struct!, { size: def.struct!.size, ...fields } as never));
    return { def, at };
  };
  const ioctl = (name: string, fields: Record<string, unknown>) => {
    const { def, at } = place(name, fields);
    const rc = p.ioctl(fd, def.request, at);
    if (rc < 0) throw new Error(`${name} failed: ${rc}`);
    const out = new Uint8Array(def.struct!.size);
    p.mm.copyFrom(at, out);
    return (path: string) => Number(readPath(def.struct!, out, path));
  };
  const test = (op: string, fields: Record<string, unknown>) => ioctl('IOMMU_TEST_CMD', { op: constant(op), ...fields });
  /** The call a hot loop makes: the pointer to an argument already in memory, as a C caller passes it. */
  const prepared = (op: string, fields: Record<string, unknown>) => {
    const { def, at } = place('IOMMU_TEST_CMD', { op: constant(op), ...fields });
    return () => { if (p.ioctl(fd, def.request, at) < 0) throw new Error(`${op} failed`); };
  };
  return { p, ioctl, test, prepared };
}

/** An IOAS, a mock device and a nesting parent on it. */
function device(e: ReturnType<typeof engine>) {
  const ioas = e.ioctl('IOMMU_IOAS_ALLOC', {})('out_ioas_id');
  const md = e.test('IOMMU_TEST_OP_MOCK_DOMAIN', { id: ioas });
  const stdev = md('mock_domain.out_stdev_id'), idev = md('mock_domain.out_idev_id');
  const parent = e.ioctl('IOMMU_HWPT_ALLOC', { dev_id: idev, pt_id: ioas, flags: constant('IOMMU_HWPT_ALLOC_NEST_PARENT') })('out_hwpt_id');
  const data = e.p.mm.mmap(PAGE, RW);
  e.p.mm.copyTo(data, new Uint8Array(new Uint32Array([Number(constant('IOMMU_TEST_IOTLB_DEFAULT'))]).buffer));
  const nested = (pt: number, extra: Record<string, unknown> = {}) => e.ioctl('IOMMU_HWPT_ALLOC', {
    dev_id: idev, pt_id: pt, data_type: constant('IOMMU_HWPT_DATA_SELFTEST'), data_len: 4, data_uptr: data, ...extra,
  })('out_hwpt_id');
  const replace = (pt: number) => e.test('IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE', { id: stdev, mock_domain_replace: { pt_id: pt } });
  return { idev, parent, nested, replace };
}

interface Figures { ns: number; floor: number }

/** One fault round trip per rep with n groups unread and n read, unanswered. */
function faultRoundTrip(n: number): Figures {
  const e = engine();
  const d = device(e);
  const q = e.ioctl('IOMMU_FAULT_QUEUE_ALLOC', {});
  const fault = q('out_fault_id'), fd = q('out_fault_fd');
  d.replace(d.nested(d.parent, { flags: constant('IOMMU_HWPT_FAULT_ID_VALID'), fault_id: fault }));
  const trigger = e.prepared('IOMMU_TEST_OP_TRIGGER_IOPF', { trigger_iopf: { dev_id: d.idev, pasid: 1, grpid: 2, perm: 1, addr: 0x1000 } });
  // Read records land so that the cookie (offset 36) starts a response whose code (the next 4 bytes, never written) is SUCCESS.
  const buf = e.p.mm.mmap(PAGE, RW);
  const scratch = e.p.mm.mmap(40 * n + PAGE, RW);
  for (let i = 0; i < 2 * n; i++) trigger();
  if (e.p.read(fd, scratch, 40 * n) !== 40 * n) throw new Error('could not read the answered-later groups');
  const roundTrip = () => {
    trigger();
    if (e.p.read(fd, buf, 40) !== 40) throw new Error('read');
    if (e.p.write(fd, buf + 36, 8) !== 8) throw new Error('write');
  };
  for (let r = 0; r < 2000; r++) roundTrip();
  const ns = median(() => { for (let r = 0; r < REPS; r++) roundTrip(); }) / REPS;
  e.p.exit();
  // The floor: the same records moved through the bare deque and cookie map.
  const deliver = new Deque<object>(), response: (object | undefined)[] = [undefined];
  for (let i = 0; i < n; i++) { deliver.push({}); response.push({}); }
  const next = n + 1;
  const floor = median(() => {
    for (let r = 0; r < REPS; r++) { deliver.push({}); response[next] = deliver.shift(); response[next] = undefined; }
  }) / REPS;
  return { ns, floor };
}

/** One vEVENT delivered and read per rep with n events unread. */
function veventDelivery(n: number): Figures {
  const e = engine();
  const d = device(e);
  const viommu = e.ioctl('IOMMU_VIOMMU_ALLOC', { dev_id: d.idev, hwpt_id: d.parent, type: constant('IOMMU_VIOMMU_TYPE_SELFTEST') })('out_viommu_id');
  const nested = d.nested(viommu);
  e.ioctl('IOMMU_VDEVICE_ALLOC', { viommu_id: viommu, dev_id: d.idev, virt_id: 0x99 });
  d.replace(nested);
  const fd = e.ioctl('IOMMU_VEVENTQ_ALLOC', { viommu_id: viommu, type: constant('IOMMU_VEVENTQ_TYPE_SELFTEST'), veventq_depth: n + 16 })('out_veventq_fd');
  const trigger = e.prepared('IOMMU_TEST_OP_TRIGGER_VEVENT', { trigger_vevent: { dev_id: d.idev } });
  const buf = e.p.mm.mmap(PAGE, RW);
  for (let i = 0; i < n; i++) trigger();
  const deliver = () => {
    trigger();
    if (e.p.read(fd, buf, 12) !== 12) throw new Error('read');
  };
  for (let r = 0; r < 2000; r++) deliver();
  const ns = median(() => { for (let r = 0; r < REPS; r++) deliver(); }) / REPS;
  e.p.exit();
  const q = new Deque<object>();
  for (let i = 0; i < n; i++) q.push({});
  const floor = median(() => { for (let r = 0; r < REPS; r++) { q.push({ data: new Uint8Array(4) }); q.shift(); } }) / REPS;
  return { ns, floor };
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const row = (n: number, what: string, f: Figures) =>
  `| ${what} | ${n.toLocaleString('en')} | ${(1e9 / f.ns / 1e3).toFixed(0)}k | ${f.ns.toFixed(0)} | ${f.floor.toFixed(0)} | ${(f.ns / f.floor).toFixed(0)} |`;
const rows: string[] = [];
for (const n of sizes.length ? sizes : [1, 100, 1_000, 10_000]) {
  rows.push(row(n, 'fault round trip', faultRoundTrip(n)));
  rows.push(row(n, 'vEVENT delivery', veventDelivery(n)));
  console.error(`measured ${n}`);
}
console.log('| path | pending | per second | ns each | floor ns | ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
