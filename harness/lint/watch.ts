// `iommufd-conform lint --watch`: lint once, then again on every save. A
// changed feature file is linted alone (its rule ids, steps, tables, names and
// literals: about a second once cucumber's step definitions are loaded); a
// change to spec/rules or spec/uapi re-reads spec/ and lints everything, rule
// coverage included. Step definitions load once per process: a change under
// steps/ asks for a restart.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';
import { SPEC_ROOT, loadSpecFrom } from '../../spec/loader/load.ts';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import type { Spec } from '../../spec/loader/types.ts';
import { lint, lintFiles, type LintProblem } from './lint.ts';

export interface WatchReport { what: string; problems: LintProblem[] }

export interface Watching { close: () => void; /** Settles when the lint runs queued so far are done. */ idle: () => Promise<void> }

const DEBOUNCE_MS = 100;

export function formatProblems(problems: readonly LintProblem[]): string[] {
  return problems.map((p) => [`${p.file}:${p.line}: ${p.message}`, ...(p.hint ?? []).map((h) => `    ${h}`)].join('\n'));
}

/** Prints each report as the watch makes it. */
export function printReport(r: WatchReport): void {
  const t = new Date().toTimeString().slice(0, 8);
  for (const l of formatProblems(r.problems)) console.log(l);
  console.log(`[${t}] ${r.what}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
}

export function watchLint(featureDir: string, report: (r: WatchReport) => void = printReport): Watching {
  let spec: Spec | undefined;
  let queue = Promise.resolve();
  const pending = new Map<string, NodeJS.Timeout>();
  const enqueue = (job: () => Promise<void>) => { queue = queue.then(job).catch((e) => report({ what: 'lint', problems: [{ file: 'lint', line: 0, message: String((e as Error).message ?? e) }] })); };

  const all = (why: string) => enqueue(async () => {
    try { spec = loadSpecFrom(SPEC_ROOT); } catch (e) {
      const errs = (e as AggregateError).errors ?? [e];
      report({ what: `${why}: spec/ does not load`, problems: errs.map((x: { file?: string; line?: number; message: string }) => ({ file: x.file ?? 'spec', line: x.line ?? 0, message: x.message })) });
      return;
    }
    const r = await lint(featureDir, { spec });
    report({ what: `${why}: ${r.scenarios.length} scenarios`, problems: r.problems });
  });
  const one = (path: string) => enqueue(async () => {
    const rel = relative(process.cwd(), path);
    if (!existsSync(path)) { report({ what: `${rel} removed`, problems: [] }); return; }
    const r = await lintFiles([path], { coverage: false, spec });
    report({ what: rel, problems: r.problems });
  });
  const later = (key: string, job: () => void) => {
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => { pending.delete(key); job(); }, DEBOUNCE_MS));
  };

  all('lint');
  const watchers: FSWatcher[] = [
    watch(featureDir, { recursive: true }, (_ev, name) => {
      if (name?.endsWith('.feature')) { const p = join(featureDir, name); later(p, () => one(p)); }
    }),
    ...['rules', 'uapi'].map((d) => watch(join(SPEC_ROOT, d), (_ev, name) => {
      if (name?.endsWith('.json')) later('spec', () => all(`spec/${d}/${name} changed`));
    })),
    watch(join(PROJECT_ROOT, 'steps'), { recursive: true }, (_ev, name) => {
      if (name?.endsWith('.ts')) later('steps', () => report({ what: `steps/${name} changed: step definitions load once, restart lint --watch to check against it`, problems: [] }));
    }),
  ];
  return {
    close: () => { for (const w of watchers) w.close(); for (const t of pending.values()) clearTimeout(t); },
    idle: async () => { await queue; },
  };
}
