// Checks of option values and paths, done before anything runs: each
// mistake is a UsageError naming the option and what is wrong with it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { UsageError } from './args.ts';
import { closest } from '../codec/nearest.ts';
import { BackendStartError, checkBackendName } from '../backend/names.mjs';

// The CommonJS build cucumber itself loads, rather than a second (ESM) copy.
const parseTagExpression = createRequire(import.meta.url)('@cucumber/tag-expressions').default as (expr: string) => unknown;
import { featureFiles, parseFeatures, type ParseProblem, type ParsedScenario } from '../lint/features.ts';

/** A whole number of milliseconds above 0 that a timer can hold. */
export function positiveMs(option: string, v: string): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= 0x7fffffff)) throw new UsageError(`${option} '${v}': expected a whole number of milliseconds from 1 to ${0x7fffffff}`);
  return n;
}

/** A backend name that names.mjs (the one list of backends) knows: reference, cmd:<argv...>, kernel, kernel-<version>. */
export function backendName(v: string): string {
  try {
    checkBackendName(v);
  } catch (e) {
    if (e instanceof BackendStartError) throw new UsageError(`--backend '${v}': ${e.message}`);
    throw e;
  }
  return v;
}

const FORMATTERS = ['html', 'json', 'junit', 'message', 'pretty', 'progress', 'progress-bar', 'rerun', 'snippets', 'summary', 'usage', 'usage-json'];

/**
 * A cucumber format, NAME or NAME:FILE (either part may be quoted): NAME a
 * built-in formatter, or the path of a formatter module. Paths come back
 * absolute, as cucumber would resolve them against the project instead.
 */
export function formatSpec(v: string, cwd = process.cwd()): string {
  const m = /^(?:"([^"]*)"|([^:"]*))(?::(?:"([^"]*)"|(.*)))?$/.exec(v);
  const name = m?.[1] ?? m?.[2] ?? '';
  const file = m?.[3] ?? m?.[4];
  let formatter = name;
  if (!FORMATTERS.includes(name)) {
    if (!/^[./]/.test(name) || !existsSync(resolve(cwd, name))) {
      throw new UsageError(`--format '${v}': unknown formatter '${name}' (known: ${FORMATTERS.join(', ')}, or ./path/to/formatter.js)${closest(name, FORMATTERS)}`);
    }
    formatter = resolve(cwd, name);
  }
  if (file === undefined) return formatter === name ? name : `"${formatter}"`;
  if (!file) throw new UsageError(`--format '${v}': no file after ':'`);
  return `"${formatter}":"${resolve(cwd, file)}"`;
}

/** A cucumber tag expression, checked as cucumber will parse it; every tag starts with @. */
export function tagExpression(v: string): string {
  try {
    parseTagExpression(v);
  } catch (e) {
    const why = /syntax error: (.*?)\.?$/.exec((e as Error).message)?.[1] ?? (e as Error).message;
    throw new UsageError(`--tags '${v}': not a valid tag expression: ${why.replace(/^./, (c) => c.toLowerCase())}`);
  }
  const bare = tagsOf(v).filter((w) => !w.startsWith('@'));
  if (bare.length) throw new UsageError(`--tags '${v}': tag '${bare[0]}' does not start with @ (tags are written @NAME, e.g. @IOAS.MAP.FIXED)`);
  return v;
}

const GLOB = /[*?[\]{}]/;

/**
 * FEATURE arguments resolved against `cwd`, cucumber's :LINE suffixes kept.
 * A path that does not exist, or a pattern that matches nothing, is a UsageError.
 */
export function featurePaths(args: string[], cwd = process.cwd()): string[] {
  return args.map((a) => {
    const [, path, lines] = /^(.*?)((?::\d+)*)$/.exec(a)!;
    const abs = resolve(cwd, path!);
    if (GLOB.test(path!) ? !globFiles(abs).length : !existsSync(abs)) {
      throw new UsageError(`${a}: ${GLOB.test(path!) ? 'no file matches this pattern' : 'no such file or directory'}`);
    }
    return abs + lines;
  });
}

/** A folder given by an option, resolved against `cwd`; it must exist. */
export function existingDir(option: string, v: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, v);
  if (!existsSync(abs)) throw new UsageError(`${option} ${v}: no such directory`);
  if (!statSync(abs).isDirectory()) throw new UsageError(`${option} ${v}: not a directory`);
  return abs;
}

/** A file given by an option, resolved against `cwd`; it must exist. */
export function existingFile(option: string, v: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, v);
  if (!existsSync(abs)) throw new UsageError(`${option} ${v}: no such file`);
  if (statSync(abs).isDirectory()) throw new UsageError(`${option} ${v}: a directory, not a file`);
  return abs;
}

/** A folder to write into, resolved against `cwd`: made if missing, but not a file. */
export function outputDir(option: string, v: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, v);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new UsageError(`${option} ${v}: a file, not a directory`);
  return abs;
}

/** The files a pattern matches; * and ? only in its last part (features/ioas_*.feature). */
function globFiles(abs: string): string[] {
  const dir = dirname(abs);
  if (GLOB.test(dir) || !existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const re = new RegExp(`^${basename(abs).replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return readdirSync(dir).filter((f) => re.test(f)).map((f) => join(dir, f));
}

/** The feature files that paths (files, folders, patterns, with :LINE) name. */
export function filesOf(paths: string[]): string[] {
  return [...new Set(paths.flatMap((p) => {
    const path = p.replace(/(?::\d+)+$/, '');
    if (GLOB.test(path)) return globFiles(path).flatMap((f) => statSync(f).isDirectory() ? featureFiles(f) : [f]);
    return statSync(path).isDirectory() ? featureFiles(path) : [path];
  }))];
}

/** The scenarios of the files that paths name, and their Gherkin syntax errors (file names relative to `cwd`). */
export function parseSelected(paths: string[], cwd = process.cwd()): { scenarios: ParsedScenario[]; problems: ParseProblem[] } {
  return parseFeatures(filesOf(paths), cwd);
}

/** The tags of a (valid) tag expression. */
export function tagsOf(expr: string): string[] {
  return expr.replace(/\\./g, 'x').split(/[\s()]+/).filter((w) => w && !['and', 'or', 'not'].includes(w));
}

/** A warning for each tag of the expression that no scenario carries: most often a typing mistake. */
export function unknownTags(expr: string, scenarios: ParsedScenario[]): string[] {
  const known = new Set(scenarios.flatMap((s) => s.tags));
  return tagsOf(expr).filter((t) => !known.has(t)).map((t) => `no selected scenario has tag ${t}${closest(t, known)}`);
}
