// What the two event queues share (struct iommufd_eventq): the object, the
// list of records waiting to be read, and the anonymous-inode file a queue
// is read through. The file holds the object (IOMMU_DESTROY answers EBUSY
// while it is open) and the whole iommufd context, as iommufd_eventq_init
// takes both; its release drops them. Fault queues are fault.ts.
import { constantNum } from '../spec/loader/constants.ts';
import { ENOMEM } from './errno.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject, type ObjType } from './object.ts';
import type { File, FileOps } from './process.ts';
import type { FileTable } from './context.ts';
import type { Ucmd } from './ucmd.ts';

const EPOLLIN = constantNum('POLLIN');
const EPOLLRDNORM = constantNum('POLLRDNORM');
/** A fault queue can always take a response (fault.ts). */
export const EPOLLOUT = constantNum('POLLOUT');

/**
 * The deliver list: first in, first out, a record put back at the head when
 * a read cannot take it, and a removal of every record a predicate picks
 * (the kernel's list walk). Amortised O(1) per push and shift.
 */
export class Deque<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number { return this.items.length - this.head; }
  push(v: T): void { this.items.push(v); }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return v;
  }
  /** list_add at the head: the record a read just took goes back first. */
  unshift(v: T): void {
    if (this.head > 0) this.items[--this.head] = v;
    else this.items.unshift(v);
  }
  peek(): T | undefined { return this.length ? this.items[this.head] : undefined; }
  last(): T | undefined { return this.length ? this.items[this.items.length - 1] : undefined; }
  pop(): T | undefined { return this.length ? this.items.pop() : undefined; }
  /** Removes and returns every record `pick` selects, the others keep their order. */
  take(pick: (v: T) => boolean): T[] {
    const out: T[] = [], keep: T[] = [];
    for (let i = this.head; i < this.items.length; i++) (pick(this.items[i]!) ? out : keep).push(this.items[i]!);
    this.items = keep;
    this.head = 0;
    return out;
  }
  *[Symbol.iterator](): Iterator<T> { for (let i = this.head; i < this.items.length; i++) yield this.items[i]!; }
}

export abstract class EventQueue<T> extends IommufdObject implements FileOps {
  abstract override readonly type: ObjType;
  readonly deliver = new Deque<T>();
  /** Whether the queue's file is open (it holds the object and the context). */
  fileOpen = false;

  constructor(readonly ctx: IommufdCtx) { super(); }

  /** The file's poll: readable while a record waits (a fault queue is also always writable). */
  poll(): number { return this.deliver.length ? EPOLLIN | EPOLLRDNORM : 0; }

  /**
   * iommufd_eventq_init and the fd: the file (anon_inode_getfile, which can
   * fail), then a descriptor. The new descriptor, or -errno with nothing
   * held; the caller installs nothing else.
   */
  openFile(files: FileTable, name: string): number {
    if (this.ctx.fail.shouldFail()) return -ENOMEM;
    const file: File = { kind: 'engine', name, owner: this, refs: 1, ops: this, release: () => this.releaseFile() };
    this.fileOpen = true;
    this.users++;
    this.ctx.fileRefs++;
    const fd = files.installFile(file);
    if (fd < 0) this.releaseFile();
    return fd;
  }

  /**
   * The end of an allocation ioctl: the queue's descriptor, the object's id and
   * the descriptor written to the given offsets, and the reply. A reply that
   * cannot be copied out takes the descriptor back (put_unused_fd: it was never
   * the caller's); its file goes with the aborted object.
   */
  respondWithFile(ucmd: Ucmd, files: FileTable, name: string, idAt: number, fdAt: number): number {
    const fd = this.openFile(files, name);
    if (fd < 0) return fd;
    ucmd.setU32(idAt, this.id);
    ucmd.setU32(fdAt, fd);
    const r = ucmd.respond();
    if (r) files.close(fd);
    return r;
  }

  /** iommufd_eventq_fops_release: the object and the context are let go. */
  private releaseFile(): void {
    this.fileOpen = false;
    this.users--;
    this.ctx.putFileRef();
  }

  protected queueText(): string { return `file=${this.fileOpen ? 'open' : 'closed'} pending=${this.deliver.length}`; }
}
