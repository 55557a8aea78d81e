// The simulated calling process: its file descriptor table and its task (the
// address space and what accounting sees). Files are iommufd contexts
// (/dev/iommu, /dev/vfio/vfio) and memfd-like files. This is what a
// backend's syscalls act on; fork() gives a child sharing every open file.
import { EBADF, EFAULT, EINVAL, EMFILE, ENOENT, ENOSYS, ENOTTY, ESPIPE } from './errno.ts';
import { TEST_KERNEL, type KernelConfig } from './config.ts';
import { FailNth } from './fail.ts';
import { IommufdCtx } from './context.ts';
import { iommufdIoctl } from './main.ts';
import { PinLedger } from './pages.ts';
import { Task } from './task.ts';
import { type AddressSpace, Backing, PAGE_SIZE, TASK_SIZE } from './usermem.ts';
import { MAP_HUGETLB, MAP_PRIVATE, constantNum } from '../spec/loader/constants.ts';
import { NOIOMMU_DEVICE_PATH, openNoiommuDevice } from './vfio_device.ts';
import { iommufdMmap } from './viommu_mmap.ts';

/** An open file: one object however many descriptors (of any process) refer to it; released on the last close. */
export type File = { refs: number } & (
  | { kind: 'iommufd'; ctx: IommufdCtx }
  | { kind: 'memfd'; backing: Backing; name: string }
  /** A file the engine creates around one of its objects (the selftest's access file); release() runs on its last close.
   *  One with ioctl() answers ioctls of its own (the VFIO no-IOMMU device, vfio_device.ts); ops are its read/write/poll. */
  | { kind: 'engine'; name: string; owner: object; release(): void; ioctl?(p: Process, request: number, arg: number): number; ops?: FileOps });

/**
 * The file_operations of an engine file that read(2), write(2) and poll(2)
 * reach, after the VFS checks (Process.read/write/poll). buf and count are
 * the caller's, as the kernel's handler sees them: the handler copies with
 * mm.copyTo/copyFrom and answers -EFAULT where copy_to_user would fault.
 * A file without read (write) is one the kernel opened without FMODE_CAN_READ
 * (WRITE): EINVAL. A file without poll is always ready (DEFAULT_POLLMASK).
 * pread/pwrite reach only a file with `positional`: an anonymous inode file
 * has no FMODE_PREAD/PWRITE, so the VFS answers ESPIPE before the handler.
 */
export interface FileOps {
  /** The count read (>= 0) or -errno. */
  read?(mm: AddressSpace, buf: number, count: number): number;
  /** The count written (>= 0) or -errno. */
  write?(mm: AddressSpace, buf: number, count: number): number;
  /** The ready mask (EPOLLIN, EPOLLOUT, ...). */
  poll?(): number;
  positional?: boolean;
}

/** poll(2)'s answer for a file without a poll op: EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM. */
const P = constantNum;
const DEFAULT_POLLMASK = P('POLLIN') | P('POLLOUT') | P('POLLRDNORM') | P('POLLWRNORM');
/** Always reported, whatever the caller asked: EPOLLERR | EPOLLHUP | EPOLLNVAL. */
const POLLNVAL = P('POLLNVAL');
const POLL_ALWAYS = P('POLLERR') | P('POLLHUP') | POLLNVAL;
/** MAX_RW_COUNT: INT_MAX rounded down to a page; a longer read or write is cut to it. */
const MAX_RW_COUNT = 0x7fff_f000;

const DEVICES: Record<string, (p: Process) => IommufdCtx> = {
  '/dev/iommu': (p) => new IommufdCtx(p.fail, p.pins, false, p.config),
  '/dev/vfio/vfio': (p) => new IommufdCtx(p.fail, p.pins, true, p.config),
};

const MAX_FDS = 1024;
let lastPid = 1;

export class Process {
  readonly pid = ++lastPid;
  get mm(): AddressSpace { return this.task.mm; }
  private readonly fds = new Map<number, File>();

  /** fail and pins are the engine's, shared with forked children: their files are the same iommufd contexts. */
  constructor(readonly task = new Task(), readonly fail = new FailNth(), readonly pins = new PinLedger(), readonly config: KernelConfig = TEST_KERNEL) {}

  /** fork(): the child refers to the same open files and gets a copy of the task (see Task.fork). */
  fork(): Process {
    const child = new Process(this.task.fork(), this.fail, this.pins, this.config);
    for (const [fd, f] of this.fds) {
      f.refs++;
      child.fds.set(fd, f);
    }
    // The child's copies of exported regions are its own to unmap at exit.
    child.exported.push(...this.exported);
    return child;
  }

  /** Lowest free descriptor from 3 up, as the kernel hands them out (0-2 are stdio). */
  private install(file: File): number {
    for (let fd = 3; fd < MAX_FDS; fd++) {
      if (!this.fds.has(fd)) { this.fds.set(fd, file); return fd; }
    }
    return -EMFILE;
  }

  file(fd: number): File | undefined { return this.fds.get(fd); }

  /** fd_install of a file the engine made: the new descriptor or -errno. */
  installFile(file: File): number { return this.install(file); }

  /** Every open iommufd context with its lowest descriptor, in descriptor order. */
  *iommufds(): Iterable<[number, IommufdCtx]> {
    const seen = new Set<IommufdCtx>();
    for (const fd of [...this.fds.keys()].sort((a, b) => a - b)) {
      const f = this.fds.get(fd)!;
      if (f.kind === 'iommufd' && !seen.has(f.ctx)) { seen.add(f.ctx); yield [fd, f.ctx]; }
    }
  }

  /** The iommufd context behind fd, for tests that inspect engine state. */
  iommufd(fd: number): IommufdCtx | undefined {
    const f = this.fds.get(fd);
    return f?.kind === 'iommufd' ? f.ctx : undefined;
  }

  open(path: string): number {
    // The no-IOMMU device cdev exists only with CONFIG_IOMMUFD_NOIOMMU.
    if (path === NOIOMMU_DEVICE_PATH && this.config.iommufdNoiommu) return openNoiommuDevice(this);
    const make = DEVICES[path];
    if (!make) return -ENOENT;
    return this.install({ kind: 'iommufd', ctx: make(this), refs: 1 });
  }

  close(fd: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    this.fds.delete(fd);
    if (--f.refs > 0) return 0;
    if (f.kind === 'iommufd') f.ctx.release();
    else if (f.kind === 'engine') f.release();
    return 0;
  }

  ioctl(fd: number, request: number, arg: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind === 'engine' && f.ioctl) return f.ioctl(this, request >>> 0, arg);
    if (f.kind !== 'iommufd') return -ENOTTY;
    return iommufdIoctl(f.ctx, this.task, request >>> 0, arg, this);
  }

  /** read(2) (pos undefined) or pread(2) of count bytes into buf: the count or -errno, checked as vfs_read does. */
  read(fd: number, buf: number, count: number, pos?: number): number {
    return this.rw(fd, buf, count, pos, 'read');
  }

  /** write(2) or pwrite(2) of count bytes from buf, checked as vfs_write does. */
  write(fd: number, buf: number, count: number, pos?: number): number {
    return this.rw(fd, buf, count, pos, 'write');
  }

  private rw(fd: number, buf: number, count: number, pos: number | undefined, op: 'read' | 'write'): number {
    // ksys_pread64 refuses a negative position before it looks the descriptor up.
    if (pos !== undefined && pos < 0) return -EINVAL;
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind === 'memfd') return -ENOSYS; // file contents through read(2) are not modelled
    const ops = f.kind === 'engine' ? f.ops : undefined;
    // open(2) gives FMODE_PREAD/PWRITE (/dev/iommu); an anonymous inode file the engine makes has neither.
    if (pos !== undefined && f.kind === 'engine' && !ops?.positional) return -ESPIPE;
    const handler = ops?.[op];
    if (!handler) return -EINVAL;
    if (count < 0 || buf < 0 || buf + count > TASK_SIZE) return -EFAULT; // access_ok
    return handler.call(ops, this.mm, buf, Math.min(count, MAX_RW_COUNT));
  }

  /** poll(2) of one descriptor: the revents (POLLNVAL for a descriptor that is not open). Never blocks. */
  poll(fd: number, events: number): number {
    const f = this.fds.get(fd);
    if (!f) return POLLNVAL;
    const ops = f.kind === 'engine' ? f.ops : undefined;
    const mask = ops?.poll ? ops.poll() : DEFAULT_POLLMASK;
    return mask & (events | POLL_ALWAYS);
  }

  memfdCreate(name: string): number {
    return this.install({ kind: 'memfd', backing: new Backing(0), name, refs: 1 });
  }

  ftruncate(fd: number, size: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind !== 'memfd' || !Number.isSafeInteger(size) || size < 0) return -EINVAL;
    f.backing.truncate(size);
    return 0;
  }

  /**
   * mmap of anonymous memory (fd < 0, hugetlb with MAP_HUGETLB) or of a memfd,
   * shared or, with MAP_PRIVATE, copy-on-write; returns the address or -errno.
   */
  mmap(length: number, prot: number, fd = -1, offset = 0, flags = 0): number {
    const hugetlb = (flags & MAP_HUGETLB) !== 0;
    // A memfd is no hugetlbfs file: MAP_HUGETLB on it is refused.
    if ((flags & ~(MAP_HUGETLB | MAP_PRIVATE)) || (hugetlb && fd >= 0)) return -EINVAL;
    if (fd < 0) return this.mm.mmap(length, prot, undefined, 0, hugetlb);
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind === 'iommufd') return this.mmapIommufd(f, length, prot, offset, (flags & MAP_PRIVATE) !== 0);
    if (f.kind !== 'memfd') return -EINVAL;
    return this.mm.mmap(length, prot, f.backing, offset, false, (flags & MAP_PRIVATE) !== 0);
  }

  /**
   * iommufd_fops_mmap: a region a driver exported (viommu_mmap.ts). Each
   * mapping holds the region's owner and, as a VMA holds its file, the file.
   */
  private mmapIommufd(f: File & { kind: 'iommufd' }, length: number, prot: number, offset: number, priv: boolean): number {
    // mmap(2) itself refuses an empty length or an offset off a page before the file is asked.
    if (!Number.isSafeInteger(length) || length <= 0 || offset % PAGE_SIZE) return -EINVAL;
    const len = Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
    // Only a shared mapping reaches the device's region.
    if (priv) return -EINVAL;
    const region = iommufdMmap(f.ctx, offset, len, prot);
    if (typeof region === 'number') return region;
    region.backing.mapped ??= (d) => {
      region.owner.users += d;
      f.refs += d;
      if (!f.refs) f.ctx.release();
    };
    const at = this.mm.mmap(len, prot, region.backing, 0);
    if (at >= 0) this.exported.push([at, len]);
    return at;
  }

  /** The mappings of exported regions, unmapped at exit as the kernel tears the address space down. */
  private readonly exported: [number, number][] = [];

  /** Process exit: every descriptor is closed (a file still open in another process stays). */
  exit(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
    for (const [at, len] of this.exported.splice(0)) this.mm.munmap(at, len);
  }
}
