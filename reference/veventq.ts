// Virtual event queues (IOMMUFD_OBJ_VEVENTQ, eventq.c): IOMMU_VEVENTQ_ALLOC
// makes one queue of a type on a vIOMMU (one per type, held busy while it
// lives) and its read-only file. The driver reports events of that type
// (IOMMU_TEST_OP_TRIGGER_VEVENT through the mock device); each is read as an
// iommufd_vevent_header and its data, the header numbering every event. A
// full queue (depth events unread) drops what comes and leaves, in their
// place, one header flagged IOMMU_VEVENTQ_FLAG_LOST_EVENTS at the tail.
import { constantNum } from '../spec/loader/constants.ts';
import { EEXIST, EFAULT, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import type { DeviceObject } from './device.ts';
import { EventQueue } from './eventq.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';
import type { AddressSpace } from './usermem.ts';
import { getViommu, type ViommuObject } from './viommu.ts';

const C = constantNum;
const LOST_EVENTS = C('IOMMU_VEVENTQ_FLAG_LOST_EVENTS');
const TYPE_DEFAULT = C('IOMMU_VEVENTQ_TYPE_DEFAULT');
const TYPE_SELFTEST = C('IOMMU_VEVENTQ_TYPE_SELFTEST');
/** VEVENTQ_MAX_DEPTH: the kernel's bound on veventq_depth. */
export const VEVENTQ_MAX_DEPTH = 1 << 19;
const INT_MAX = 0x7fff_ffff;
const A = fieldsOf('iommu_veventq_alloc');
const HDR = fieldsOf('iommufd_vevent_header');
const HDR_SIZE = 8;
const TRIG = payloadOf('iommu_test_cmd', 'trigger_vevent');

/** struct iommufd_vevent: a header (flags, sequence) and the driver's data. */
export interface Vevent { flags: number; sequence: number; data: Uint8Array }

export class VeventqObject extends EventQueue<Vevent> {
  readonly type = 'VEVENTQ' as const;
  /** Events queued and not yet read; the lost-events header is not one. */
  numEvents = 0;
  /** The sequence number the next event gets, 0 to INT_MAX and round again. */
  sequence = 0;
  /** The one lost-events header, queued at the tail while events are being dropped. */
  readonly lostEvents: Vevent = { flags: LOST_EVENTS, sequence: 0, data: new Uint8Array(0) };
  private readonly hdr = new Uint8Array(HDR_SIZE);
  private readonly hdrView = new DataView(this.hdr.buffer);

  constructor(ctx: IommufdCtx, readonly viommu: ViommuObject, readonly eventType: number, readonly depth: number) {
    super(ctx);
  }

  /** Joins the vIOMMU's queues and holds it (list_add_tail, refcount_inc). */
  link(): void {
    this.viommu.veventqs.set(this.eventType, this);
    this.viommu.users++;
  }

  /** iommufd_viommu_report_event's queueing: the event, or the lost-events header when the queue is full. */
  report(data: Uint8Array): void {
    let v = this.lostEvents;
    if (this.numEvents !== this.depth) {
      v = { flags: 0, sequence: 0, data };
      this.numEvents++;
    }
    this.handle(v);
  }

  /** iommufd_vevent_handler: a lost-events header at the tail makes way; the new node gets the next number. */
  private handle(v: Vevent): void {
    if (this.deliver.last() === this.lostEvents) this.deliver.pop();
    this.deliver.push(v);
    v.sequence = this.sequence;
    this.sequence = (this.sequence + 1) & INT_MAX;
  }

  /**
   * iommufd_veventq_deliver_fetch: the head, the lost-events header taken as
   * a copy (whose allocation can fail: then nothing is taken), or undefined.
   */
  private fetch(): Vevent | number | undefined {
    const head = this.deliver.peek();
    if (!head) return undefined;
    if (head === this.lostEvents && this.ctx.fail.shouldFail()) return -ENOMEM;
    this.deliver.shift();
    return head === this.lostEvents ? { ...head } : head;
  }

  /** iommufd_veventq_deliver_restore: back at the head; a copy of the lost-events header only into an empty queue. */
  private restore(v: Vevent): void {
    if (v.flags & LOST_EVENTS) {
      if (!this.deliver.length) this.deliver.unshift(this.lostEvents);
      return;
    }
    this.deliver.unshift(v);
  }

  /** iommufd_veventq_fops_read: whole events (header and data) while they fit; the bytes read or -errno. */
  read(mm: AddressSpace, buf: number, count: number): number {
    if (count < HDR_SIZE) return -EINVAL;
    let done = 0, rc = 0;
    for (let cur = this.fetch(); cur !== undefined; cur = this.fetch()) {
      if (typeof cur === 'number') { if (done === 0) rc = cur; break; }
      const lost = (cur.flags & LOST_EVENTS) !== 0;
      if (done >= count || HDR_SIZE > count - done) { this.restore(cur); break; }
      if (!lost && HDR_SIZE + cur.data.length > count - done) {
        this.restore(cur);
        if (done === 0) rc = -EINVAL; // not even one event fits
        break;
      }
      this.hdrView.setUint32(HDR.flags!, cur.flags, true);
      this.hdrView.setUint32(HDR.sequence!, cur.sequence, true);
      if (mm.copyTo(buf + done, this.hdr, HDR_SIZE, this.hdrView) < 0) { this.restore(cur); rc = -EFAULT; break; }
      if (cur.data.length && mm.copyTo(buf + done + HDR_SIZE, cur.data) < 0) { this.restore(cur); rc = -EFAULT; break; }
      if (!lost) this.numEvents--;
      done += HDR_SIZE + cur.data.length;
    }
    return done === 0 ? rc : done;
  }

  /** iommufd_veventq_destroy (and abort): the vIOMMU is let go. */
  override destroy(): void {
    if (this.viommu.veventqs.get(this.eventType) === this) {
      this.viommu.veventqs.delete(this.eventType);
      this.viommu.users--;
    }
  }

  override describe(): string {
    const q = [...this.deliver].map((v) => (v === this.lostEvents ? `lost@${v.sequence}` : `${v.sequence}`)).join(',');
    return `viommu=${this.viommu.id} type=0x${this.eventType.toString(16)} depth=${this.depth} events=${this.numEvents} ` +
      `sequence=${this.sequence} ${this.queueText()} deliver=[${q}]`;
  }
}

function veventqAlloc(ucmd: Ucmd): number {
  const ctx = ucmd.ctx;
  const type = ucmd.u32(A.type!), depth = ucmd.u32(A.veventq_depth!);
  if (ucmd.u32(A.flags!) || ucmd.u32(A.__reserved!) || type === TYPE_DEFAULT) return -EOPNOTSUPP;
  if (!depth || depth > VEVENTQ_MAX_DEPTH) return -EINVAL;
  const viommu = getViommu(ctx, ucmd.u32(A.viommu_id!));
  if (!viommu) return -ENOENT;
  if (viommu.veventqs.has(type)) return -EEXIST;
  if (!ucmd.files) return -ENOMEM;
  const q = new VeventqObject(ctx, viommu, type, depth);
  const rc = ctx.objects.reserve(q);
  if (rc) return rc;
  // From here on a failure aborts the reserved queue, which unlinks it (see iommufdIoctl).
  ucmd.newObj = q;
  q.link();
  return q.respondWithFile(ucmd, ucmd.files, '[iommufd-viommu-event]', A.out_veventq_id!, A.out_veventq_fd!);
}

/**
 * What the mock device reports events with (mdev->viommu, mdev->vdev_id):
 * the vIOMMU of the nested domain it last attached to and the virtual id it
 * had there then (device_attach.ts notes both); a zero id reports nothing.
 */
function mockViommuOf(idev: DeviceObject): { viommu: ViommuObject; virtId: bigint } | undefined {
  const viommu = idev.mockViommu as ViommuObject | undefined;
  return viommu && idev.mockVdevId !== 0n ? { viommu, virtId: idev.mockVdevId } : undefined;
}

/**
 * IOMMU_TEST_OP_TRIGGER_VEVENT: the mock device, attached to a nested HWPT
 * of a vIOMMU where it has a vDEVICE with a non-zero virtual id, reports one
 * event of IOMMU_VEVENTQ_TYPE_SELFTEST carrying that id (as a u32).
 */
export function triggerVevent(ucmd: Ucmd): number {
  const idev = ucmd.ctx.objects.get<DeviceObject>(ucmd.u32(TRIG.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  const at = mockViommuOf(idev);
  if (!at) return -ENOENT;
  const q = at.viommu.veventqs.get(TYPE_SELFTEST) as VeventqObject | undefined;
  if (!q) return -EOPNOTSUPP;
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, Number(at.virtId & 0xffff_ffffn), true);
  q.report(data);
  return 0;
}

export const handlers = { IOMMU_VEVENTQ_ALLOC: veventqAlloc };
