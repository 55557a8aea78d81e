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
  const tags = opt(v, 'tags', tagExpression);
  const reports = opt(v, 'reports', (s) => outputDir('--reports', s), join(PROJECT_ROOT, 'reports'))!;
  const expectations = opt(v, 'expectations', (s) => existingFile('--expectations', s));
  const paths = positionals.length ? featurePaths(positionals) : undefined;
  checkFeatures('run', paths ?? [join(PROJECT_ROOT, 'features')], tags);
  const { startBackend } = await import('../backend/start.ts');
  startBackend({ backend, timeoutMs });
  const { run } = await import('./run.ts');
  return await run({ started: true, backend, tags, format, reports, timeoutMs, expectations, paths });
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
  const { lint } = await import('../lint/lint.ts');
  const { problems, scenarios, rules } = await lint(dir);
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
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
  rules: async (v) => (await import('./rules.ts')).rulesReport(featureDir(v), v.json === true),
};

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
