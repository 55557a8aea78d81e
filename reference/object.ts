// The object table of one iommufd: ids allocated lowest-free from 1, never 0;
// an object is reserved first and published ("finalized") only once its
// ioctl can no longer fail, else aborted, so a failed ioctl leaves nothing.
import { EBUSY, ENOENT, ENOMEM } from './errno.ts';
import type { FailNth } from './fail.ts';
import { MinHeap } from './heap.ts';

/** The kernel's enum iommufd_object_type, by name. */
export type ObjType =
  | 'DEVICE' | 'HWPT_PAGING' | 'HWPT_NESTED' | 'IOAS' | 'ACCESS' | 'FAULT'
  | 'VIOMMU' | 'VDEVICE' | 'VEVENTQ' | 'HW_QUEUE' | 'SELFTEST';

export abstract class IommufdObject {
  id = 0;
  /** 1 for the table's own reference; every object or in-flight user that depends on this one adds 1. */
  users = 1;
  abstract readonly type: ObjType;
  /** Releases what the object holds; called once when it leaves the table. */
  destroy(): void {}
  /** What the object holds, as canonical text for IommufdCtx.observe(). */
  describe(): string { return ''; }
  /** Undoes a partial set-up when the creating ioctl fails; defaults to destroy. */
  abort(): void { this.destroy(); }
}

const XA_LIMIT = 2 ** 31 - 1;

export class ObjectTable {
  /** null marks a reserved id whose object is not yet finalized. */
  private entries = new Map<number, IommufdObject | null>();
  private free = new MinHeap();
  private next = 1;
  private readonly tombs = new Set<number>();

  constructor(private readonly fail: FailNth) {}

  get count(): number { return this.entries.size; }

  /** Reserves the lowest free id for obj; returns 0 or -errno. */
  reserve(obj: IommufdObject): number {
    if (this.fail.shouldFail()) return -ENOMEM;
    let id = this.free.pop();
    if (id === undefined) {
      if (this.next > XA_LIMIT) return -EBUSY;
      id = this.next++;
    }
    obj.id = id;
    this.entries.set(id, null);
    return 0;
  }

  finalize(obj: IommufdObject): void {
    this.entries.set(obj.id, obj);
  }

  /** Drops a reserved, never-finalized object after undoing its set-up. */
  abort(obj: IommufdObject): void {
    obj.abort();
    this.release(obj.id);
  }

  private release(id: number): void {
    this.entries.delete(id);
    if (id === this.next - 1) this.next--;
    else this.free.push(id);
    while (this.next > 1 && this.free.peek() === this.next - 1) { this.free.pop(); this.next--; }
  }

  /**
   * iommufd_object_tombstone_user: destroys an object the kernel removes on
   * its own (a vDEVICE whose device is unbound) and keeps its id taken until
   * the file is closed; IOMMU_DESTROY of the id then answers ENOENT.
   */
  tombstone(obj: IommufdObject): void {
    if (this.entries.get(obj.id) !== obj || obj.users !== 1) return;
    obj.users = 0;
    this.entries.set(obj.id, null);
    this.tombs.add(obj.id);
    obj.destroy();
  }

  /** The ids left as tombstones, lowest first. */
  tombstones(): number[] { return [...this.tombs].sort((a, b) => a - b); }

  /** A finalized object of the given type (any type when omitted), or undefined (ENOENT). */
  get<T extends IommufdObject>(id: number, type?: ObjType): T | undefined {
    const obj = this.entries.get(id);
    if (!obj || (type && obj.type !== type)) return undefined;
    return obj as T;
  }

  /** IOMMU_DESTROY: 0, -ENOENT for no finalized object, -EBUSY while others depend on it. */
  remove(id: number): number {
    const obj = this.entries.get(id);
    if (!obj) return -ENOENT;
    if (obj.users !== 1) return -EBUSY;
    obj.users = 0;
    this.release(id);
    obj.destroy();
    return 0;
  }

  /** Every finalized object, lowest id first. */
  all(): IommufdObject[] {
    return [...this.entries.entries()].filter(([, o]) => o).sort((a, b) => a[0] - b[0]).map(([, o]) => o!);
  }

  /** Destroys everything as release() of the file does: leaves first, until empty. */
  destroyAll(): void {
    for (;;) {
      const live = this.all();
      if (!live.length) break;
      let progressed = false;
      for (const obj of live) {
        if (obj.users !== 1) continue;
        this.remove(obj.id);
        progressed = true;
      }
      if (!progressed) break; // a users-count bug; the kernel WARNs here
    }
  }
}
