// I/O page fault queues (IOMMUFD_OBJ_FAULT, eventq.c): IOMMU_FAULT_QUEUE_ALLOC
// and its file. A HWPT allocated with IOMMU_HWPT_FAULT_ID_VALID sends the
// fault groups of the devices attached to it here (IOMMU_TEST_OP_TRIGGER_IOPF
// raises one through the mock device); a read hands each whole group out as
// iommu_hwpt_pgfault records with a cookie, a write of iommu_hwpt_page_response
// records answers groups by cookie. Groups still pending when their device
// is detached, the HWPT replaced, or the queue destroyed are answered by the
// kernel itself with IOMMUFD_PAGE_RESP_INVALID.
import { constantNum } from '../spec/loader/constants.ts';
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, ESPIPE } from './errno.ts';
import type { DeviceObject } from './device.ts';
import { NO_PASID } from './device.ts';
import { EPOLLOUT, EventQueue } from './eventq.ts';
import { MinHeap } from './heap.ts';
import type { HwptObject } from './hw_pagetable.ts';
import type { IommufdObject } from './object.ts';
import { fieldsOf, payloadOf, type Ucmd } from './ucmd.ts';
import type { AddressSpace } from './usermem.ts';

const C = constantNum;
const PASID_VALID = C('IOMMU_PGFAULT_FLAGS_PASID_VALID');
const LAST_PAGE = C('IOMMU_PGFAULT_FLAGS_LAST_PAGE');
const RESP_SUCCESS = C('IOMMUFD_PAGE_RESP_SUCCESS');
const RESP_INVALID = C('IOMMUFD_PAGE_RESP_INVALID');
const REC = fieldsOf('iommu_hwpt_pgfault');
const RESP = fieldsOf('iommu_hwpt_page_response');
const ALLOC = fieldsOf('iommu_fault_alloc');
const TRIG = payloadOf('iommu_test_cmd', 'trigger_iopf');
const REC_SIZE = 40;
const RESP_SIZE = 8;
/** xa_limit_32b: cookies run from 1 to U32_MAX. */
const COOKIE_MAX = 0xffff_ffff;

/** One page request of a group (struct iommu_fault's prm). */
export interface PageRequest { flags: number; pasid: number; grpid: number; perm: number; addrHi: number; addrLo: number }

/** struct iopf_group: its requests and the attach handle (device and PASID) it arrived through. */
export interface IopfGroup { idev: DeviceObject; pasid: number; faults: PageRequest[]; cookie: number }

export class FaultObject extends EventQueue<IopfGroup> {
  readonly type = 'FAULT' as const;
  /**
   * Groups read and not yet answered, indexed by cookie (the response
   * xarray). Cookies are dense (lowest free first), so an array: a Map that
   * churns one key at a fixed size rehashes itself over and over in V8.
   */
  private readonly response: (IopfGroup | undefined)[] = [];
  private readonly freeCookies = new MinHeap();
  private nextCookie = 1;
  /** Responses the devices were given, by code (the mock driver's page_response keeps nothing). */
  answered = [0, 0];
  private readonly rec = new Uint8Array(REC_SIZE);
  private readonly recView = new DataView(this.rec.buffer);
  private readonly resp = new Uint8Array(RESP_SIZE);
  private readonly respView = new DataView(this.resp.buffer);

  /** iommufd_fault_iopf_handler: the group joins the deliver list. */
  deliverGroup(group: IopfGroup): void { this.deliver.push(group); }

  override poll(): number { return super.poll() | EPOLLOUT; }

  /** xa_alloc of a cookie (lowest free from 1): the cookie or -errno. */
  private allocCookie(group: IopfGroup): number {
    if (this.ctx.fail.shouldFail()) return -ENOMEM;
    let c = this.freeCookies.pop();
    if (c === undefined) {
      if (this.nextCookie > COOKIE_MAX) return -EBUSY;
      c = this.nextCookie++;
    }
    this.response[c] = group;
    group.cookie = c;
    return c;
  }

  private eraseCookie(c: number): IopfGroup | undefined {
    const g = c < this.response.length ? this.response[c] : undefined;
    if (!g) return undefined;
    this.response[c] = undefined;
    if (c === this.nextCookie - 1) this.nextCookie--;
    else this.freeCookies.push(c);
    while (this.nextCookie > 1 && this.freeCookies.peek() === this.nextCookie - 1) { this.freeCookies.pop(); this.nextCookie--; }
    if (this.response.length > this.nextCookie) this.response.length = this.nextCookie;
    return g;
  }

  /** The groups waiting for a response with their cookies, lowest cookie first (a snapshot: callers erase as they go). */
  private waiting(): [number, IopfGroup][] {
    const out: [number, IopfGroup][] = [];
    this.response.forEach((g, c) => { if (g) out.push([c, g]); });
    return out;
  }

  /** iopf_group_response and iopf_free_group: the device gets its answer. */
  private answer(_g: IopfGroup, code: number): void { this.answered[code]!++; }

  private compose(f: PageRequest, idev: DeviceObject, cookie: number): void {
    const v = this.recView;
    this.rec.fill(0);
    v.setUint32(REC.flags!, f.flags, true);
    v.setUint32(REC.dev_id!, idev.id, true);
    v.setUint32(REC.pasid!, f.pasid, true);
    v.setUint32(REC.grpid!, f.grpid, true);
    v.setUint32(REC.perm!, f.perm, true);
    v.setUint32(REC.addr!, f.addrLo, true);
    v.setUint32(REC.addr! + 4, f.addrHi, true);
    v.setUint32(REC.cookie!, cookie, true);
  }

  /** iommufd_fault_fops_read: whole groups only, while they fit; the bytes read or -errno. */
  read(mm: AddressSpace, buf: number, count: number): number {
    if (count % REC_SIZE) return -ESPIPE;
    let done = 0, rc = 0;
    for (let group = this.deliver.shift(); group; group = this.deliver.shift()) {
      if (done >= count || group.faults.length * REC_SIZE > count - done) {
        this.deliver.unshift(group);
        if (done === 0) rc = -EINVAL; // not even the first group fits
        break;
      }
      rc = this.allocCookie(group);
      if (rc < 0) { this.deliver.unshift(group); break; }
      rc = 0;
      let groupDone = done;
      for (const f of group.faults) {
        this.compose(f, group.idev, group.cookie);
        if (mm.copyTo(buf + groupDone, this.rec, REC_SIZE, this.recView) < 0) {
          this.eraseCookie(group.cookie);
          this.deliver.unshift(group);
          rc = -EFAULT;
          break;
        }
        groupDone += REC_SIZE;
      }
      if (rc) break;
      done = groupDone;
    }
    return done === 0 ? rc : done;
  }

  /** iommufd_fault_fops_write: responses one by one until one is refused; the bytes taken or -errno. */
  write(mm: AddressSpace, buf: number, count: number): number {
    if (count % RESP_SIZE) return -ESPIPE;
    let done = 0, rc = 0;
    while (count > done) {
      if (mm.copyFrom(buf + done, this.resp, RESP_SIZE, this.respView) < 0) { rc = -EFAULT; break; }
      const code = this.respView.getUint32(RESP.code!, true);
      if (code !== RESP_SUCCESS && code !== RESP_INVALID) { rc = -EINVAL; break; }
      const group = this.eraseCookie(this.respView.getUint32(RESP.cookie!, true));
      if (!group) { rc = -EINVAL; break; }
      this.answer(group, code);
      done += RESP_SIZE;
    }
    return done === 0 ? rc : done;
  }

  /** iommufd_auto_response_faults: every group of this attach handle, delivered or read, is answered INVALID. */
  autoRespond(idev: DeviceObject, pasid: number): void {
    const mine = (g: IopfGroup) => g.idev === idev && g.pasid === pasid;
    for (const g of this.deliver.take(mine)) this.answer(g, RESP_INVALID);
    for (const [c, g] of this.waiting()) if (mine(g)) { this.eraseCookie(c); this.answer(g, RESP_INVALID); }
  }

  /** iommufd_fault_destroy: whatever is still pending is answered INVALID. */
  override destroy(): void {
    for (const g of this.deliver.take(() => true)) this.answer(g, RESP_INVALID);
    for (const [c] of this.waiting()) this.answer(this.eraseCookie(c)!, RESP_INVALID);
  }

  override describe(): string {
    const pending = [...this.deliver].map((g) => `${g.idev.id}/${g.pasid}x${g.faults.length}`).join(',');
    const read = this.waiting().map(([c, g]) => `${c}:${g.idev.id}/${g.pasid}`).join(',');
    return `${this.queueText()} deliver=[${pending}] response=[${read}] answered=${this.answered.join('/')}`;
  }
}

/** IOMMU_FAULT_QUEUE_ALLOC: the object, its file and descriptor, then the reply; the fd is the caller's only once all succeeded. */
function faultAlloc(ucmd: Ucmd): number {
  if (ucmd.u32(ALLOC.flags!)) return -EOPNOTSUPP;
  const ctx = ucmd.ctx;
  if (!ucmd.files) return -ENOMEM;
  const fault = new FaultObject(ctx);
  const rc = ctx.objects.reserve(fault);
  if (rc) return rc;
  ucmd.newObj = fault;
  return fault.respondWithFile(ucmd, ucmd.files, '[iommufd-pgfault]', ALLOC.out_fault_id!, ALLOC.out_fault_fd!);
}

/** The fault queue of a HWPT made with IOMMU_HWPT_FAULT_ID_VALID, if any. */
export function faultOf(hwpt: { fault?: IommufdObject } | undefined): FaultObject | undefined {
  return hwpt?.fault instanceof FaultObject ? hwpt.fault : undefined;
}

/** The fault handling of a detach or replace: the old attach handle's groups are answered. */
export function autoResponseFaults(hwpt: HwptObject | undefined, idev: DeviceObject, pasid: number): void {
  faultOf(hwpt)?.autoRespond(idev, pasid);
}

/**
 * find_fault_handler: the attach handle a page request reaches. With a PASID
 * it is that PASID's; without one attached, the mock driver (it has a user
 * PASID table) sends it to a nested domain on the device itself.
 */
function faultHandle(idev: DeviceObject, pasid: number, pasidValid: boolean): { hwpt: HwptObject; pasid: number } | undefined {
  const own = idev.hwptOf(pasidValid ? pasid : NO_PASID) as HwptObject | undefined;
  if (own) return { hwpt: own, pasid: pasidValid ? pasid : NO_PASID };
  if (!pasidValid) return undefined;
  const rid = idev.hwptOf(NO_PASID) as HwptObject | undefined;
  return rid?.type === 'HWPT_NESTED' ? { hwpt: rid, pasid: NO_PASID } : undefined;
}

/**
 * IOMMU_TEST_OP_TRIGGER_IOPF: the mock device reports one page request, the
 * last of its group. A request no fault-capable domain takes is answered by
 * the core at once, and so is one whose group cannot be allocated: the op
 * succeeds either way.
 */
export function triggerIopf(ucmd: Ucmd): number {
  const idev = ucmd.ctx.objects.get<DeviceObject>(ucmd.u32(TRIG.dev_id!), 'DEVICE');
  if (!idev) return -ENOENT;
  const pasid = ucmd.u32(TRIG.pasid!);
  const pasidValid = pasid !== NO_PASID;
  const handle = faultHandle(idev, pasid, pasidValid);
  const fault = faultOf(handle?.hwpt);
  if (!handle || !fault) return 0;
  // iopf_group_alloc: on failure the request is aborted with a FAILURE response.
  if (ucmd.ctx.fail.shouldFail()) return 0;
  fault.deliverGroup({
    idev, pasid: handle.pasid, cookie: 0,
    faults: [{
      flags: LAST_PAGE | (pasidValid ? PASID_VALID : 0), pasid, grpid: ucmd.u32(TRIG.grpid!), perm: ucmd.u32(TRIG.perm!),
      addrHi: ucmd.u32(TRIG.addr! + 4), addrLo: ucmd.u32(TRIG.addr!),
    }],
  });
  return 0;
}

export const handlers = { IOMMU_FAULT_QUEUE_ALLOC: faultAlloc };
