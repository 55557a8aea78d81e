// Finds the text a rule's `source` cites in a kernel tree, so that a hash of
// it can tell when the cited text changed. What is extracted, by kind:
// - a function, or a table (`iommufd_ioctl_ops`), of a .c or .h file: its
//   top-level definition from the line that starts it to its closing brace;
//   a macro: its #define with continuation lines;
// - `struct X` / `enum X` of a header: the definition and the kernel-doc
//   comment right above it; `DOC: Title`: that comment block; a constant:
//   its #define, or the enum that holds it (with its kernel-doc);
// - an rst section title: the section, from its heading to the next heading
//   of the same or a higher level.
// A name not in the file cited is looked for in the other .c and .h files of
// its folder (under drivers/) and of drivers/iommu/iommufd and generic_pt (the
// rule then records where it was found). An rst title that is no heading
// falls back to the paragraph holding the text after its colon.
// A parenthesised note in a section ("(flags: must be 0)") only explains; the
// whole definition is hashed. Names that are none of these are not located.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Located { file: string; name: string; kind: string; from: number; to: number; text: string }
export interface Missing { file: string; name: string; why: string }
export interface Item { file: string; name: string; candidates: string[] }

/** The code files of the folders searched when a name is not where the rule says (the function moved, or the rule cites its caller's file). */
function fallbackFiles(tree: string, cited: string): string[] {
  // Not include/: its folders hold hundreds of unrelated headers.
  const dirs = [...new Set([...(cited.startsWith('drivers/') ? [dirname(cited)] : []), ...FALLBACK_DIRS])];
  return dirs.flatMap((d) => {
    const abs = join(tree, d);
    if (!existsSync(abs)) return [];
    return readdirSync(abs).filter((f) => /\.[ch]$/.test(f)).sort().map((f) => join(d, f));
  });
}

/** Splits at depth 0 of parentheses and brackets on any of the separators. */
function splitTop(s: string, seps: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth = Math.max(0, depth - 1);
    if (depth === 0 && seps.includes(ch)) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** The section without its notes: "iopt_alloc_iova (the lowest)" -> "iopt_alloc_iova". */
const withoutNotes = (s: string) => s.replace(/\([^()]*(?:\([^()]*\)[^()]*)*\)/g, '').replace(/\[\]/g, '').replace(/\s+/g, ' ').trim();

const FALLBACK_DIRS = ['drivers/iommu/iommufd', 'drivers/iommu/generic_pt'];
const SEARCH_DIRS = ['drivers/iommu/iommufd', 'drivers/iommu', 'include/uapi/linux', 'include/linux', 'tools/testing/selftests/iommu'];

/** The files and names a rule's source cites. */
export function citedItems(source: { doc: string; section: string }, tree: string): Item[] {
  const [first, ...others] = source.doc.split(/\s*,\s*/);
  const base = dirname(first!);
  const resolveName = (f: string) => [f, join(base, f), ...SEARCH_DIRS.map((d) => join(d, f))].find((p) => existsSync(join(tree, p))) ?? join(base, f);
  const docs = [first!, ...others.map(resolveName)];
  const isRst = first!.endsWith('.rst');
  const out: Item[] = [];
  const parts = splitTop(source.section, isRst ? ';' : ';,').flatMap((x) => isRst ? [x] : withoutNotes(x).split(/ and /));
  for (const raw of parts) {
    // "copy_struct_from_user in iommufd_fops_ioctl": the function it is in.
    let text = withoutNotes(raw).replace(/^\w+ in (\w+)$/, '$1');
    let candidates = docs;
    // "pages.c iopt_pages_update_pinned", "generic_pt/iommu_pt.h map_pages": another file's name first.
    const pre = /^([\w/.-]+\.(?:c|h|rst)) +(.+)$/.exec(text);
    if (pre) { candidates = [resolveName(pre[1]!)]; text = pre[2]!; }
    if (!text) continue;
    // "iommufd_ioctl_ops.min_size" names the table.
    if (!isRst) text = text.replace(/^([A-Za-z_]\w*)\.\w+$/, '$1');
    out.push({ file: candidates[0]!, name: text, candidates });
  }
  return out;
}

/** Comments and literals blanked out (same length), so braces and names are found in code only. */
const codeCache = new Map<string, string>();
function codeOnly(src: string): string {
  let c = codeCache.get(src);
  if (c === undefined) { c = blankOut(src); codeCache.set(src, c); }
  return c;
}

function blankOut(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

const lineOf = (src: string, at: number) => src.slice(0, at).split('\n').length;

/** From an opening brace to its match. */
function braceEnd(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The comment block that ends on the line right before `at` (kernel-doc of a definition). */
function commentAbove(src: string, at: number): number {
  const before = src.slice(0, at).replace(/\s*$/, '');
  if (!before.endsWith('*/')) return at;
  const start = before.lastIndexOf('/*');
  return start >= 0 ? start : at;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A top-level C definition of the name: function, table, struct, enum, macro; or the enum holding a constant. */
function locateC(src: string, name: string): { kind: string; from: number; to: number } | undefined {
  const code = codeOnly(src);
  const tagged = /^(struct|enum|union) (\w+)$/.exec(name);
  if (tagged) {
    const m = new RegExp(`^${tagged[1]} ${tagged[2]}\\s*\\{`, 'm').exec(code);
    if (!m) return undefined;
    const end = braceEnd(code, m.index + m[0].length - 1);
    return end < 0 ? undefined : { kind: tagged[1]!, from: commentAbove(src, m.index), to: code.indexOf(';', end) + 1 };
  }
  const doc = /^DOC: (.+)$/.exec(name);
  if (doc) {
    const m = new RegExp(`/\\*\\*\\s*\\n\\s*\\* DOC: ${escape(doc[1]!.trim())}\\s*\\n`).exec(src);
    if (!m) return undefined;
    return { kind: 'DOC', from: m.index, to: src.indexOf('*/', m.index) + 2 };
  }
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const def = new RegExp(`^#define ${name}\\b`, 'm').exec(code);
  if (def) {
    let end = def.index;
    do { end = src.indexOf('\n', end + 1); } while (end > 0 && src[end - 1] === '\\');
    return { kind: 'macro', from: commentAbove(src, def.index), to: end < 0 ? src.length : end };
  }
  for (const m of code.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) {
    const lineStart = code.lastIndexOf('\n', m.index) + 1;
    if (/^\s/.test(code.slice(lineStart, lineStart + 1))) continue; // not at top level
    const rest = code.slice(m.index);
    const stop = rest.search(/[;{]/);
    if (stop < 0 || rest[stop] !== '{') continue; // a declaration
    const end = braceEnd(code, m.index + stop);
    if (end < 0) continue;
    const close = code[end + 1] === ';' ? end + 2 : end + 1;
    return { kind: /\(/.test(rest.slice(0, stop)) ? 'function' : 'definition', from: lineStart, to: close };
  }
  // A constant of an enum: the enum that defines it, with its kernel-doc.
  for (const m of code.matchAll(new RegExp(`^\\s+${name}\\s*(?:=|,|\\n)`, 'gm'))) {
    const open = code.lastIndexOf('{', m.index);
    const head = code.lastIndexOf('\n', open) + 1;
    const enumHead = /^enum (\w+)/.exec(code.slice(head, open + 1));
    if (!enumHead) continue;
    const end = braceEnd(code, open);
    if (end < m.index) continue;
    return { kind: `enum ${enumHead[1]}`, from: commentAbove(src, head), to: code.indexOf(';', end) + 1 };
  }
  return undefined;
}

/** An rst section by its title (or the part of the cited title before a colon). */
function locateRst(src: string, name: string): { kind: string; from: number; to: number } | undefined {
  const lines = src.split('\n');
  const heads: { line: number; title: string; mark: string }[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const u = /^([=\-~^"'`#*+])\1{2,}\s*$/.exec(lines[i + 1]!);
    if (u && lines[i]!.trim() && !/^([=\-~^"'`#*+])\1+\s*$/.test(lines[i]!)) heads.push({ line: i, title: lines[i]!.trim(), mark: u[1]! });
  }
  const order: string[] = [];
  for (const h of heads) if (!order.includes(h.mark)) order.push(h.mark);
  const want = [name, name.split(':')[0]!.trim()].map((x) => x.toLowerCase());
  for (const w of want) {
    const i = heads.findIndex((h) => h.title.toLowerCase() === w);
    if (i < 0) continue;
    const lvl = order.indexOf(heads[i]!.mark);
    const next = heads.slice(i + 1).find((h) => order.indexOf(h.mark) <= lvl);
    const offset = (n: number) => lines.slice(0, n).join('\n').length + (n ? 1 : 0);
    return { kind: 'rst section', from: offset(heads[i]!.line), to: next ? offset(next.line) : src.length };
  }
  // "Object lifecycle: X is automatically created": no such heading, so the paragraph that says X.
  const phrase = name.includes(':') ? name.slice(name.indexOf(':') + 1).trim() : name;
  const at = src.indexOf(phrase);
  if (phrase.length < 12 || at < 0) return undefined;
  const from = src.lastIndexOf('\n\n', at);
  const to = src.indexOf('\n\n', at);
  return { kind: 'rst paragraph', from: from < 0 ? 0 : from + 2, to: to < 0 ? src.length : to };
}

const cache = new Map<string, string | undefined>();
function read(path: string): string | undefined {
  if (!cache.has(path)) cache.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return cache.get(path);
}

/** The cited text of one item in the tree, or why it cannot be found. */
export function locate(tree: string, item: Item): Located | Missing {
  const code = !item.file.endsWith('.rst');
  for (const file of [...new Set([...item.candidates, ...(code ? fallbackFiles(tree, item.file) : [])])]) {
    const src = read(join(tree, file));
    if (src === undefined) continue;
    const at = file.endsWith('.rst') ? locateRst(src, item.name) : locateC(src, item.name);
    if (at) return { file, name: item.name, kind: at.kind, from: lineOf(src, at.from), to: lineOf(src, Math.max(at.from, at.to - 1)), text: src.slice(at.from, at.to) };
  }
  const exists = item.candidates.some((f) => read(join(tree, f)) !== undefined);
  return { file: item.file, name: item.name, why: exists ? `no ${item.file.endsWith('.rst') ? 'section' : 'definition'} of this name` : 'no such file in the tree' };
}
