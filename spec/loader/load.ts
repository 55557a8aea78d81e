// Loads spec/: parses every JSON file, validates it against its meta-schema
// (ajv, JSON Schema 2020-12, strict) and the semantic checks of check.ts,
// then builds the Spec every other module derives from.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { lineOfOffset, lineOfPointer } from './jsonpos.ts';
import { PROJECT_ROOT } from './root.ts';
import {
  SCALAR_SIZE, SpecError,
  type EnumDef, type FieldDef, type IoctlDef, type ScalarType, type Spec, type StructDef, type UapiFile,
} from './types.ts';
import { checkStruct, checkIoctl, checkEnum } from './check.ts';
import { schemaValidators } from './validators.ts';

export const SPEC_ROOT = join(PROJECT_ROOT, 'spec');

export interface JsonDoc { path: string; rel: string; text: string; data: unknown }

/** Reads and parses one JSON file; a syntax error becomes a SpecError with its line. */
export function readJson(path: string, root = SPEC_ROOT): JsonDoc {
  const rel = relative(resolve(root, '..'), path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(rel, 0, `cannot read: ${(e as Error).message}`);
  }
  try {
    return { path, rel, text, data: JSON.parse(text) };
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    throw new SpecError(rel, m ? lineOfOffset(text, Number(m[1])) : 1, `invalid JSON: ${(e as Error).message}`);
  }
}

const validators = new Map<string, ValidateFunction>();

/** The compiled validator of a meta-schema in spec/meta. */
export function metaValidator(name: string, root = SPEC_ROOT): ValidateFunction {
  const key = `${root}:${name}`;
  let v = validators.get(key);
  if (!v) {
    v = schemaValidators(name, readJson(join(root, 'meta', name), root).data as object, { strict: true, allErrors: true }).default!;
    validators.set(key, v);
  }
  return v;
}

/** Schema errors of a document as SpecErrors with file:line. */
export function schemaErrors(doc: JsonDoc, validator: ValidateFunction): SpecError[] {
  if (validator(doc.data)) return [];
  return (validator.errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
    return new SpecError(doc.rel, lineOfPointer(doc.text, e.instancePath), `${where} ${e.message ?? 'invalid'}${extra}`);
  });
}

/**
 * Every .json file of a folder of spec/, parsed and valid against the named
 * meta-schema, in name order; problems go to `errors` with file:line.
 */
export function readValidatedDir(dir: string, schema: string, root: string, errors: SpecError[]): JsonDoc[] {
  const docs: JsonDoc[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const doc = readJson(join(dir, name), root);
      const errs = schemaErrors(doc, metaValidator(schema, root));
      if (errs.length) errors.push(...errs); else docs.push(doc);
    } catch (e) {
      if (e instanceof SpecError) errors.push(e); else throw e;
    }
  }
  return docs;
}

export function toBig(v: number | string): bigint {
  return typeof v === 'number' ? BigInt(v) : BigInt(v);
}

interface RawField {
  name: string; offset: number; type: string; count?: number; dir: FieldDef['dir'];
  mbz?: boolean; values?: string; flags?: string; union?: string; doc?: string;
}
interface RawStruct {
  size: number; align: number; anonymous?: boolean; doc?: string; fields: RawField[];
  padding?: { offset: number; size: number }[];
  flexibleArray?: { name: string; type: string };
}
interface RawEnum { kind: EnumDef['kind']; values: Record<string, { value: number | string; check?: boolean }> }
interface RawIoctl {
  nr: number | string; type?: string; request: number | string; convention: IoctlDef['convention'];
  struct?: string; lastMandatory?: string; minSize?: number; since: string; requires?: string;
}
interface RawUapi {
  header: string; check: UapiFile['check'];
  structs: Record<string, RawStruct>; enums: Record<string, RawEnum>; ioctls: Record<string, RawIoctl>;
}

/** Loads and checks the whole spec; throws an AggregateError of SpecErrors on any problem. */
export function loadSpecFrom(root: string): Spec {
  const errors: SpecError[] = [];
  const spec: Spec = {
    root, files: [], structs: new Map(), enums: new Map(), constants: new Map(),
    ioctls: new Map(), ioctlByRequest: new Map(), errno: new Map(), errnoName: new Map(),
  };
  const docs = readValidatedDir(join(root, 'uapi'), 'uapi.schema.json', root, errors).map((doc) => ({ doc, raw: doc.data as RawUapi }));
  const where = new Map<string, { doc: JsonDoc; pointer: string }>();
  const dup = (doc: JsonDoc, pointer: string, kind: string, name: string, seen: Map<string, unknown>) => {
    if (!seen.has(name)) return false;
    errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, pointer), `${kind} ${name} is described twice`));
    return true;
  };
  // Enums and constants first: fields and ioctls refer to them.
  for (const { doc, raw } of docs) {
    const file: UapiFile = { path: doc.rel, header: raw.header, check: raw.check, structs: [], enums: [], ioctls: [] };
    spec.files.push(file);
    for (const [name, e] of Object.entries(raw.enums)) {
      const ptr = `/enums/${name}`;
      if (dup(doc, ptr, 'enum', name, spec.enums)) continue;
      const def: EnumDef = { name, kind: e.kind, values: new Map(), unchecked: new Set(), file: doc.rel, header: raw.header };
      for (const [cname, v] of Object.entries(e.values)) {
        const value = toBig(v.value);
        def.values.set(cname, value);
        if (v.check === false) def.unchecked.add(cname);
        if (spec.constants.has(cname)) {
          errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `${ptr}/values/${cname}`), `constant ${cname} is described twice`));
        } else spec.constants.set(cname, { value, enumName: name });
      }
      spec.enums.set(name, def);
      file.enums.push(name);
      where.set(`enum:${name}`, { doc, pointer: ptr });
    }
  }
  for (const { doc, raw } of docs) {
    const file = spec.files.find((f) => f.path === doc.rel)!;
    for (const name of Object.keys(raw.structs)) {
      if (dup(doc, `/structs/${name}`, 'struct', name, spec.structs)) continue;
      spec.structs.set(name, undefined as unknown as StructDef);
      file.structs.push(name);
      where.set(`struct:${name}`, { doc, pointer: `/structs/${name}` });
    }
  }
  // Build structs depth-first so nested types are complete before their users.
  const building = new Set<string>();
  const build = (name: string): StructDef | undefined => {
    const done = spec.structs.get(name);
    if (done) return done;
    const at = where.get(`struct:${name}`);
    if (!at) return undefined;
    const { doc } = at;
    const raw = (doc.data as RawUapi).structs[name]!;
    if (building.has(name)) {
      errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, at.pointer), `struct ${name} contains itself`));
      return undefined;
    }
    building.add(name);
    const def: StructDef = {
      name, size: raw.size, align: raw.align, anonymous: raw.anonymous ?? false, fields: [], byName: new Map(),
      padding: raw.padding ?? [], file: doc.rel, header: (doc.data as RawUapi).header, doc: raw.doc,
    };
    raw.fields.forEach((f, i) => {
      const ptr = `${at.pointer}/fields/${i}`;
      const count = f.count ?? 1;
      let scalar: ScalarType | undefined;
      let nested: StructDef | undefined;
      if (f.type.startsWith('struct:')) {
        nested = build(f.type.slice(7));
        if (!nested) {
          errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, ptr), `${name}.${f.name}: unknown type ${f.type}`));
          return;
        }
      } else scalar = f.type as ScalarType;
      const elemSize = nested ? nested.size : SCALAR_SIZE[scalar!];
      const field: FieldDef = {
        name: f.name, offset: f.offset, scalar, struct: nested, count, isArray: f.count !== undefined,
        elemSize, size: elemSize * count, dir: f.dir, mbz: f.mbz ?? false, values: f.values, flags: f.flags,
        union: f.union, doc: f.doc,
      };
      if (def.byName.has(f.name)) {
        errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, ptr), `${name}.${f.name}: field described twice`));
        return;
      }
      def.fields.push(field);
      def.byName.set(f.name, field);
    });
    if (raw.flexibleArray) {
      const t = raw.flexibleArray.type;
      const nested = t.startsWith('struct:') ? build(t.slice(7)) : undefined;
      if (t.startsWith('struct:') && !nested) {
        errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `${at.pointer}/flexibleArray`), `${name}: unknown type ${t}`));
      }
      def.flexible = { name: raw.flexibleArray.name, struct: nested, scalar: nested ? undefined : (t as ScalarType) };
    }
    building.delete(name);
    for (const msg of checkStruct(def, spec)) {
      errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `${at.pointer}${msg.pointer}`), msg.text));
    }
    spec.structs.set(name, def);
    return def;
  };
  for (const name of [...spec.structs.keys()]) build(name);
  for (const { doc, raw } of docs) {
    const file = spec.files.find((f) => f.path === doc.rel)!;
    for (const name of file.enums) {
      for (const msg of checkEnum(spec.enums.get(name)!)) {
        errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `/enums/${name}${msg.pointer}`), msg.text));
      }
    }
    for (const [name, r] of Object.entries(raw.ioctls)) {
      const ptr = `/ioctls/${name}`;
      if (dup(doc, ptr, 'ioctl', name, spec.ioctls)) continue;
      const def: IoctlDef = {
        name, nr: Number(toBig(r.nr)), type: r.type ?? ';', request: Number(toBig(r.request)), convention: r.convention,
        struct: r.struct ? spec.structs.get(r.struct) : undefined, lastMandatory: r.lastMandatory,
        minSize: r.minSize ?? 0, since: r.since, requires: r.requires, file: doc.rel, header: raw.header,
      };
      for (const msg of checkIoctl(def, r.struct)) {
        errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `${ptr}${msg.pointer}`), msg.text));
      }
      const clash = spec.ioctlByRequest.get(def.request);
      if (clash) errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, ptr), `${name} has the request value of ${clash.name}`));
      spec.ioctls.set(name, def);
      spec.ioctlByRequest.set(def.request, def);
      file.ioctls.push(name);
    }
  }
  loadErrno(root, spec, errors);
  if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('\n'));
  return spec;
}

function loadErrno(root: string, spec: Spec, errors: SpecError[]): void {
  try {
    const doc = readJson(join(root, 'errno.json'), root);
    const errs = schemaErrors(doc, metaValidator('errno.schema.json', root));
    if (errs.length) { errors.push(...errs); return; }
    const data = doc.data as { errno: Record<string, { value: number }>; aliases: Record<string, string> };
    for (const [name, e] of Object.entries(data.errno)) {
      spec.errno.set(name, e.value);
      if (!spec.errnoName.has(e.value)) spec.errnoName.set(e.value, name);
    }
    for (const [alias, target] of Object.entries(data.aliases)) {
      const v = spec.errno.get(target);
      if (v === undefined) errors.push(new SpecError(doc.rel, lineOfPointer(doc.text, `/aliases/${alias}`), `alias of unknown ${target}`));
      else spec.errno.set(alias, v);
    }
  } catch (e) {
    if (e instanceof SpecError) errors.push(e); else throw e;
  }
}

let cached: Spec | undefined;

/** The project's spec, loaded and checked once per process. */
export function loadSpec(): Spec {
  cached ??= loadSpecFrom(SPEC_ROOT);
  return cached;
}

/** Errno number by name; throws for a name the spec does not know (a programming error). */
export function errno(name: string): number {
  const v = loadSpec().errno.get(name);
  if (v === undefined) throw new Error(`unknown errno ${name}`);
  return v;
}
