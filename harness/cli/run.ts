// `iommufd-conform run`: the suite on one backend, a closing line
// "N passed, N failed", reports/conformance.json and an HTML report.
// What stops a run before its first scenario (an unknown backend, one that
// cannot start, a missing expectations file, a reports folder in use) is one
// line and exit status 2. SIGINT and SIGTERM write the partial report and end
// the backend (130 and 143).
// The modules imported here are light: the checks that can refuse a run come
// before the spec, rule and report modules load.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ConformanceCollector } from '../report/conformance.ts';
import type { Expectation } from '../report/expectations.ts';
import type { Rule } from '../rules/catalog.ts';
import { lockReports, tempName, writeAtomic } from '../report/files.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { startBackend } from '../backend/start.ts';
import { peekPreset, takePreset } from '../backend/preset.ts';
import { BackendStartError, checkBackendName } from '../backend/names.mjs';

export interface RunOptions {
  backend: string; tags?: string; format: string; reports: string; paths?: string[]; timeoutMs?: number; expectations?: string;
  /** The caller already started the backend (startBackend). */
  started?: boolean;
}

export { startBackend } from '../backend/start.ts';

/** A reason the run cannot begin, printed as one line. */
class Refused extends Error {}

/** The expectations of the run: a file named on the command line must exist; the backend's own may not. */
async function expectationsOf(opts: RunOptions): Promise<Expectation[]> {
  const { expectationsFile, loadExpectations } = await import('../report/expectations.ts');
  try {
    return loadExpectations(opts.expectations ?? expectationsFile(opts.backend));
  } catch (e) {
    const errs = e instanceof AggregateError ? e.errors : [e];
    throw new Refused(errs.map((x) => (x as Error).message).join('; '));
  }
}

/** Ends a backend the run will not use (it may be starting still). */
async function abandonBackend(): Promise<void> {
  const b = await takePreset()?.catch(() => undefined);
  await b?.dispose().catch(() => undefined);
}

/** Set once the run owns its reports folder: writes the report of what ran so far. */
let writePartial: ((interrupted: NodeJS.Signals) => void) | undefined;

/**
 * Interrupted: the report of what ran so far is written, and process.exit
 * runs the exit listeners of harness/backend that kill the backend's process
 * group or VM (a signal's default action would skip them).
 */
function onSignal(signal: NodeJS.Signals): void {
  if (writePartial) {
    writePartial(signal);
    console.log(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: partial report written`);
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

export async function run(opts: RunOptions): Promise<number> {
  if (!opts.started) startBackend(opts);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let release: (() => void) | undefined;
  try {
    try { checkBackendName(opts.backend); } catch (e) { throw new Refused((e as Error).message); }
    if (opts.expectations && !existsSync(opts.expectations)) throw new Refused(`--expectations ${opts.expectations}: no such file`);
    const expectations = await expectationsOf(opts);
    mkdirSync(opts.reports, { recursive: true });
    const lock = lockReports(opts.reports);
    if (typeof lock === 'string') throw new Refused(lock);
    release = lock;
    const suite = await reportOf(opts);
    writePartial = suite.write;
    // The backend starts while cucumber loads; one that cannot start at all stops the run here.
    const [, cucumber] = await Promise.all([
      peekPreset()?.catch((e) => { if (e instanceof BackendStartError) throw new Refused(e.message); }),
      import('./cucumber.ts'),
    ]);
    return await runSuite(opts, suite, expectations, cucumber.runWithCucumber);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    console.error(e.message);
    await abandonBackend();
    return 2;
  } finally {
    writePartial = undefined;
    release?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface Suite {
  collector: ConformanceCollector;
  html: string;
  htmlTmp: string;
  /** Writes conformance.json (and moves this run's HTML into place); interrupted names the signal that ended the run. */
  write: (interrupted?: NodeJS.Signals) => ReturnType<ConformanceCollector['counts']>;
}

/** The run's collector and the writing of its reports. */
async function reportOf(opts: RunOptions): Promise<Suite> {
  const [{ ConformanceCollector }, { loadRules }] = await Promise.all([import('../report/conformance.ts'), import('../rules/catalog.ts')]);
  const rules = loadRules();
  const collector = new ConformanceCollector(opts.backend, undefined, new Set(rules.keys()));
  const html = join(opts.reports, 'conformance.html');
  const htmlTmp = tempName(html);
  const started = Date.now();
  // What the reference engine does not model yet; other backends need not load it.
  const notModelled = opts.backend === 'reference' ? (await import('../../reference/main.ts')).UNIMPLEMENTED : [];
  const write = (interrupted?: NodeJS.Signals) => {
    const counts = writeReport(opts, collector, started, notModelled, rules, interrupted);
    if (existsSync(htmlTmp)) renameSync(htmlTmp, html);
    else rmSync(html, { force: true }); // an older run's page must not sit beside this run's JSON
    return counts;
  };
  return { collector, html, htmlTmp, write };
}

async function runSuite(opts: RunOptions, suite: Suite, expectations: Expectation[], runWithCucumber: typeof import('./cucumber.ts').runWithCucumber): Promise<number> {
  const { collector, html, htmlTmp, write } = suite;
  await runWithCucumber({
    paths: opts.paths, tags: opts.tags, backend: opts.backend, timeoutMs: opts.timeoutMs, onMessage: collector.onMessage,
    formats: [opts.format, `html:${relative(PROJECT_ROOT, htmlTmp)}`],
  });
  const [{ applyExpectations, expectationLines, staleGone }, { scenarioIndex }] = await Promise.all([import('../report/expectations.ts'), import('../report/scenario-index.ts')]);
  const findings = applyExpectations(collector.records, expectations);
  for (const line of expectationLines(findings, staleGone(findings.unmatched, scenarioIndex()))) console.log(line);
  const counts = write();
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

function writeReport(opts: RunOptions, collector: ConformanceCollector, started: number, notModelled: string[], rules: Map<string, Rule>, interrupted?: NodeJS.Signals) {
  const counts = collector.counts();
  const report = {
    backend: opts.backend,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ...(interrupted ? { interrupted } : {}),
    counts,
    notModelled,
    divergences: [...rules.values()].filter((r) => r.divergence).map((r) => ({ rule: r.id, documented: r.statement, kernel: r.divergence, source: `${r.file}:${r.line}` })),
    scenarios: collector.records,
  };
  writeAtomic(join(opts.reports, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
  return counts;
}
