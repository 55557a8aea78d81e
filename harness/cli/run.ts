// `iommufd-conform run`: the suite on one backend, a closing line
// "N passed, N failed", and its reports: cucumber's message stream kept as
// messages.ndjson, and every view rendered from it (harness/report/views.ts).
// What stops a run before its first scenario (an unknown backend, one that
// cannot start, a missing expectations file, a reports folder in use) is one
// line and exit status 2. SIGINT and SIGTERM write the partial report and end
// the backend (130 and 143).
// The modules imported here are light: the checks that can refuse a run come
// before the spec, rule and report modules load.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ConformanceCollector } from '../report/conformance.ts';
import type { Expectation } from '../report/expectations.ts';
import type { NdjsonWriter } from '../report/ndjson.ts';
import type { ConsoleProgress } from '../report/console.ts';
import type { RunResults } from '../report/results.ts';
import { lockReports } from '../report/files.ts';
import { startBackend } from '../backend/start.ts';
import { peekPreset, takePreset } from '../backend/preset.ts';
import { BackendStartError, checkBackendName } from '../backend/names.mjs';

export interface RunOptions {
  backend: string; tags?: string;
  /** A cucumber formatter for the console; without one, the harness's own progress and failure lines. */
  format?: string; reports: string; paths?: string[]; timeoutMs?: number; expectations?: string;
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
  const partial = writePartial;
  writePartial = undefined;
  if (partial) {
    partial(signal);
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
    const suite = await reportOf(opts, expectations);
    writePartial = suite.writePartial;
    // The backend starts while cucumber loads; one that cannot start at all stops the run here.
    const [b, cucumber] = await Promise.all([
      peekPreset()?.catch((e) => { if (e instanceof BackendStartError) throw new Refused(e.message); }),
      import('./cucumber.ts'),
    ]);
    if (b) {
      const { name, version, kernel, available, reason } = b.info;
      suite.writer.info({ implementation: { name, version, kernel, available, ...(reason ? { reason } : {}) } });
    }
    return await runSuite(opts, suite, cucumber.runWithCucumber);
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

/** A cucumber formatter that writes to the console (NAME without :FILE) replaces the harness's own lines. */
const toConsole = (format?: string) => !!format && !/^(?:"[^"]*"|[^:"]*):/.test(format);

interface Suite {
  ndjson: string;
  writer: NdjsonWriter;
  console?: ConsoleProgress;
  collector: ConformanceCollector;
  /** Closes the message stream and renders every view from it. */
  write: () => Promise<RunResults>;
  /** Interrupted by a signal: the views but cucumber's page, at once (`report` renders it later from the stream). */
  writePartial: (interrupted: NodeJS.Signals) => void;
}

/** The run's message stream (kept as messages.ndjson), its live console, and the rendering of its reports. */
async function reportOf(opts: RunOptions, expectations: Expectation[]): Promise<Suite> {
  const [{ ConformanceCollector }, { loadRules }, { NdjsonWriter, NDJSON_NAME, readNdjson }, { writeRunViews, writeRunViewsSync }, { ConsoleProgress }] = await Promise.all([
    import('../report/conformance.ts'), import('../rules/catalog.ts'), import('../report/ndjson.ts'), import('../report/views.ts'), import('../report/console.ts'),
  ]);
  const rules = loadRules();
  const progress = toConsole(opts.format) ? undefined : new ConsoleProgress(rules, expectations);
  const collector = new ConformanceCollector(opts.backend, undefined, new Set(rules.keys()), progress?.onRecord);
  const ndjson = join(opts.reports, NDJSON_NAME);
  const writer = new NdjsonWriter(ndjson);
  // What the reference engine does not model yet; other backends need not load it.
  const notModelled = opts.backend === 'reference' ? (await import('../../reference/main.ts')).UNIMPLEMENTED : [];
  writer.info({ backend: opts.backend, notModelled, expectations });
  const write = async () => {
    writer.close();
    return await writeRunViews(opts.reports, readNdjson(ndjson), rules);
  };
  const writePartial = (interrupted: NodeJS.Signals) => {
    writer.info({ interrupted });
    writer.close();
    writeRunViewsSync(opts.reports, readNdjson(ndjson), rules);
    // An older run's page must not sit beside this run's reports.
    for (const f of readdirSync(opts.reports)) if (f === 'conformance.html' || /^conformance\.html\.\d+\.tmp$/.test(f)) rmSync(join(opts.reports, f), { force: true });
  };
  return { ndjson, writer, console: progress, collector, write, writePartial };
}

async function runSuite(opts: RunOptions, suite: Suite, runWithCucumber: typeof import('./cucumber.ts').runWithCucumber): Promise<number> {
  const { collector, writer, write } = suite;
  await runWithCucumber({
    paths: opts.paths, tags: opts.tags, backend: opts.backend, timeoutMs: opts.timeoutMs,
    onMessage: (e) => { writer.write(e); suite.console?.onMessage(e); collector.onMessage(e); },
    formats: opts.format ? [opts.format] : [], quiet: !toConsole(opts.format),
  });
  suite.console?.finish();
  const { report: { counts, scenarios }, findings } = await write();
  const [{ expectationLines, staleGone }, { scenarioIndex }] = await Promise.all([import('../report/expectations.ts'), import('../report/scenario-index.ts')]);
  for (const line of expectationLines(findings, staleGone(findings.unmatched, scenarioIndex()))) console.log(line);
  const rel = (f: string) => relative(process.cwd(), join(opts.reports, f));
  console.log(`\nreports: ${rel('conformance.json')}, ${rel('report.html')}, ${rel('junit.xml')}, ${rel('summary.md')}, ${rel('conformance.html')} (from ${rel('messages.ndjson')})`);
  if (!scenarios.length) {
    console.log('no scenario was selected');
    console.log('0 passed, 0 failed');
    return 1;
  }
  const failed = scenarios.length - counts.passed - counts.skipped - counts['not-applicable'] - counts['expected-fail'];
  const extra = [counts.errored && `${counts.errored} errored`, counts['expected-fail'] && `${counts['expected-fail']} expected failures`, counts['unexpected-pass'] && `${counts['unexpected-pass']} unexpected passes`, counts.skipped && `${counts.skipped} not run`, counts['not-applicable'] && `${counts['not-applicable']} not applicable`].filter(Boolean);
  if (extra.length) console.log(`of which ${extra.join(', ')}`);
  const notCounted = counts.skipped + counts['not-applicable'] + counts['expected-fail'];
  console.log(`${counts.passed} passed, ${failed} failed${notCounted ? `, ${notCounted} skipped` : ''}`);
  return failed ? 1 : 0;
}
