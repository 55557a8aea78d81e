// `iommufd-conform report`: renders the views again from kept message
// streams, without running anything. One stream: every view of that run (in
// its folder, or --out). Several (one per backend): each run's own views in
// its folder, and the combined rule x backend matrix into --out: report.html,
// rules.html, summary.md, matrix.json and a badge per backend.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadRules } from '../rules/catalog.ts';
import { lockReports, writeAtomic } from './files.ts';
import { buildMatrix, levelOf, score, type Matrix } from './matrix.ts';
import { NDJSON_NAME, readNdjson } from './ndjson.ts';
import { writeMatrixViews, writeRunViews } from './views.ts';
import type { RunResults } from './results.ts';

/** A reports folder (holding messages.ndjson) or the stream itself. */
export function streamOf(input: string): string {
  return existsSync(input) && statSync(input).isDirectory() ? join(input, NDJSON_NAME) : input;
}

/** The combined matrix as data: per rule its area, level and cell per backend. */
export function matrixJson(m: Matrix): string {
  return `${JSON.stringify({
    schemaVersion: 1,
    backends: m.backends.map((b, i) => ({ backend: b, startedAt: m.runs[i]!.report.startedAt, rules: score(m.rows, i) })),
    rules: m.rows.map((r) => ({ id: r.rule.id, area: r.rule.area, level: levelOf(r.rule), cells: Object.fromEntries(r.cells.map((c, i) => [m.backends[i]!, c.cell])) })),
  }, null, 2)}\n`;
}

/** Takes each folder it writes into (a run may be writing there), renders, lets go. */
function locked<T>(dirs: string[], f: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const d of new Set(dirs)) {
      mkdirSync(d, { recursive: true });
      const l = lockReports(d);
      if (typeof l === 'string') throw new Error(l);
      releases.push(l);
    }
  } catch (e) {
    for (const r of releases) r();
    return Promise.reject(e);
  }
  return f().finally(() => { for (const r of releases) r(); });
}

export async function reportCommand(inputs: string[], out: string | undefined): Promise<number> {
  const streams = inputs.map(streamOf);
  for (const s of streams) if (!existsSync(s)) { console.error(`${relative(process.cwd(), s)}: no such file (run writes ${NDJSON_NAME} into its reports folder)`); return 2; }
  const rules = loadRules();
  const single = streams.length === 1;
  const dirs = single ? [out ?? dirname(streams[0]!)] : [...streams.map((s) => dirname(s)), out!];
  try {
    return await locked(dirs, async () => {
      const runs: RunResults[] = [];
      for (const [i, s] of streams.entries()) {
        const dir = single ? dirs[0]! : dirname(s);
        runs.push(await writeRunViews(dir, readNdjson(s), rules));
        console.log(`${relative(process.cwd(), dir) || '.'}: ${runs[i]!.report.backend}, ${runs[i]!.report.scenarios.length} scenarios`);
      }
      if (!single) {
        const m = buildMatrix(runs, rules);
        writeMatrixViews(out!, m);
        writeAtomic(join(out!, 'matrix.json'), matrixJson(m));
        console.log(`${relative(process.cwd(), out!) || '.'}: the matrix of ${m.backends.join(', ')} (report.html, rules.html, summary.md, matrix.json)`);
      }
      return 0;
    });
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
}
