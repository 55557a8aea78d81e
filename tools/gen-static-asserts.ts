// Generates C11 _Static_assert checks of spec/uapi against the real Linux
// uAPI headers: one C file per header set (the "check" kind of each spec
// file). Compiling a file with -fsyntax-only against the right headers proves
// that every struct layout, constant and ioctl number of the spec matches C;
// each assertion's message names the spec file, line and item, so a failure
// points at the spec.
//
//   node --import tsx tools/gen-static-asserts.ts [--spec-root DIR] --out-dir DIR
//     writes DIR/<kind>.c for every check kind and prints one line per file:
//     kind<TAB>path<TAB>asserts<TAB>headers (comma separated)
//   node --import tsx tools/gen-static-asserts.ts [--spec-root DIR] --kind KIND
//     prints the C file of one check kind on stdout
//
// What is asserted, for the spec files of a kind:
//   - every non-anonymous struct: sizeof and _Alignof;
//   - every field: offsetof and sizeof; the element size of arrays; the
//     signedness of scalar fields; fields of anonymous member structs (the
//     "parent.member" spec entries) through their C path, e.g.
//     offsetof(struct iommu_test_cmd, add_reserved.start), plus the size and
//     alignment of the member struct itself;
//   - a flexible array member: its offset is the struct size, its element size;
//   - every enumerator and constant not marked "check": false: NAME == value;
//   - every ioctl: NAME == request and _IOC_NR(NAME) == nr.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSpec, loadSpecFrom } from '../spec/loader/load.ts';
import { lineOfPointer } from '../spec/loader/jsonpos.ts';
import { SCALAR_SIZE, type FieldDef, type ScalarType, type Spec, type StructDef, type UapiFile } from '../spec/loader/types.ts';

export type CheckKind = UapiFile['check'];
export const CHECK_KINDS: readonly CheckKind[] = ['libc-dev-newest', 'libc-dev-system', 'kernel-source', 'libc-dev-5.10'];

export interface Generated {
  kind: CheckKind;
  /** The C source. */
  text: string;
  /** Number of _Static_assert lines. */
  asserts: number;
  /** Headers included, in order, as written in #include. */
  headers: string[];
  /** Problems that do not stop generation (e.g. an anonymous struct no struct uses). */
  warnings: string[];
}

const SIGNED: ReadonlySet<ScalarType> = new Set<ScalarType>(['s32', 's64']);

/** A C string literal. */
function cstr(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/** A C integer literal of exactly this value. */
export function cint(v: bigint): string {
  if (v < 0n) {
    const abs = -v;
    if (abs > 0x7fffffffffffffffn) return '(-0x7fffffffffffffffLL - 1)';
    return `(-${abs > 255n ? `0x${abs.toString(16)}` : abs.toString()}LL)`;
  }
  if (v > 0xffffffffffffffffn) throw new Error(`value ${v} does not fit in 64 bits`);
  return v > 255n ? `0x${v.toString(16)}` : v.toString();
}

function show(v: bigint | number): string {
  const b = BigInt(v);
  return b > 255n || b < -255n ? `${b} (${b < 0n ? '-' : ''}0x${(b < 0n ? -b : b).toString(16)})` : b.toString();
}

/** Resolves "spec file:line" for JSON pointers into the spec's files. */
class Locator {
  private texts = new Map<string, string>();
  constructor(private readonly spec: Spec) {}

  at(file: string, pointer: string): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(resolve(this.spec.root, '..', file), 'utf8');
      } catch {
        text = '';
      }
      this.texts.set(file, text);
    }
    return text ? `${file}:${lineOfPointer(text, pointer)}` : file;
  }
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The C file of one check kind. */
export function generate(spec: Spec, kind: CheckKind): Generated {
  const loc = new Locator(spec);
  const files = spec.files.filter((f) => f.check === kind);
  const lines: string[] = [];
  const warnings: string[] = [];
  let asserts = 0;
  const assert = (cond: string, where: string, what: string) => {
    lines.push(`_Static_assert(${cond}, ${cstr(`${where}: ${what}`)});`);
    asserts++;
  };

  const headers: string[] = [];
  const addHeader = (h: string) => { if (!headers.includes(h)) headers.push(h); };
  if (kind === 'kernel-source') addHeader('linux/iommufd.h');
  for (const f of files) addHeader(f.header);
  const include = (h: string) => (h.startsWith('linux/') || h.startsWith('asm/') ? `#include <${h}>` : `#include "${h}"`);

  // Anonymous structs are checked through the non-anonymous structs that use them.
  const anonUsed = new Set<string>();

  const fieldAsserts = (root: StructDef, path: string, base: number, owner: StructDef, index: number, f: FieldDef) => {
    const where = loc.at(owner.file, `/structs/${esc(owner.name)}/fields/${index}`);
    const cpath = path ? `${path}.${f.name}` : f.name;
    const label = `${owner.name}.${f.name}`;
    const member = `((struct ${root.name} *)0)->${cpath}`;
    const offset = base + f.offset;
    assert(`offsetof(struct ${root.name}, ${cpath}) == ${offset}`, where,
      `${label} is at offset ${offset}${path ? ` of struct ${root.name} (${f.offset} in ${owner.name})` : ''}`);
    assert(`sizeof(${member}) == ${f.size}`, where,
      f.isArray ? `${label} is ${f.count} x ${f.elemSize} = ${f.size} bytes` : `${label} is ${f.size} bytes`);
    const elem = f.isArray ? `${member}[0]` : member;
    if (f.isArray) assert(`sizeof(${elem}) == ${f.elemSize}`, where, `${label} has ${f.elemSize}-byte elements`);
    if (f.scalar) {
      const signed = SIGNED.has(f.scalar);
      assert(`((__typeof__(${elem}))-1 < 0) == ${signed ? 1 : 0}`, where, `${label} is ${signed ? 'signed' : 'unsigned'} (${f.scalar})`);
    }
    if (f.struct?.anonymous) {
      const anon = f.struct;
      anonUsed.add(anon.name);
      const awhere = loc.at(anon.file, `/structs/${esc(anon.name)}`);
      assert(`__alignof__(${member}) == ${anon.align}`, awhere, `${anon.name} is aligned to ${anon.align}`);
      anon.fields.forEach((g, i) => fieldAsserts(root, cpath, offset, anon, i, g));
      if (anon.flexible) warnings.push(`${anon.name}: flexible array in an anonymous struct is not checked`);
    }
  };

  for (const file of files) {
    lines.push('', `/* ${file.path} (${file.header}) */`);
    for (const name of file.structs) {
      const s = spec.structs.get(name)!;
      if (s.anonymous) continue;
      const where = loc.at(s.file, `/structs/${esc(s.name)}`);
      lines.push('', `/* struct ${s.name} */`);
      assert(`sizeof(struct ${s.name}) == ${s.size}`, where, `sizeof(struct ${s.name}) is ${s.size}`);
      assert(`_Alignof(struct ${s.name}) == ${s.align}`, where, `struct ${s.name} is aligned to ${s.align}`);
      s.fields.forEach((f, i) => fieldAsserts(s, '', 0, s, i, f));
      if (s.flexible) {
        const fl = s.flexible;
        const fwhere = loc.at(s.file, `/structs/${esc(s.name)}/flexibleArray`);
        const label = `${s.name}.${fl.name}`;
        const elem = `((struct ${s.name} *)0)->${fl.name}[0]`;
        assert(`offsetof(struct ${s.name}, ${fl.name}) == ${s.size}`, fwhere, `flexible array ${label} starts at ${s.size}, the struct size`);
        if (fl.struct) {
          assert(`sizeof(${elem}) == ${fl.struct.size}`, fwhere, `${label} has ${fl.struct.size}-byte elements (struct ${fl.struct.name})`);
        } else if (fl.scalar) {
          const size = SCALAR_SIZE[fl.scalar];
          assert(`sizeof(${elem}) == ${size}`, fwhere, `${label} has ${size}-byte elements (${fl.scalar})`);
          const signed = SIGNED.has(fl.scalar);
          assert(`((__typeof__(${elem}))-1 < 0) == ${signed ? 1 : 0}`, fwhere, `${label} is ${signed ? 'signed' : 'unsigned'} (${fl.scalar})`);
        }
      }
    }
    for (const name of file.enums) {
      const e = spec.enums.get(name)!;
      const checked = [...e.values].filter(([cname]) => !e.unchecked.has(cname));
      if (!checked.length) continue;
      lines.push('', `/* ${e.kind} ${e.name} */`);
      for (const [cname, value] of checked) {
        const where = loc.at(e.file, `/enums/${esc(e.name)}/values/${esc(cname)}`);
        assert(`(${cname}) == ${cint(value)}`, where, `${cname} is ${show(value)}`);
      }
    }
    if (file.ioctls.length) lines.push('', '/* ioctls */');
    for (const name of file.ioctls) {
      const io = spec.ioctls.get(name)!;
      const base = `/ioctls/${esc(name)}`;
      assert(`(${name}) == 0x${io.request.toString(16)}`, loc.at(io.file, `${base}/request`), `${name} is request ${show(io.request)}`);
      assert(`_IOC_NR(${name}) == 0x${io.nr.toString(16)}`, loc.at(io.file, `${base}/nr`), `${name} has nr ${show(io.nr)}`);
    }
  }
  for (const file of files) {
    for (const name of file.structs) {
      const s = spec.structs.get(name)!;
      if (s.anonymous && !anonUsed.has(name)) warnings.push(`${file.path}: anonymous struct ${name} is not a member of any checked struct`);
    }
  }

  const head = [
    `/* Generated by tools/gen-static-asserts.ts from ${spec.root} (check kind ${kind}). Do not edit. */`,
    '#include <stddef.h>',
    '#include <linux/ioctl.h>',
    ...headers.map(include),
  ];
  return { kind, text: `${[...head, ...lines].join('\n')}\n`, asserts, headers, warnings };
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`gen-static-asserts: ${msg}\n`);
  process.stderr.write('usage: gen-static-asserts.ts [--spec-root DIR] (--out-dir DIR | --kind KIND) [--kind KIND]\n'
    + `  KIND is one of ${CHECK_KINDS.join(', ')}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  let specRoot: string | undefined;
  let outDir: string | undefined;
  const kinds: CheckKind[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--spec-root') specRoot = value();
    else if (a === '--out-dir') outDir = value();
    else if (a === '--kind') {
      const k = value();
      if (!(CHECK_KINDS as readonly string[]).includes(k)) usage(`unknown check kind ${k}`);
      kinds.push(k as CheckKind);
    } else if (a === '-h' || a === '--help') usage();
    else usage(`unexpected argument ${a}`);
  }
  if (!outDir && kinds.length !== 1) usage('give --out-dir, or exactly one --kind to print its file');

  let spec: Spec;
  try {
    spec = specRoot ? loadSpecFrom(resolve(specRoot)) : loadSpec();
  } catch (e) {
    const errs = e instanceof AggregateError ? e.errors : [e];
    process.stderr.write(`gen-static-asserts: the spec does not load:\n${errs.map((x) => `  ${(x as Error).message}`).join('\n')}\n`);
    process.exit(1);
  }

  const wanted = kinds.length ? kinds : [...CHECK_KINDS];
  for (const kind of wanted) {
    const g = generate(spec, kind);
    for (const w of g.warnings) process.stderr.write(`gen-static-asserts: warning: ${w}\n`);
    if (!outDir) {
      process.stdout.write(g.text);
      continue;
    }
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, `${kind}.c`);
    writeFileSync(path, g.text);
    process.stdout.write(`${kind}\t${path}\t${g.asserts}\t${g.headers.join(',')}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
