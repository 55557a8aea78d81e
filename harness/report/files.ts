// Writing the reports: each file appears whole (a temporary file renamed into
// place), and one run at a time owns a reports folder (a lock file holding its
// pid), so that two runs in one checkout cannot mix their reports.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A name beside path that only this process writes. */
export const tempName = (path: string): string => `${path}.${process.pid}.tmp`;

/** Writes text to path so that a reader sees the old file or the new one, never a part. */
export function writeAtomic(path: string, text: string): void {
  const tmp = tempName(path);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export const LOCK_NAME = '.conformance.lock';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Takes the reports folder for this run; returns a release function, or the
 * one line that says which run holds it. A lock whose process is gone (a run
 * killed with SIGKILL) is taken over.
 */
export function lockReports(dir: string): (() => void) | string {
  const path = join(dir, LOCK_NAME);
  const mine = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${mine}\n`, { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        try { if (readFileSync(path, 'utf8').trim() === mine) rmSync(path); } catch { /* already gone */ }
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; startedAt?: string } = {};
    try { holder = JSON.parse(readFileSync(path, 'utf8')); } catch { /* half written or gone: stale */ }
    if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
      return `${relative(process.cwd(), dir) || '.'} is in use by another run (pid ${holder.pid}, since ${holder.startedAt}); wait for it to end, or give this run its own --reports DIR`;
    }
    rmSync(path, { force: true });
  }
  return `cannot take ${path}: another run keeps taking it`;
}
