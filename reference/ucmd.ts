// One ioctl call in flight: the kernel's struct iommufd_ucmd. Handlers read
// and write the copied-in command by field name through its layout.
import type { StructDef } from '../harness/spec/types.ts';
import { EFAULT } from './errno.ts';
import type { IommufdObject } from './object.ts';
import type { FileTable, IommufdCtx } from './main.ts';
import type { Task } from './task.ts';

/** Byte offsets of a struct's top-level fields, resolved once from spec/. */
export type Layout = Record<string, number>;

const layouts = new WeakMap<StructDef, Layout>();
export function layoutOf(def: StructDef): Layout {
  let l = layouts.get(def);
  if (!l) {
    l = Object.fromEntries(def.fields.map((f) => [f.name, f.offset]));
    layouts.set(def, l);
  }
  return l;
}

export class Ucmd {
  readonly dv: DataView;
  /** Object created by this call: finalized on success, aborted on failure (iommufd_fops_ioctl). */
  newObj?: IommufdObject;

  constructor(
    readonly ctx: IommufdCtx,
    /** The task making the call: its memory holds every user pointer. */
    readonly task: Task,
    /** User address of the argument. */
    readonly ubuffer: number,
    /** The size the caller declared in the leading u32. */
    readonly userSize: number,
    /** The kernel copy: sizeof(struct), zero-extended past userSize. */
    readonly cmd: Uint8Array,
    readonly f: Layout,
    /** The caller's file table, for ioctls that take a file descriptor. */
    readonly files?: FileTable,
    dv?: DataView,
  ) {
    this.dv = dv ?? new DataView(cmd.buffer, cmd.byteOffset, cmd.byteLength);
  }

  u16(field: string): number { return this.dv.getUint16(this.f[field]!, true); }
  u32(field: string): number { return this.dv.getUint32(this.f[field]!, true); }
  s32(field: string): number { return this.dv.getInt32(this.f[field]!, true); }
  u64(field: string): bigint { return this.dv.getBigUint64(this.f[field]!, true); }
  setU32(field: string, v: number): void { this.dv.setUint32(this.f[field]!, v, true); }
  setU64(field: string, v: bigint): void { this.dv.setBigUint64(this.f[field]!, v, true); }

  /** iommufd_ucmd_respond: copies the command back, never past the caller's size. */
  respond(size = this.cmd.length): number {
    const n = Math.min(size, this.userSize);
    return this.task.mm.copyTo(this.ubuffer, this.cmd.subarray(0, n)) < 0 ? -EFAULT : 0;
  }
}
