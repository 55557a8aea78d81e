// The calling task as the kernel's accounting sees it: its address space
// (the mm, with VmPin and VmLck page counts), its user (locked_vm per uid),
// its RLIMIT_MEMLOCK and whether it holds CAP_IPC_LOCK. An ioctl runs on
// behalf of the task that makes it, which after fork() need not be the one
// that opened the file.
import { AddressSpace } from './usermem.ts';

/** Per-uid state: pages charged to the user (IOMMU_OPTION_RLIMIT_MODE 0). */
export class User {
  lockedVm = 0;
}

/** Default RLIMIT_MEMLOCK of a Linux process (8 MiB since 5.16). */
export const DEFAULT_RLIMIT_MEMLOCK = 8 * 1024 * 1024;

export class Task {
  /** Pages pinned on behalf of this mm (VmPin) and charged to it as locked (VmLck). */
  pinnedVm = 0;
  lockedVm = 0;
  /** Bytes; Infinity for RLIM_INFINITY. */
  rlimitMemlock = DEFAULT_RLIMIT_MEMLOCK;
  /** A root caller holds CAP_IPC_LOCK until it drops it; with it nothing is charged. */
  capIpcLock = true;
  /** CAP_SYS_RESOURCE: needed to set IOMMU_OPTION_RLIMIT_MODE. */
  capSysResource = true;
  /** CAP_SYS_RAWIO: needed for IOMMU_IOAS_NOIOMMU_GET_PA. */
  capSysRawio = true;

  constructor(readonly mm: AddressSpace = new AddressSpace(), readonly user: User = new User()) {}

  /** The child's task after fork(): a copy of the mm (fresh VmPin/VmLck), the same user, limit and capability. */
  fork(): Task {
    const child = new Task(this.mm.fork(), this.user);
    child.rlimitMemlock = this.rlimitMemlock;
    child.capIpcLock = this.capIpcLock;
    child.capSysResource = this.capSysResource;
    child.capSysRawio = this.capSysRawio;
    return child;
  }
}
