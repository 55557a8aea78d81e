// Test helpers: a copy of spec/ to mutate, and a process with an iommufd.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPEC_ROOT } from '../harness/spec/load.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

/** A throw-away copy of spec/ with edit applied to one JSON file. */
export function mutatedSpec(file: string, edit: (data: any) => void): string {
  const root = join(mkdtempSync(join(tmpdir(), 'iommufd-spec-')), 'spec');
  cpSync(SPEC_ROOT, root, { recursive: true });
  const path = join(root, file);
  const data = JSON.parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, JSON.stringify(data, null, 2));
  return root;
}

export function iommufd(): { p: Process; fd: number; call: (request: number, bytes: Uint8Array) => { rc: number; out: Uint8Array } } {
  const p = new Process();
  const fd = p.open('/dev/iommu');
  const call = (request: number, bytes: Uint8Array) => {
    const at = p.mm.mmap(Math.max(bytes.length, 1), PROT_READ | PROT_WRITE);
    p.mm.copyTo(at, bytes);
    const rc = p.ioctl(fd, request, at);
    const out = new Uint8Array(bytes.length);
    p.mm.copyFrom(at, out);
    p.mm.munmap(at, Math.max(bytes.length, 1));
    return { rc, out };
  };
  return { p, fd, call };
}
