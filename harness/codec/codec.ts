// Encodes objects to the little-endian bytes of a struct and decodes them
// back, driven only by the struct descriptions of spec/.
import type { FieldDef, StructDef } from '../../spec/loader/types.ts';
import { CodecError, validateObject } from './schema.ts';
import { parseIntLiteral, readScalar, writeScalar } from './scalar.ts';

export type Scalar = number | bigint | string;
export type FieldValue = Scalar | FieldValue[] | StructObject;
export interface StructObject { [field: string]: FieldValue }

function toBigInt(v: Scalar, path: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  const b = parseIntLiteral(v);
  if (b === undefined) throw new CodecError(path, `not an integer: ${v}`);
  return b;
}

function writeField(dv: DataView, base: number, f: FieldDef, v: FieldValue, path: string): void {
  const items = f.isArray ? (v as FieldValue[]) : [v];
  items.forEach((item, i) => {
    const off = base + f.offset + i * f.elemSize;
    if (f.struct) writeStruct(dv, off, f.struct, item as StructObject, `${path}[${i}]`);
    else writeScalar(dv, off, f.scalar!, toBigInt(item as Scalar, path));
  });
}

function writeStruct(dv: DataView, base: number, def: StructDef, obj: StructObject, path: string): void {
  const unionSeen = new Map<string, string>();
  for (const [name, v] of Object.entries(obj)) {
    const f = def.byName.get(name)!;
    if (f.union) {
      const other = unionSeen.get(f.union);
      if (other) throw new CodecError(`${path}${name}`, `shares storage with ${other}; give only one`);
      unionSeen.set(f.union, name);
    }
    writeField(dv, base, f, v, `${path}${name}`);
  }
}

export interface EncodeOptions {
  /** Fill the leading size/argsz field with the struct size when the object leaves it out (default true). */
  autoSize?: boolean;
}

/** Validates `obj` against the struct's schema and encodes it; fields not given are zero. */
export function encode(def: StructDef, obj: StructObject, opts: EncodeOptions = {}): Uint8Array {
  const errors = validateObject(def, obj);
  if (errors.length) throw errors[0]!;
  const bytes = new Uint8Array(def.size);
  const dv = new DataView(bytes.buffer);
  const lead = def.fields[0];
  const full: StructObject = { ...obj };
  if ((opts.autoSize ?? true) && lead && (lead.name === 'size' || lead.name === 'argsz') && lead.offset === 0 && !(lead.name in obj)) {
    full[lead.name] = def.size;
  }
  writeStruct(dv, 0, def, full, '');
  return bytes;
}

function readField(dv: DataView, base: number, f: FieldDef): FieldValue {
  const one = (i: number): FieldValue => {
    const off = base + f.offset + i * f.elemSize;
    return f.struct ? readStruct(dv, off, f.struct) : readScalar(dv, off, f.scalar!);
  };
  return f.isArray ? Array.from({ length: f.count }, (_, i) => one(i)) : one(0);
}

function readStruct(dv: DataView, base: number, def: StructDef): StructObject {
  const out: StructObject = {};
  for (const f of def.fields) {
    if (base + f.offset + f.size <= dv.byteLength) out[f.name] = readField(dv, base, f);
  }
  return out;
}

/** Decodes the bytes of a struct; fields beyond a short buffer are left out. */
export function decode(def: StructDef, bytes: Uint8Array): StructObject {
  return readStruct(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, def);
}

/** Finds a field by dotted path (e.g. "add_reserved.start") with its absolute offset. */
export function fieldAt(def: StructDef, path: string): { field: FieldDef; offset: number } | undefined {
  let cur: StructDef | undefined = def;
  let base = 0;
  let found: FieldDef | undefined;
  for (const part of path.split('.')) {
    found = cur?.byName.get(part);
    if (!found) return undefined;
    base += found.offset;
    cur = found.struct;
  }
  return found ? { field: found, offset: base } : undefined;
}

/** Reads one (possibly nested) field of encoded bytes by dotted path. */
export function readPath(def: StructDef, bytes: Uint8Array, path: string): FieldValue | undefined {
  const at = fieldAt(def, path);
  if (!at || at.offset + at.field.size > bytes.byteLength) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return readField(dv, at.offset - at.field.offset, at.field);
}

/** Turns a flat {"a.b": v} table into the nested object the codec takes. */
export function nest(flat: Record<string, FieldValue>): StructObject {
  const out: StructObject = {};
  for (const [path, v] of Object.entries(flat)) {
    const parts = path.split('.');
    let cur = out;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as StructObject;
    cur[parts.at(-1)!] = v;
  }
  return out;
}
