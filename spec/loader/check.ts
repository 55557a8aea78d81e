// Semantic checks the JSON Schema cannot express: layouts without overlaps or
// undeclared gaps, sizes that add up, ioctl numbers that match their parts.
import { SCALAR_SIZE, type EnumDef, type IoctlDef, type Spec, type StructDef } from './types.ts';

export interface CheckMsg { pointer: string; text: string }

interface Extent { start: number; end: number; what: string; pointer: string }

function naturalAlign(def: StructDef, i: number): number {
  const f = def.fields[i]!;
  if (f.struct) return f.struct.align;
  return f.scalar === 'u64' || f.scalar === 's64' ? 8 : f.elemSize;
}

export function checkStruct(def: StructDef, spec: Spec): CheckMsg[] {
  const out: CheckMsg[] = [];
  const extents: Extent[] = [];
  const unions = new Map<string, Extent>();
  let maxAlign = 1;
  def.fields.forEach((f, i) => {
    const pointer = `/fields/${i}`;
    const align = naturalAlign(def, i);
    maxAlign = Math.max(maxAlign, align);
    if (f.offset % align !== 0) out.push({ pointer, text: `${def.name}.${f.name}: offset ${f.offset} is not a multiple of its alignment ${align}` });
    for (const [key, kind] of [['values', 'values'], ['flags', 'flags']] as const) {
      const ref = f[key];
      if (ref && !spec.enums.has(ref)) out.push({ pointer, text: `${def.name}.${f.name}: ${kind} refers to unknown enum ${ref}` });
    }
    const ext = { start: f.offset, end: f.offset + f.size, what: `field ${f.name}`, pointer };
    if (f.union) {
      const u = unions.get(f.union);
      if (!u) unions.set(f.union, { ...ext, what: `union ${f.union}` });
      else { u.start = Math.min(u.start, ext.start); u.end = Math.max(u.end, ext.end); }
    } else extents.push(ext);
  });
  for (const [name, u] of unions) {
    const members = def.fields.filter((f) => f.union === name);
    if (members.some((f) => f.offset !== u.start)) out.push({ pointer: u.pointer, text: `${def.name}: members of union ${name} must start at the same offset` });
    extents.push(u);
  }
  if (def.flexible) {
    const fl = def.flexible;
    maxAlign = Math.max(maxAlign, fl.struct ? fl.struct.align : fl.scalar === 'u64' || fl.scalar === 's64' ? 8 : SCALAR_SIZE[fl.scalar!]);
  }
  def.padding.forEach((p, i) => extents.push({ start: p.offset, end: p.offset + p.size, what: 'padding', pointer: `/padding/${i}` }));
  extents.sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  let prev = 'the start';
  for (const e of extents) {
    if (e.start < pos) out.push({ pointer: e.pointer, text: `${def.name}: ${e.what} at ${e.start} overlaps ${prev} (which ends at ${pos})` });
    else if (e.start > pos) out.push({ pointer: e.pointer, text: `${def.name}: undeclared gap of ${e.start - pos} bytes at offset ${pos}, after ${prev}` });
    if (e.end >= pos) { pos = e.end; prev = e.what; }
  }
  if (pos !== def.size) out.push({ pointer: '/size', text: `${def.name}: size is ${def.size} but the fields and padding end at ${pos}` });
  if (def.align !== maxAlign) out.push({ pointer: '/align', text: `${def.name}: align is ${def.align} but its widest member needs ${maxAlign}` });
  if (def.size % def.align !== 0) out.push({ pointer: '/size', text: `${def.name}: size ${def.size} is not a multiple of align ${def.align}` });
  return out;
}

export function checkEnum(def: EnumDef): CheckMsg[] {
  const out: CheckMsg[] = [];
  if (def.kind !== 'flags') return out;
  for (const [name, v] of def.values) {
    if (v !== 0n && (v & (v - 1n)) !== 0n) out.push({ pointer: `/values/${name}`, text: `${def.name}.${name}: a flag must be a single bit, not ${v}` });
  }
  return out;
}

/** _IO(type, nr) as the kernel's asm-generic/ioctl.h composes it (no size, no direction). */
export function ioRequest(type: string, nr: number): number {
  return (type.charCodeAt(0) << 8) | nr;
}

export function checkIoctl(def: IoctlDef, structName: string | undefined): CheckMsg[] {
  const out: CheckMsg[] = [];
  const want = ioRequest(def.type, def.nr);
  if (def.request !== want) out.push({ pointer: '/request', text: `${def.name}: request 0x${def.request.toString(16)} is not _IO('${def.type}', 0x${def.nr.toString(16)}) = 0x${want.toString(16)}` });
  const needsStruct = def.convention === 'size' || def.convention === 'argsz';
  if (!needsStruct) {
    if (structName || def.lastMandatory) out.push({ pointer: '', text: `${def.name}: convention ${def.convention} takes no struct` });
    return out;
  }
  if (!def.struct) {
    out.push({ pointer: '/struct', text: `${def.name}: struct ${structName ?? '(missing)'} is not described` });
    return out;
  }
  const lead = def.convention === 'size' ? 'size' : 'argsz';
  const first = def.struct.byName.get(lead);
  if (!first || first.offset !== 0 || first.scalar !== 'u32') out.push({ pointer: '/struct', text: `${def.name}: ${def.struct.name} must start with a u32 ${lead}` });
  const last = def.lastMandatory ? def.struct.byName.get(def.lastMandatory) : undefined;
  if (!last) out.push({ pointer: '/lastMandatory', text: `${def.name}: lastMandatory ${def.lastMandatory ?? '(missing)'} is not a field of ${def.struct.name}` });
  else if (def.minSize !== last.offset + last.size) out.push({ pointer: '/minSize', text: `${def.name}: minSize ${def.minSize} is not the end of ${last.name} (${last.offset + last.size})` });
  return out;
}
