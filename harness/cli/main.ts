// The iommufd-conform command line. Every option and path is checked before
// anything runs: a mistake is one line and exit 2 (harness/cli/args.ts,
// checks.ts). Paths are the user's: relative to the current directory.
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { UsageError, commandHelp, parseCommand, usage, type Parsed } from './args.ts';
import { backendName, existingDir, existingFile, featurePaths, formatSpec, outputDir, parseSelected, positiveMs, tagExpression, unknownTags } from './checks.ts';

// Commands load their modules on demand: `serve` must start fast, without cucumber.

type Values = Parsed['values'];
/** A string option checked by `check`, or `fallback` when it is not given. */
function opt<T>(v: Values, name: string, check: (s: string) => T, fallback?: string): T | undefined {
  const s = (v[name] as string | undefined) ?? fallback;
  return s === undefined ? undefined : check(s);
}

/**
 * Gherkin syntax errors stop a run before it starts, as file:line: message;
 * a tag no selected scenario carries is a warning (the selection may be empty).
 */
function checkFeatures(cmd: string, paths: string[], tags?: string): void {
  const { scenarios, problems } = parseSelected(paths);
  if (problems.length) throw new AggregateError(problems.map((p) => new Error(`${p.file}:${p.line}: ${p.message}`)), 'syntax errors');
  for (const w of tags ? unknownTags(tags, scenarios) : []) console.error(`iommufd-conform ${cmd}: warning: ${w}`);
}

async function runCommand(v: Values, positionals: string[]): Promise<number> {
  const backend = opt(v, 'backend', backendName, 'reference')!;
  const timeoutMs = opt(v, 'timeout', (s) => positiveMs('--timeout', s));
  const format = opt(v, 'format', formatSpec);
  const tags = withLevel(opt(v, 'tags', tagExpression), opt(v, 'level', levelName));
  const reports = opt(v, 'reports', (s) => outputDir('--reports', s), join(PROJECT_ROOT, 'reports'))!;
  const expectations = opt(v, 'expectations', (s) => existingFile('--expectations', s));
  const paths = positionals.length ? featurePaths(positionals) : undefined;
  checkFeatures('run', paths ?? [join(PROJECT_ROOT, 'features')], tags);
  const { startBackend } = await import('../backend/start.ts');
  startBackend({ backend, timeoutMs });
  const { run } = await import('./run.ts');
  return await run({ started: true, backend, tags, format, reports, timeoutMs, expectations, paths });
}

/** --level: documented or linux (the two levels of spec/meta/rules.schema.json). */
function levelName(s: string): 'documented' | 'linux' {
  if (s === 'documented' || s === 'linux') return s;
  throw new UsageError(`--level ${s}: expected documented or linux`);
}

/** The level as a tag expression joined to the user's: the scenarios of a linux rule carry @linux. */
function withLevel(tags: string | undefined, level: 'documented' | 'linux' | undefined): string | undefined {
  if (!level) return tags;
  const sel = level === 'linux' ? '@linux' : 'not @linux';
  return tags ? `(${tags}) and ${sel}` : sel;
}

async function failnth(v: Values, positionals: string[]): Promise<number> {
  const tags = opt(v, 'tags', tagExpression);
  const paths = featurePaths(positionals);
  const { failnthCommand, IOAS_FEATURES } = await import('./failnth.ts');
  checkFeatures('failnth', paths.length ? paths : IOAS_FEATURES.map((f) => join(PROJECT_ROOT, 'features', f)), tags);
  return await failnthCommand(paths, tags);
}

const featureDir = (v: Values) => opt(v, 'features', (s) => existingDir('--features', s), join(PROJECT_ROOT, 'features'))!;

async function lintCommand(v: Values): Promise<number> {
  const dir = featureDir(v);
  if (v.watch) {
    (await import('../lint/watch.ts')).watchLint(dir);
    return await new Promise<number>(() => {}); // until Ctrl-C
  }
  const [{ lint }, { formatProblems }] = await Promise.all([import('../lint/lint.ts'), import('../lint/watch.ts')]);
  const { problems, scenarios, rules } = await lint(dir);
  for (const l of formatProblems(problems)) console.log(l);
  console.log(`lint: ${scenarios.length} scenarios, ${rules.size} rules, ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  return problems.length ? 1 : 0;
}

const COMMAND_MAIN: Record<string, (v: Values, positionals: string[]) => Promise<number>> = {
  run: runCommand,
  serve: async () => (await import('./serve.ts')).serveMain(),
  report: async (v, positionals) => (await import('../report/combine.ts')).reportCommand(
    positionals.length ? positionals.map((p) => resolve(p)) : [join(PROJECT_ROOT, 'reports')],
    opt(v, 'out', (s) => outputDir('--out', s), positionals.length > 1 ? join(PROJECT_ROOT, 'reports', 'all') : undefined)),
  failnth,
  lint: lintCommand,
  rules: async (v) => (await import('./rules.ts')).rulesReport(featureDir(v), v.json === true, v.uncovered === true),
  diff: diffCommand,
  'update-expectations': updateExpectationsCommand,
  drift: driftCommand,
};

async function driftCommand(v: Values, positionals: string[]): Promise<number> {
  const [what, ...more] = positionals;
  if ((what !== 'record' && what !== 'check') || more.length) throw new UsageError(`expected record or check${what ? `, not '${positionals.join(' ')}'` : ''} (see iommufd-conform drift --help)`);
  const tree = opt(v, 'tree', (s) => existingDir('--tree', s));
  const header = opt(v, 'header', (s) => existingFile('--header', s));
  const drift = await import('../drift/drift.ts');
  if (what === 'record') {
    if (header) throw new UsageError('drift record takes a tree, not --header (see iommufd-conform drift --help)');
    return drift.recordCommand(tree);
  }
  if (!tree === !header) throw new UsageError('drift check needs --tree DIR or --header FILE (see iommufd-conform drift --help)');
  return drift.checkCommand({ tree, header }, v.record as string | undefined);
}

async function diffCommand(v: Values, positionals: string[]): Promise<number> {
  if (positionals.length !== 2) throw new UsageError(`expected two reports, A and B; got ${positionals.length} (see iommufd-conform diff --help)`);
  const [a, b] = positionals.map((p) => existingFile('report', p));
  return (await import('../diff/diff.ts')).diffCommand(a!, b!, v.json === true);
}

async function updateExpectationsCommand(v: Values): Promise<number> {
  const report = opt(v, 'report', (s) => existingFile('--report', s), join(PROJECT_ROOT, 'reports', 'conformance.json'))!;
  const output = opt(v, 'output', (s) => resolve(s));
  return (await import('../report/update-expectations.ts')).updateCommand(report, output);
}

/** Errors as lines: a usage error names its command; an aggregate gives one line per error. */
function reportError(cmd: string, e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`iommufd-conform${cmd in COMMAND_MAIN ? ` ${cmd}` : ''}: ${e.message}`);
    return 2;
  }
  const errs = (e as AggregateError).errors ?? [e];
  for (const err of errs) console.error(String((err as Error).message ?? err));
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    console.error(usage());
    return 2;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(rest[0] && rest[0] in COMMAND_MAIN ? commandHelp(rest[0]) : usage());
    return 0;
  }
  try {
    const { help, values, positionals } = parseCommand(cmd, rest);
    if (help) {
      console.log(commandHelp(cmd));
      return 0;
    }
    return await COMMAND_MAIN[cmd]!(values, positionals);
  } catch (e) {
    return reportError(cmd, e);
  }
}
