// The simulated calling process: its file descriptor table and its address
// space. Files are iommufd contexts (/dev/iommu, /dev/vfio/vfio) and
// memfd-like files. This is what a backend's syscalls act on.
import { EBADF, EINVAL, EMFILE, ENOENT, ENOTTY } from './errno.ts';
import { FailNth } from './fail.ts';
import { IommufdCtx } from './main.ts';
import { Task } from './task.ts';
import { type AddressSpace, Backing } from './usermem.ts';


export type File =
  | { kind: 'iommufd'; ctx: IommufdCtx }
  | { kind: 'memfd'; backing: Backing; name: string }
  /** A file the engine creates (the selftest's access file); release() runs on close. */
  | { kind: 'engine'; name: string; release(): void };

const DEVICES: Record<string, (p: Process) => IommufdCtx> = {
  '/dev/iommu': (p) => new IommufdCtx(p.fail),
  '/dev/vfio/vfio': (p) => new IommufdCtx(p.fail, true),
};

const MAX_FDS = 1024;

export class Process {
  readonly task = new Task();
  get mm(): AddressSpace { return this.task.mm; }
  readonly fail = new FailNth();
  private readonly fds = new Map<number, File>();

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

  /** The iommufd context behind fd, for tests that inspect engine state. */
  iommufd(fd: number): IommufdCtx | undefined {
    const f = this.fds.get(fd);
    return f?.kind === 'iommufd' ? f.ctx : undefined;
  }

  open(path: string): number {
    const make = DEVICES[path];
    if (!make) return -ENOENT;
    return this.install({ kind: 'iommufd', ctx: make(this) });
  }

  close(fd: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    this.fds.delete(fd);
    if (f.kind === 'iommufd') f.ctx.release();
    else if (f.kind === 'engine') f.release();
    return 0;
  }

  ioctl(fd: number, request: number, arg: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind !== 'iommufd') return -ENOTTY;
    return f.ctx.ioctl(this.task, request >>> 0, arg, this);
  }

  memfdCreate(name: string): number {
    return this.install({ kind: 'memfd', backing: new Backing(0), name });
  }

  ftruncate(fd: number, size: number): number {
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind !== 'memfd' || !Number.isSafeInteger(size) || size < 0) return -EINVAL;
    f.backing.truncate(size);
    return 0;
  }

  /** mmap of anonymous memory (fd < 0) or of a memfd; returns the address or -errno. */
  mmap(length: number, prot: number, fd = -1, offset = 0): number {
    if (fd < 0) return this.mm.mmap(length, prot);
    const f = this.fds.get(fd);
    if (!f) return -EBADF;
    if (f.kind !== 'memfd') return -EINVAL;
    return this.mm.mmap(length, prot, f.backing, offset);
  }

  /** Process exit: every file is closed. */
  exit(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }
}
