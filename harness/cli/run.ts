// `iommufd-conform run`: the suite on one backend, a closing line
// "N passed, N failed", reports/conformance.json and an HTML report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConformanceCollector } from '../report/conformance.ts';
import { loadRules } from '../rules/catalog.ts';
import { UNIMPLEMENTED } from '../../reference/main.ts';
import { PROJECT_ROOT, runWithCucumber } from './cucumber.ts';

export interface RunOptions { backend: string; tags?: string; format: string; reports: string; paths?: string[] }

export async function run(opts: RunOptions): Promise<number> {
  mkdirSync(opts.reports, { recursive: true });
  const collector = new ConformanceCollector(opts.backend);
  const html = join(opts.reports, 'conformance.html');
  const started = Date.now();
  await runWithCucumber({
    paths: opts.paths, tags: opts.tags, backend: opts.backend, onMessage: collector.onMessage,
    formats: [opts.format, `html:${relative(PROJECT_ROOT, html)}`],
  });
  const counts = collector.counts();
  const rules = loadRules();
  const report = {
    backend: opts.backend,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    counts,
    notModelled: opts.backend === 'reference' ? UNIMPLEMENTED : [],
    divergences: [...rules.values()].filter((r) => r.divergence).map((r) => ({ rule: r.id, documented: r.statement, kernel: r.divergence, source: `${r.file}:${r.line}` })),
    scenarios: collector.records,
  };
  writeFileSync(join(opts.reports, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
  const failed = collector.records.length - counts.passed - counts.skipped;
  console.log(`\nreports: ${relative(process.cwd(), join(opts.reports, 'conformance.json'))}, ${relative(process.cwd(), html)}`);
  if (!collector.records.length) {
    console.log('no scenario was selected');
    console.log('0 passed, 0 failed');
    return 1;
  }
  console.log(`${counts.passed} passed, ${failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return failed ? 1 : 0;
}
