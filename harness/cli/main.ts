// The iommufd-conform command line. Every option and path is checked before
// anything runs: a mistake is one line and exit 2 (harness/cli/args.ts,
// checks.ts). Paths are the user's: relative to the current directory.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { UsageError, commandHelp, parseCommand, usage, type Parsed } from './args.ts';
import { backendName, existingDir, existingFile, featurePaths, formatSpec, outputDir, parseSelected, positiveMs, tagExpression, unknownTags } from './checks.ts';

// Commands load their modules on demand: `serve` must start fast, without cucumber.

type Values = Parsed['values'];
const str = (v: Values, k: string) => v[k] as string | undefined;

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
  const backend = backendName(str(v, 'backend') ?? 'reference');
  const timeoutMs = str(v, 'timeout') === undefined ? undefined : positiveMs('--timeout', str(v, 'timeout')!);
  const format = formatSpec(str(v, 'format') ?? 'progress');
  const tags = str(v, 'tags') === undefined ? undefined : tagExpression(str(v, 'tags')!);
  const reports = outputDir('--reports', str(v, 'reports') ?? join(PROJECT_ROOT, 'reports'));
  const expectations = str(v, 'expectations') === undefined ? undefined : existingFile('--expectations', str(v, 'expectations')!);
  const paths = positionals.length ? featurePaths(positionals) : undefined;
  checkFeatures('run', paths ?? [join(PROJECT_ROOT, 'features')], tags);
  const { startBackend } = await import('../backend/start.ts');
  startBackend({ backend, timeoutMs });
  const { run } = await import('./run.ts');
  return await run({ started: true, backend, tags, format, reports, timeoutMs, expectations, paths });
}

async function failnth(v: Values, positionals: string[]): Promise<number> {
  const tags = str(v, 'tags') === undefined ? undefined : tagExpression(str(v, 'tags')!);
  const paths = featurePaths(positionals);
  const { failnthCommand, IOAS_FEATURES } = await import('./failnth.ts');
  checkFeatures('failnth', paths.length ? paths : IOAS_FEATURES.map((f) => join(PROJECT_ROOT, 'features', f)), tags);
  return await failnthCommand(paths, tags);
}

async function lintCommand(v: Values): Promise<number> {
  const dir = existingDir('--features', str(v, 'features') ?? join(PROJECT_ROOT, 'features'));
  const { lint } = await import('../lint/lint.ts');
  const { problems, scenarios, rules } = await lint(dir);
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
  console.log(`lint: ${scenarios.length} scenarios, ${rules.size} rules, ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  return problems.length ? 1 : 0;
}

const COMMAND_MAIN: Record<string, (v: Values, positionals: string[]) => Promise<number>> = {
  run: runCommand,
  serve: async () => (await import('./serve.ts')).serveMain(),
  failnth,
  lint: lintCommand,
  rules: async (v) => (await import('./rules.ts')).rulesReport(existingDir('--features', str(v, 'features') ?? join(PROJECT_ROOT, 'features')), v.json === true),
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
