// The backend interface: syscalls on bytes, as a process sees them. A
// backend is the reference engine in-process, a process speaking the wire
// protocol, or the real kernel through the native bridge; scenarios see no
// difference. Results carry errno (0 on success) rather than throwing.

export interface SysResult {
  /** Return value of the call (>= 0) when errno is 0. */
  ret: number;
  errno: number;
}

export interface IoctlResult extends SysResult {
  /** For an argument given as bytes: the same bytes after the call. */
  bytes?: Uint8Array;
}

/**
 * The third argument of ioctl(2): bytes the backend places in the caller's
 * memory for the call (then reads back), a raw user address, or an integer.
 */
export type IoctlArg =
  | { bytes: Uint8Array }
  | { addr: bigint }
  | { value: bigint };

/**
 * Where read(2)/write(2) finds its buffer: by default one of the backend's
 * own (read replies with the bytes read; write sends the bytes given); with
 * addr, the caller's memory at that address (read replies without bytes;
 * write writes bytes.length bytes from there, the content of bytes unused).
 * offset makes the call pread(2)/pwrite(2) at that file position.
 */
export interface RwAt { addr?: bigint; offset?: bigint }

export interface BackendInfo {
  name: string;
  version: string;
  /** The kernel version whose uAPI the backend implements (e.g. "7.3"). */
  kernel: string;
  /** Ioctl names it supports; every one of spec/ when absent. */
  ioctls?: string[];
  /** IOMMU_TEST_OP_* names it supports. */
  testOps?: string[];
  /** The process-level operations it implements (the others answer skipped); all of them when absent. */
  processOps?: ProcessOp[];
  /** False when the backend cannot run anything here (e.g. no /dev/iommu); reason says why. */
  available: boolean;
  reason?: string;
  /** The page size of the backend's processes in bytes (sysconf(_SC_PAGESIZE)), when it says. */
  pageSize?: number;
  /** The path of a VFIO device without an IOMMU whose cdev scenarios may bind to an iommufd, when it has one. */
  noiommuDevice?: string;
  /** The operations of the 2020 IOMMU UAPI it implements (legacyUapi); none when absent. */
  legacyUapi?: LegacyUapiOp[];
}

/** The process-level operations of the interface (wire commands of the same names). */
export const PROCESS_OPS = ['procStatus', 'setMemlockLimit', 'dropCapIpcLock', 'dropCapSysResource', 'dropCapSysRawio', 'fork', 'exitChild', 'physAddr'] as const;
export type ProcessOp = typeof PROCESS_OPS[number];

/**
 * The 2020 IOMMU UAPI: an in-kernel API that VFIO was to call with a user
 * pointer (its ioctls were never merged), so no ioctl of /dev/iommu. Four
 * operations of the documentation, the mock device's fault report that page
 * responses answer, and the driver's nesting features (wire command legacyUapi).
 */
export const LEGACY_UAPI_OPS = ['cache_invalidate', 'sva_bind_gpasid', 'sva_unbind_gpasid', 'page_response', 'report_device_fault', 'nesting_features'] as const;
export type LegacyUapiOp = typeof LEGACY_UAPI_OPS[number];
/** The driver behind the call: the mock nesting driver, or a bare one whose ops lack the nesting callbacks. */
export type LegacyUapiVendor = 'mock' | 'bare';

/** The backend failed (not the call): the scenario is errored, not failed. */
export class BackendError extends Error {
  override name = 'BackendError';
  constructor(message: string, readonly stderr = '') {
    super(stderr ? `${message}\n--- backend stderr ---\n${stderr}` : message);
    // Where in the harness the loss was noticed says nothing about the backend: no stack in the reports.
    this.stack = `${this.name}: ${this.message}`;
  }
}

export { BackendStartError } from './names.mjs';

/** The backend cannot do this here; the scenario is not run. */
export class BackendSkipped extends Error {
  override name = 'BackendSkipped';
}

export { MAP_HUGETLB, MAP_PRIVATE, PROT_READ, PROT_WRITE } from '../../spec/loader/constants.ts';

export interface Backend {
  readonly info: BackendInfo;
  /** How many times the harness lost the backend (killed it after a timeout, a crash, a broken message); absent in-process. */
  readonly restarts?: number;
  /** Starts the backend (a process, a VM) and learns what it is; info is valid afterwards. */
  init(): Promise<void>;
  /** A fresh process for the next scenario: every fd closed, every mapping gone. */
  reset(): Promise<void>;
  open(path: string): Promise<SysResult>;
  close(fd: number): Promise<SysResult>;
  ioctl(fd: number, request: number, arg: IoctlArg): Promise<IoctlResult>;
  read(fd: number, length: number, at?: RwAt): Promise<SysResult & { bytes?: Uint8Array }>;
  write(fd: number, bytes: Uint8Array, at?: RwAt): Promise<SysResult>;
  /** poll(2) of one descriptor; revents as poll gives them (POLLNVAL for a descriptor that is not open). */
  poll(fd: number, events: number, timeoutMs: number): Promise<SysResult & { revents?: number }>;
  /** Anonymous memory when fd is omitted, else a mapping of that file. ret is unused; addr is the address.
   *  flags may hold MAP_HUGETLB (anonymous memory only): hugetlb pages, each physically contiguous; and
   *  MAP_PRIVATE: a file mapped copy-on-write (anonymous memory is private anyway). */
  mmap(length: bigint, prot: number, fd?: number, offset?: bigint, flags?: number): Promise<SysResult & { addr?: bigint }>;
  munmap(addr: bigint, length: bigint): Promise<SysResult>;
  mprotect(addr: bigint, length: bigint, prot: number): Promise<SysResult>;
  /** Reads the caller's memory (as the process itself would). */
  memRead(addr: bigint, length: number): Promise<SysResult & { bytes?: Uint8Array }>;
  memWrite(addr: bigint, bytes: Uint8Array): Promise<SysResult>;
  memfdCreate(name: string): Promise<SysResult>;
  ftruncate(fd: number, length: bigint): Promise<SysResult>;
  /** /proc/self/status of the current process (or of its parent while a forked child is current): VmPin and VmLck in kB. */
  procStatus(of?: 'self' | 'parent'): Promise<SysResult & { vmPinnedKb?: number; vmLockedKb?: number }>;
  /** setrlimit(RLIMIT_MEMLOCK) soft and hard to `bytes` (-1n = RLIM_INFINITY). */
  setMemlockLimit(bytes: bigint): Promise<SysResult>;
  /** Drops CAP_IPC_LOCK from the effective, permitted and inheritable sets (capset). */
  dropCapIpcLock(): Promise<SysResult>;
  dropCapSysResource(): Promise<SysResult>;
  dropCapSysRawio(): Promise<SysResult>;
  /** fork(): the child, which shares every open file and a copy of the address space, becomes the
   *  current process; the parent waits. ret is the child's pid. */
  fork(): Promise<SysResult>;
  /** The current (forked) child exits; its parent becomes current again. */
  exitChild(): Promise<SysResult>;
  /** The physical address behind addr in the current process (/proc/self/pagemap), in addr; ENOENT when no page is there. */
  physAddr(addr: bigint): Promise<SysResult & { addr?: bigint }>;
  /** An operation of the 2020 IOMMU UAPI on the struct at arg (bytes placed as ioctl places them, or a raw address);
   *  errno as that API answered. A backend without it answers skipped. */
  legacyUapi(op: LegacyUapiOp, arg: { bytes: Uint8Array } | { addr: bigint }, vendor?: LegacyUapiVendor): Promise<IoctlResult>;
  dispose(): Promise<void>;
}
