// The commands' options, their help, and parsing that turns a typing
// mistake into one line (a UsageError: exit 2) before anything runs.
import { parseArgs } from 'node:util';

/** A mistake on the command line: reported as one line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the help, e.g. MS. */
  arg?: string;
  help: string;
}

export interface CommandSpec {
  summary: string;
  /** The positional arguments in the usage line, when the command takes any. */
  positionals?: string;
  options: Record<string, OptionSpec>;
  /** Lines after the options: defaults and how paths resolve. */
  notes?: string[];
}

const PATHS_NOTE = 'Paths are relative to the current directory.';
const TAGS: OptionSpec = { type: 'string', arg: 'EXPR', help: "cucumber tag expression, e.g. '@IOAS.MAP.FIXED or @objects and not @slow'" };
const FEATURES: OptionSpec = { type: 'string', arg: 'DIR', help: 'the folder of feature files (default: the project\'s features/)' };

export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: 'run the conformance suite on one backend',
    positionals: '[FEATURE[:LINE]...]',
    options: {
      backend: { type: 'string', arg: 'NAME', help: 'reference (default), reference-no<option> (notest, nonoiommu; joined: reference-notest-nonoiommu), cmd:<argv...>, kernel (7.3), kernel-7.3, kernel-6.12' },
      tags: TAGS,
      format: { type: 'string', arg: 'NAME[:FILE]', help: 'a cucumber formatter for the console instead of the harness\'s own progress and failure lines: html, json, junit, message, pretty, progress, progress-bar, rerun, snippets, summary, usage, usage-json' },
      reports: { type: 'string', arg: 'DIR', help: 'where messages.ndjson and the reports rendered from it go (default: the project\'s reports/)' },
      timeout: { type: 'string', arg: 'MS', help: 'per-call timeout of a backend, a whole number of milliseconds > 0 (default: 10000, kernel 30000)' },
      expectations: { type: 'string', arg: 'FILE', help: 'the expected failures (default: expectations/<backend>.json when it exists)' },
      level: { type: 'string', arg: 'LEVEL', help: "documented: only what the documentation requires (scenarios without @linux); linux: only the Linux choices it leaves open (@linux); default: both" },
    },
    notes: ['FEATURE is a .feature file or a folder of them (default: the project\'s features/); FILE:LINE selects the scenario at that line.', PATHS_NOTE],
  },
  report: {
    summary: 'render the reports again from kept message streams; several streams: also their combined rule x backend matrix',
    positionals: '[REPORTS_DIR|FILE.ndjson...]',
    options: { out: { type: 'string', arg: 'DIR', help: 'where the views go (one stream: default its own folder; several: the combined matrix, default the project\'s reports/all/)' } },
    notes: ['REPORTS_DIR is a folder a run wrote (its messages.ndjson); default: the project\'s reports/.', PATHS_NOTE],
  },
  serve: { summary: 'the reference engine as a wire-protocol server on stdin/stdout', options: {} },
  lint: {
    summary: 'check scenarios, steps, tables, $names and rule coverage; problems as file:line: message, exit 1',
    options: {
      features: FEATURES,
      watch: { type: 'boolean', help: 'lint again on every save: a changed feature file alone, everything on a change of spec/rules or spec/uapi (Ctrl-C ends)' },
    },
    notes: [PATHS_NOTE],
  },
  failnth: {
    summary: 'the failure-injection sweep on the reference engine',
    positionals: '[FEATURE[:LINE]...]',
    options: { tags: TAGS },
    notes: ['FEATURE defaults to the IOAS features (features/ioas_*.feature, vfio_compat*.feature, option.feature, objects.feature).', PATHS_NOTE],
  },
  rules: {
    summary: 'each rule with the scenarios that cover it, then the rules not yet covered',
    options: {
      features: FEATURES, json: { type: 'boolean', help: 'the same as JSON' },
      uncovered: { type: 'boolean', help: 'only the rules no scenario covers, with their pending reasons' },
    },
    notes: [PATHS_NOTE],
  },
  diff: {
    summary: 'what changed between two runs (new failures, fixes, changed errno, new and removed scenarios); exit 1 on a regression',
    positionals: 'A B',
    options: { json: { type: 'boolean', help: 'the comparison as JSON' } },
    notes: ['A and B are conformance.json files of two runs (A the older).', PATHS_NOTE],
  },
  drift: {
    summary: "hash each rule's cited kernel text (record), or list the rules whose text differs in another tree (check)",
    positionals: 'record|check',
    options: {
      tree: { type: 'string', arg: 'DIR', help: 'a kernel source tree (record: default the 7.3 tree in ~/.cache/iommufd-conformance/kernel/src; check: required)' },
      header: { type: 'string', arg: 'FILE', help: 'check: one header instead of a tree (e.g. a newer iommufd.h); only the citations of the recorded file of that name' },
      record: { type: 'string', arg: 'VERSION', help: 'check against spec/drift/VERSION.json (default: the newest record)' },
    },
    notes: ['record writes spec/drift/<version of the tree>.json; check exits 1 when a rule\'s cited text changed or is gone.', PATHS_NOTE],
  },
  'update-expectations': {
    summary: "write a backend's expectations from a run, keeping their reasons",
    options: {
      report: { type: 'string', arg: 'FILE', help: "the run's conformance.json (default: the project's reports/conformance.json)" },
      output: { type: 'string', arg: 'FILE', help: 'the expectations file (default: expectations/<backend of the report>.json)' },
    },
    notes: [PATHS_NOTE],
  },
};

const PROG = 'iommufd-conform';

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `usage: ${PROG} <command> [options]`, '', 'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '', `${PROG} <command> --help shows the options of a command.`,
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  const opts: [string, string][] = Object.entries(c.options).map(([o, s]) => [`--${o}${s.arg ? ` ${s.arg}` : ''}`, s.help]);
  opts.push(['-h, --help', 'show this help']);
  const width = Math.max(...opts.map(([o]) => o.length));
  return [
    `usage: ${PROG} ${name}${opts.length > 1 ? ' [options]' : ''}${c.positionals ? ` ${c.positionals}` : ''}`, '', `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, '',
    'options:', ...opts.map(([o, h]) => `  ${o.padEnd(width)}  ${h}`),
    ...(c.notes?.length ? ['', ...c.notes] : []),
  ].join('\n');
}

export interface Parsed { help: boolean; values: Record<string, string | boolean | undefined>; positionals: string[] }

/** Parses a command's arguments; --help or -h anywhere before `--` asks for its help. */
export function parseCommand(name: string, args: string[]): Parsed {
  const c = COMMANDS[name];
  if (!c) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see ${PROG} --help)`);
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')) return { help: true, values: {}, positionals: [] };
  const options = Object.fromEntries(Object.entries(c.options).map(([o, s]) => [o, { type: s.type }]));
  try {
    const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals: !!c.positionals, strict: true, tokens: true });
    // The last of two values would win silently: a repeated option is refused.
    const seen = new Set<string>();
    for (const t of tokens) {
      if (t.kind !== 'option') continue;
      if (seen.has(t.name)) throw new UsageError(`option '--${t.name}' is given twice`);
      seen.add(t.name);
    }
    return { help: false, values: values as Parsed['values'], positionals };
  } catch (e) {
    const problem = e instanceof UsageError ? e.message : argProblem(e as Error & { code?: string });
    throw new UsageError(`${problem} (see ${PROG} ${name} --help)`);
  }
}

/** node:util's parse errors as one short sentence naming the argument. */
function argProblem(e: Error & { code?: string }): string {
  const arg = /'([^']+)'/.exec(e.message)?.[1]?.replace(/ <value>$/, '') ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option '${arg}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': return `unexpected argument '${arg}': this command takes no positional arguments`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take/.test(e.message) ? `option '${arg}' takes no value` : `option '${arg}' needs a value`;
    default: return e.message.split('\n')[0]!;
  }
}
