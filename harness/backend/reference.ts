// The reference engine as a backend, in-process.
import { errno, loadSpec } from '../../spec/loader/load.ts';
import { Process } from '../../reference/process.ts';
import { TEST_KERNEL, hasOption, type KernelConfig } from '../../reference/config.ts';
import { NOIOMMU_DEVICE_PATH } from '../../reference/vfio_device.ts';
import { physAddr } from '../../reference/noiommu_phys.ts';
import { EFAULT, EINVAL } from '../../reference/errno.ts';
import { PAGE_SIZE, TASK_SIZE, userAddr as toAddr } from '../../reference/usermem.ts';
import { UNIMPLEMENTED } from '../../reference/main.ts';
import { legacyUapi } from '../../reference/legacy/uapi.ts';
import { LEGACY_UAPI_OPS, PROCESS_OPS, PROT_READ, PROT_WRITE, type Backend, type BackendInfo, type IoctlArg, type IoctlResult, type LegacyUapiOp, type LegacyUapiVendor, type RwAt, type SysResult } from './interface.ts';

const ok = (ret = 0): SysResult => ({ ret, errno: 0 });
/** A user address as the engine takes it: beyond user space is any address access_ok refuses. */
const userBuf = (a: bigint): number => (a >= 0n && a < BigInt(TASK_SIZE) ? Number(a) : TASK_SIZE);
/** loff_t: a u64 of the wire is signed in the kernel. */
const filePos = (o?: bigint): number | undefined => (o === undefined ? undefined : Number(BigInt.asIntN(64, o)));
const res = (rc: number): SysResult => (rc < 0 ? { ret: -1, errno: -rc } : ok(rc));
const MAX = BigInt(TASK_SIZE);
const KB_PER_PAGE = PAGE_SIZE / 1024;
/** The answer of procStatus('parent') and exitChild when the current process is not a forked child. */
const ECHILD = errno('ECHILD');

export class ReferenceBackend implements Backend {
  readonly info: BackendInfo;
  /** The processes alive: the first one, then each forked child above its parent; the last is current. */
  private procs: Process[];
  private get proc(): Process { return this.procs.at(-1)!; }

  constructor(private readonly config: KernelConfig = TEST_KERNEL, name = 'reference') {
    const spec = loadSpec();
    this.procs = [this.newProcess()];
    // An ioctl whose option the kernel lacks is left out, as a kernel's backend declares it.
    const configured = (n: string) => { const r = spec.ioctls.get(n)!.requires; return !r || hasOption(config, r); };
    this.info = {
      name, version: '0.1.0', kernel: '7.3', available: true, pageSize: PAGE_SIZE,
      ioctls: [...spec.ioctls.keys()].filter((n) => !UNIMPLEMENTED.includes(n) && configured(n)),
      testOps: [],
      processOps: [...PROCESS_OPS],
      legacyUapi: [...LEGACY_UAPI_OPS],
    };
    if (config.iommufdNoiommu) this.info.noiommuDevice = NOIOMMU_DEVICE_PATH;
    if (UNIMPLEMENTED.length) this.info.reason = `not modelled yet: ${UNIMPLEMENTED.join(', ')}`;
  }

  /** The engine's current process, for tests that inspect its state. */
  get process(): Process { return this.proc; }
  /** Every live process, the backend's own first and the current one last. */
  get processes(): readonly Process[] { return this.procs; }

  async init(): Promise<void> {}
  async reset(): Promise<void> { this.exitAll(); this.procs = [this.newProcess()]; }

  private newProcess(): Process { return new Process(undefined, undefined, undefined, this.config); }

  /** Every process exits, children first. */
  private exitAll(): void {
    for (const p of this.procs.reverse()) p.exit();
  }
  async open(path: string) { return res(this.proc.open(path)); }
  async close(fd: number) { return res(this.proc.close(fd)); }

  async ioctl(fd: number, request: number, arg: IoctlArg): Promise<IoctlResult> {
    if ('value' in arg) return res(this.proc.ioctl(fd, request, toAddr(arg.value)));
    if ('addr' in arg) return res(this.proc.ioctl(fd, request, toAddr(arg.addr)));
    return this.placed(arg.bytes, (at) => this.proc.ioctl(fd, request, at));
  }

  /** Calls fn with bytes placed in a fresh mapping of the caller's memory; the result carries them as fn left them. */
  private placed(bytes: Uint8Array, fn: (at: number) => number): IoctlResult {
    const mm = this.proc.mm;
    const len = Math.max(bytes.length, 1);
    const at = mm.mmap(len, PROT_READ | PROT_WRITE);
    if (at < 0) return res(at);
    mm.copyTo(at, bytes);
    const r: IoctlResult = res(fn(at));
    const after = new Uint8Array(bytes.length);
    mm.copyFrom(at, after);
    mm.munmap(at, len);
    r.bytes = after;
    return r;
  }

  async legacyUapi(op: LegacyUapiOp, arg: { bytes: Uint8Array } | { addr: bigint }, vendor: LegacyUapiVendor = 'mock'): Promise<IoctlResult> {
    if ('addr' in arg) return res(legacyUapi(this.proc, op, toAddr(arg.addr), vendor));
    return this.placed(arg.bytes, (at) => legacyUapi(this.proc, op, at, vendor));
  }

  async read(fd: number, length: number, at: RwAt = {}) {
    const pos = filePos(at.offset);
    if (at.addr !== undefined) return res(this.proc.read(fd, userBuf(at.addr), length, pos));
    return this.staged(length, (buf) => this.proc.read(fd, buf, length, pos), true);
  }

  async write(fd: number, bytes: Uint8Array, at: RwAt = {}) {
    const pos = filePos(at.offset);
    if (at.addr !== undefined) return res(this.proc.write(fd, userBuf(at.addr), bytes.length, pos));
    return this.staged(bytes.length, (buf) => this.proc.write(fd, buf, bytes.length, pos), false, bytes);
  }

  /** The call on a buffer of the process's own (as the bridge's malloc'd one): bytes copied in first, or read back after a read. */
  private staged(length: number, call: (buf: number) => number, readBack: boolean, bytes?: Uint8Array) {
    const mm = this.proc.mm;
    const at = mm.mmap(Math.max(length, 1), PROT_READ | PROT_WRITE);
    if (at < 0) return res(at);
    if (bytes) mm.copyTo(at, bytes);
    const rc = call(at);
    const r: SysResult & { bytes?: Uint8Array } = res(rc);
    if (readBack && rc >= 0) { r.bytes = new Uint8Array(rc); mm.copyFrom(at, r.bytes); }
    mm.munmap(at, Math.max(length, 1));
    return r;
  }

  /** The engine never blocks: a poll with nothing ready answers 0 at once, as poll(2) does after its timeout. */
  async poll(fd: number, events: number, _timeoutMs: number) {
    const revents = this.proc.poll(fd, events);
    return { ret: revents ? 1 : 0, errno: 0, revents };
  }

  async mmap(length: bigint, prot: number, fd?: number, offset = 0n, flags = 0) {
    if (length > MAX || offset > MAX) return { ret: -1, errno: EINVAL };
    const a = this.proc.mmap(Number(length), prot, fd ?? -1, Number(offset), flags);
    return a < 0 ? res(a) : { ret: 0, errno: 0, addr: BigInt(a) };
  }

  async munmap(addr: bigint, length: bigint) {
    const a = toAddr(addr);
    return a < 0 ? { ret: -1, errno: EINVAL } : res(this.proc.mm.munmap(a, Number(length)));
  }

  async mprotect(addr: bigint, length: bigint, prot: number) {
    const a = toAddr(addr);
    return a < 0 ? { ret: -1, errno: EINVAL } : res(this.proc.mm.mprotect(a, Number(length), prot));
  }

  // The process reads and writes its own memory regardless of protection
  // (as a debugger would); only the kernel's copies obey it.
  async memRead(addr: bigint, length: number) {
    const a = toAddr(addr);
    const v = a < 0 ? undefined : this.proc.mm.vmaAt(a);
    if (!v) return { ret: -1, errno: EFAULT };
    const bytes = new Uint8Array(length);
    const rc = this.proc.mm.walk(a, length, 0, false, (p, off, n, pos) => { if (p) bytes.set(p.subarray(off, off + n), pos); });
    return rc < 0 ? res(rc) : { ret: length, errno: 0, bytes };
  }

  async memWrite(addr: bigint, bytes: Uint8Array) {
    const a = toAddr(addr);
    if (a < 0) return { ret: -1, errno: EFAULT };
    const rc = this.proc.mm.walk(a, bytes.length, 0, true, (p, off, n, pos) => { p!.set(bytes.subarray(pos, pos + n), off); });
    return rc < 0 ? res(rc) : ok(bytes.length);
  }

  async memfdCreate(name: string) { return res(this.proc.memfdCreate(name)); }
  async ftruncate(fd: number, length: bigint) {
    return length > MAX ? { ret: -1, errno: EINVAL } : res(this.proc.ftruncate(fd, Number(length)));
  }

  async procStatus(of: 'self' | 'parent' = 'self') {
    const p = of === 'self' ? this.proc : this.procs.at(-2);
    if (!p) return { ret: -1, errno: ECHILD };
    return { ...ok(), vmPinnedKb: p.task.pinnedVm * KB_PER_PAGE, vmLockedKb: p.task.lockedVm * KB_PER_PAGE };
  }

  async setMemlockLimit(bytes: bigint) {
    // rlim_t is unsigned: -1n is RLIM_INFINITY, and any other value is taken as the u64 it stands for.
    this.proc.task.rlimitMemlock = bytes === -1n ? Infinity : Number(BigInt.asUintN(64, bytes));
    return ok();
  }

  async dropCapIpcLock() { this.proc.task.capIpcLock = false; return ok(); }
  async dropCapSysResource() { this.proc.task.capSysResource = false; return ok(); }
  async dropCapSysRawio() { this.proc.task.capSysRawio = false; return ok(); }

  async fork() {
    const child = this.proc.fork();
    this.procs.push(child);
    return ok(child.pid);
  }

  async exitChild() {
    if (this.procs.length < 2) return { ret: -1, errno: ECHILD };
    this.procs.pop()!.exit();
    return ok();
  }

  async physAddr(addr: bigint) {
    const phys = physAddr(this.proc.mm, toAddr(addr));
    return typeof phys === 'number' ? res(phys) : { ...ok(), addr: phys };
  }

  async dispose(): Promise<void> { this.exitAll(); this.procs = [new Process()]; }
}
