// `iommufd-conform failnth`: the failure-injection sweep (harness/failnth/)
// over the IOAS features, with a summary and a non-zero exit on any violation.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';

/** The features of the IO address space, swept when no feature is named. */
export const IOAS_FEATURES = [
  'ioas_*.feature', 'vfio_compat*.feature', 'option.feature', 'objects.feature', 'device*.feature', 'pasid*.feature',
  'hw_info*.feature', 'noiommu*.feature', 'access*.feature', 'dmabuf*.feature', 'hwpt_*.feature', 'dirty*.feature',
  'legacy*.feature',
  'viommu*.feature', 'vdevice*.feature', 'hw_queue*.feature', 'fault*.feature', 'veventq*.feature',
];

export async function failnthCommand(paths: string[], tags?: string): Promise<number> {
  const started = performance.now();
  // Loaded here: the command line checks its arguments first, without the engine.
  const { sweep } = await import('../failnth/sweep.ts');
  const r = await sweep({
    paths: paths.length ? paths : IOAS_FEATURES.map((f) => join(PROJECT_ROOT, 'features', f)),
    tags, log: process.env.IOMMUFD_FAILNTH_VERBOSE ? console.log : undefined,
  });
  for (const s of r.notPassing) console.log(`does not pass: ${s}`);
  for (const v of r.violations) console.log(`${v.scenario}: n=${v.n}, ${v.call}: ${v.problem}`);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`failnth: ${r.scenarios} scenarios, n up to ${r.maxN}, ${r.injected} injected failures, ${r.violations.length} violations, ${r.notPassing.length} not passing, ${r.notAtomic} failed calls left changes as the kernel's do (${secs} s)`);
  return r.violations.length || r.notPassing.length || !r.scenarios ? 1 : 0;
}
