// `iommufd-conform drift record|check`: does the kernel text a rule cites
// still read as it did? `record` hashes each rule's cited text (extract.ts)
// in a kernel tree and writes spec/drift/<version>.json; `check --tree DIR`
// hashes the same citations in another tree (or `--header FILE`, one header)
// and lists the rules whose text changed there, or could no longer be found.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SPEC_ROOT } from '../../spec/loader/load.ts';
import { loadRules, type Rule } from '../rules/catalog.ts';
import { writeAtomic } from '../report/files.ts';
import { citedItems, locate, type Located, type Missing } from './extract.ts';

export interface RecordedPart { file: string; name: string; kind: string; lines: string; sha256: string }
export interface RecordedRule { source: string; parts: RecordedPart[]; missing?: { file: string; name: string; why: string }[] }
export interface DriftRecord { version: string; tree: string; hashed: string; rules: Record<string, RecordedRule> }

export const HASHED = 'sha256 of the cited text with each run of white space made one space';

/** The kernel version of a tree, from its top Makefile (VERSION.PATCHLEVEL.SUBLEVEL). */
export function treeVersion(tree: string): string {
  const mk = readFileSync(join(tree, 'Makefile'), 'utf8');
  const v = (k: string) => new RegExp(`^${k} = (\\d+)`, 'm').exec(mk)?.[1];
  const [a, b, c] = [v('VERSION'), v('PATCHLEVEL'), v('SUBLEVEL')];
  if (!a || !b) throw new Error(`${tree}/Makefile: no VERSION and PATCHLEVEL`);
  return c && c !== '0' ? `${a}.${b}.${c}` : `${a}.${b}`;
}

/** The 7.3 source the project judges by (tools/kernel unpacks it). */
export function defaultTree(): string {
  const dir = join(homedir(), '.cache', 'iommufd-conformance', 'kernel', 'src');
  const name = existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('linux-source-7.3_')).sort().at(-1) : undefined;
  if (!name) throw new Error(`no linux-source-7.3 tree under ${dir}: give --tree DIR`);
  return join(dir, name);
}

const sha = (text: string) => createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
const sourceOf = (r: Rule) => `${r.source.doc}: ${r.source.section}`;

function hashRule(tree: string, r: Rule): RecordedRule {
  const found = citedItems(r.source, tree).map((it) => locate(tree, it));
  const parts = found.filter((x): x is Located => 'text' in x).map((l) => ({ file: l.file, name: l.name, kind: l.kind, lines: `${l.from}-${l.to}`, sha256: sha(l.text) }));
  const missing = found.filter((x): x is Missing => !('text' in x));
  return { source: sourceOf(r), parts, ...(missing.length ? { missing } : {}) };
}

export function recordTree(tree: string, rules = loadRules()): DriftRecord {
  const out: DriftRecord = { version: treeVersion(tree), tree: basename(tree), hashed: HASHED, rules: {} };
  for (const r of [...rules.values()].sort((a, b) => a.id.localeCompare(b.id))) out.rules[r.id] = hashRule(tree, r);
  return out;
}

export const recordPath = (version: string, root = SPEC_ROOT) => join(root, 'drift', `${version}.json`);

export interface DriftFinding { rule: string; what: 'changed' | 'gone' | 'not yet' | 'source edited' | 'not recorded'; detail: string }

/** "struct iommu_destroy", "function iopt_alloc_iova": what a cited text is. */
const label = (p: { kind: string; name: string }) => p.name.startsWith(`${p.kind} `) || p.name.startsWith(`${p.kind}:`) ? p.name : `${p.kind} ${p.name}`;

/** a is an older kernel than b ("6.12.117" against "6.13"). */
function older(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 2; i++) if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** The rules whose cited text reads otherwise in the tree than in the record. */
export function checkTree(record: DriftRecord, tree: string, rules = loadRules(), only?: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const here = only ? undefined : treeVersion(tree);
  for (const r of [...rules.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const old = record.rules[r.id];
    if (!old) { if (!only) out.push({ rule: r.id, what: 'not recorded', detail: `added after the ${record.version} record: run drift record` }); continue; }
    const parts = old.parts.filter((p) => !only || p.file === only);
    if (!parts.length) continue;
    if (old.source !== sourceOf(r)) { out.push({ rule: r.id, what: 'source edited', detail: `the rule cites other text than when ${record.version} was recorded: run drift record` }); continue; }
    const now = hashRule(tree, r);
    for (const p of parts) {
      const q = now.parts.find((x) => x.name === p.name && x.kind === p.kind) ?? now.parts.find((x) => x.name === p.name);
      if (!q && here && older(here, r.since)) out.push({ rule: r.id, what: 'not yet', detail: `${label(p)} is not in this tree, which is older than the rule (since ${r.since})` });
      else if (!q) out.push({ rule: r.id, what: 'gone', detail: `${label(p)} (${p.file}:${p.lines} in ${record.version}) is not in this ${only ? 'header' : 'tree'}` });
      else if (q.sha256 !== p.sha256) out.push({ rule: r.id, what: 'changed', detail: `${label(p)}: ${p.file}:${p.lines} in ${record.version}, ${only ? 'the header' : q.file}:${q.lines} here` });
    }
  }
  return out;
}

/**
 * One header instead of a tree (a newer linux-libc-dev's iommufd.h): the
 * citations of the recorded file of that name are checked against it, and
 * nothing else.
 */
export function checkHeader(record: DriftRecord, header: string, rules = loadRules()): DriftFinding[] {
  const files = new Set(Object.values(record.rules).flatMap((r) => r.parts.map((p) => p.file)));
  const rel = [...files].filter((f) => basename(f) === basename(header)).sort()[0];
  if (!rel) throw new Error(`${header}: no rule cites a file named ${basename(header)}`);
  const tree = mkdtempSync(join(tmpdir(), 'iommufd-drift-'));
  try {
    mkdirSync(dirname(join(tree, rel)), { recursive: true });
    copyFileSync(header, join(tree, rel));
    return checkTree(record, tree, rules, rel);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The record with one line per cited text, so a re-record's diff names the rules it touches. */
export function formatRecord(rec: DriftRecord): string {
  const j = JSON.stringify;
  const rules = Object.entries(rec.rules).map(([id, r]) => [
    `    ${j(id)}: {`, `      "source": ${j(r.source)},`,
    `      "parts": [${r.parts.length ? `\n${r.parts.map((p) => `        ${j(p)}`).join(',\n')}\n      ` : ''}]${r.missing ? ',' : ''}`,
    ...(r.missing ? [`      "missing": [\n${r.missing.map((m) => `        ${j(m)}`).join(',\n')}\n      ]`] : []),
    '    }',
  ].join('\n'));
  return `{\n  "version": ${j(rec.version)},\n  "tree": ${j(rec.tree)},\n  "hashed": ${j(rec.hashed)},\n  "rules": {\n${rules.join(',\n')}\n  }\n}\n`;
}

/** `drift record [--tree DIR]` */
export function recordCommand(tree = defaultTree()): number {
  const rec = recordTree(tree);
  const path = recordPath(rec.version);
  mkdirSync(join(SPEC_ROOT, 'drift'), { recursive: true });
  writeAtomic(path, formatRecord(rec));
  const rules = Object.values(rec.rules);
  const unlocated = rules.filter((r) => !r.parts.length).length;
  const parts = rules.reduce((n, r) => n + r.parts.length, 0);
  const missing = rules.reduce((n, r) => n + (r.missing?.length ?? 0), 0);
  console.log(`${path}: ${rules.length} rules, ${parts} cited texts hashed, ${missing} citations not located (${unlocated} rules with none located)`);
  return 0;
}

/** `drift check --tree DIR | --header FILE [--record VERSION]`: exit 1 when any rule's text changed or is gone. */
export function checkCommand(target: { tree?: string; header?: string }, version?: string): number {
  const files = existsSync(join(SPEC_ROOT, 'drift')) ? readdirSync(join(SPEC_ROOT, 'drift')).filter((f) => f.endsWith('.json')).sort() : [];
  const file = version ? `${version}.json` : files.at(-1);
  if (!file || !existsSync(join(SPEC_ROOT, 'drift', file))) throw new Error(`no drift record ${version ?? ''} in spec/drift: run iommufd-conform drift record`);
  const record = JSON.parse(readFileSync(join(SPEC_ROOT, 'drift', file), 'utf8')) as DriftRecord;
  const findings = target.header ? checkHeader(record, target.header) : checkTree(record, target.tree!);
  const here = target.header ? basename(target.header) : treeVersion(target.tree!);
  for (const f of findings) console.log(`${f.rule}: ${f.what}: ${f.detail}`);
  const count = (...w: DriftFinding['what'][]) => new Set(findings.filter((f) => w.includes(f.what)).map((f) => f.rule)).size;
  const drifted = count('changed', 'gone');
  console.log(`${here} against the ${record.version} record: ${drifted} rules whose cited text changed or is gone, ${count('not yet')} not yet in this older tree, ${count('source edited', 'not recorded')} to re-record`);
  return drifted ? 1 : 0;
}
