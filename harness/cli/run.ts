// `iommufd-conform run`: the suite on one backend, a closing line
// "N passed, N failed", reports/conformance.json and an HTML report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConformanceCollector } from '../report/conformance.ts';
import { applyExpectations, expectationsFile, loadExpectations } from '../report/expectations.ts';
import { loadRules } from '../rules/catalog.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { startBackend } from '../backend/start.ts';

export interface RunOptions {
  backend: string; tags?: string; format: string; reports: string; paths?: string[]; timeoutMs?: number; expectations?: string;
  /** The caller already started the backend (startBackend). */
  started?: boolean;
}

export { startBackend } from '../backend/start.ts';

export async function run(opts: RunOptions): Promise<number> {
  mkdirSync(opts.reports, { recursive: true });
  const collector = new ConformanceCollector(opts.backend);
  const html = join(opts.reports, 'conformance.html');
  const started = Date.now();
  const expectations = loadExpectations(opts.expectations ?? expectationsFile(opts.backend));
  if (!opts.started) startBackend(opts);
  // Ctrl-C: the report of what ran so far is still written.
  // What the reference engine does not model yet; other backends need not load it.
  const notModelled = opts.backend === 'reference' ? (await import('../../reference/main.ts')).UNIMPLEMENTED : [];
  const onInt = () => { writeReport(opts, collector, started, notModelled); console.log('\ninterrupted: partial report written'); process.exit(130); };
  process.once('SIGINT', onInt);
  try {
    const { runWithCucumber } = await import('./cucumber.ts');
    await runWithCucumber({
      paths: opts.paths, tags: opts.tags, backend: opts.backend, timeoutMs: opts.timeoutMs, onMessage: collector.onMessage,
      formats: [opts.format, `html:${relative(PROJECT_ROOT, html)}`],
    });
  } finally {
    process.off('SIGINT', onInt);
  }
  const stale = applyExpectations(collector.records, expectations);
  for (const e of stale) console.log(`expectation matched no scenario run: ${e.feature}: ${e.scenario}`);
  const counts = writeReport(opts, collector, started, notModelled);
  const failed = collector.records.length - counts.passed - counts.skipped - counts['not-applicable'] - counts['expected-fail'];
  console.log(`\nreports: ${relative(process.cwd(), join(opts.reports, 'conformance.json'))}, ${relative(process.cwd(), html)}`);
  if (!collector.records.length) {
    console.log('no scenario was selected');
    console.log('0 passed, 0 failed');
    return 1;
  }
  const extra = [counts.errored && `${counts.errored} errored`, counts['expected-fail'] && `${counts['expected-fail']} expected failures`, counts['unexpected-pass'] && `${counts['unexpected-pass']} unexpected passes`, counts.skipped && `${counts.skipped} not run`, counts['not-applicable'] && `${counts['not-applicable']} not applicable`].filter(Boolean);
  if (extra.length) console.log(`of which ${extra.join(', ')}`);
  const notCounted = counts.skipped + counts['not-applicable'] + counts['expected-fail'];
  console.log(`${counts.passed} passed, ${failed} failed${notCounted ? `, ${notCounted} skipped` : ''}`);
  return failed ? 1 : 0;
}

function writeReport(opts: RunOptions, collector: ConformanceCollector, started: number, notModelled: string[]) {
  const counts = collector.counts();
  const rules = loadRules();
  const report = {
    backend: opts.backend,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    counts,
    notModelled,
    divergences: [...rules.values()].filter((r) => r.divergence).map((r) => ({ rule: r.id, documented: r.statement, kernel: r.divergence, source: `${r.file}:${r.line}` })),
    scenarios: collector.records,
  };
  writeFileSync(join(opts.reports, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
  return counts;
}
