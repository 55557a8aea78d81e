// Runs for the report tests: the same small selection on the reference
// engine, on it built without CONFIG_IOMMUFD_TEST (not-applicable cells) and
// on a backend that answers IOMMU_OPTION with wrong errnos (failed cells),
// each into its own reports folder, then their combined matrix.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

export const root = join(import.meta.dirname, '..');
export const cli = join(root, 'bin', 'iommufd-conform.mjs');
export const SELECTION = ['features/option.feature', 'features/selftest_config.feature'].map((f) => join(root, f));
export const WRONG = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/wrong-errno-backend.ts')} 0x3b87`;

export function conform(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Runs { dirs: Record<'reference' | 'notest' | 'wrong', string>; all: string; outputs: Record<string, string> }

export function makeRuns(): Runs {
  const base = tempDir('iommufd-report-');
  const dirs = { reference: join(base, 'reference'), notest: join(base, 'notest'), wrong: join(base, 'wrong') };
  const backends = { reference: 'reference', notest: 'reference-notest', wrong: WRONG };
  const outputs: Record<string, string> = {};
  for (const k of ['reference', 'notest', 'wrong'] as const) {
    const r = conform(['run', '--backend', backends[k], '--reports', dirs[k], ...SELECTION]);
    if (r.status !== (k === 'wrong' ? 1 : 0)) throw new Error(`run ${k}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    outputs[k] = r.stdout;
  }
  const all = join(base, 'all');
  const r = conform(['report', '--out', all, dirs.reference, dirs.notest, dirs.wrong]);
  if (r.status !== 0) throw new Error(`report: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return { dirs, all, outputs };
}
