// Test helpers: a copy of spec/ to mutate, and a process with an iommufd.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPEC_ROOT } from '../spec/loader/load.ts';
import { Process } from '../reference/process.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

const made: string[] = [];
process.on('exit', () => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** A temporary directory removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A throw-away copy of spec/ with edit applied to one JSON file. */
export function mutatedSpec(file: string, edit: (data: any) => void): string {
  const root = join(tempDir('iommufd-spec-'), 'spec');
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
