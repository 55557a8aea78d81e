// One ioctl call in flight: the kernel's struct iommufd_ucmd. Handlers read
// and write the copied-in command by field name through its layout.
import { loadSpec } from '../spec/loader/load.ts';
import type { StructDef } from '../spec/loader/types.ts';
import { EFAULT } from './errno.ts';
import type { IommufdObject } from './object.ts';
import type { FileTable, IommufdCtx } from './context.ts';
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

/** The top-level field offsets of a struct of spec/ by name, for a handler's own constants. */
export function fieldsOf(struct: string): Layout {
  return layoutOf(loadSpec().structs.get(struct)!);
}

/**
 * The field offsets of one member struct (a payload of a union, say) counted
 * from the start of the outer struct, as a handler reads them from its Ucmd.
 */
export function payloadOf(struct: string, member: string): Layout {
  const mem = loadSpec().structs.get(struct)!.byName.get(member)!;
  return Object.fromEntries(Object.entries(layoutOf(mem.struct!)).map(([name, off]) => [name, mem.offset + off]));
}

export class Ucmd {
  readonly dv: DataView;
  /** Object created by this call: finalized on success, aborted on failure (iommufd_fops_ioctl). */
  newObj?: IommufdObject = undefined;
  ctx!: IommufdCtx;
  /** The task making the call: its memory holds every user pointer. */
  task!: Task;
  /** User address of the argument. */
  ubuffer = 0;
  /** The size the caller declared in the leading u32. */
  userSize = 0;
  /** The caller's file table, for ioctls that take a file descriptor. */
  files?: FileTable = undefined;

  constructor(
    /** The kernel copy: sizeof(struct), zero-extended past userSize. */
    readonly cmd: Uint8Array,
  ) {
    this.dv = new DataView(cmd.buffer, cmd.byteOffset, cmd.byteLength);
  }

  /** Starts a call; the op's Ucmd is reused between calls. The copy-in overwrites the command up to userSize: only the rest is zeroed. */
  begin(ctx: IommufdCtx, task: Task, ubuffer: number, userSize: number, files?: FileTable): this {
    if (userSize < this.cmd.length) this.cmd.fill(0, userSize);
    this.ctx = ctx; this.task = task; this.ubuffer = ubuffer; this.userSize = userSize; this.files = files;
    this.newObj = undefined;
    return this;
  }

  // Fields by byte offset (see fieldsOf): each handler's offsets are its own
  // constants, where a lookup by name here would be one lookup shared by every op.
  u16(off: number): number { return this.dv.getUint16(off, true); }
  u32(off: number): number { return this.dv.getUint32(off, true); }
  s32(off: number): number { return this.dv.getInt32(off, true); }
  u64(off: number): bigint { return this.dv.getBigUint64(off, true); }
  /** The upper and lower halves of a u64 field: hot paths compute with them instead of a bigint (see u64.ts). */
  hi(off: number): number { return this.dv.getUint32(off + 4, true); }
  lo(off: number): number { return this.dv.getUint32(off, true); }
  setU32(off: number, v: number): void { this.dv.setUint32(off, v, true); }
  setU64(off: number, v: bigint): void { this.dv.setBigUint64(off, v, true); }
  setHL(off: number, hi: number, lo: number): void {
    this.dv.setUint32(off, lo, true);
    this.dv.setUint32(off + 4, hi, true);
  }

  /** iommufd_ucmd_respond: copies the command back, never past the caller's size. */
  respond(size = this.cmd.length): number {
    return this.task.mm.copyTo(this.ubuffer, this.cmd, Math.min(size, this.userSize), this.dv) < 0 ? -EFAULT : 0;
  }
}
