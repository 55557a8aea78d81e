// The rule x backend matrix every view shares: per rule and backend the
// scenarios that check the rule there and one cell status summing them up,
// per-area and per-level scores, and the findings (rules where the kernel
// differs from its own documentation).
import type { Rule } from '../rules/catalog.ts';
import type { ScenarioRecord, Status } from './conformance.ts';
import type { RunResults } from './results.ts';

/** What a cell shows. */
export type Cell = 'passed' | 'failed' | 'expected-fail' | 'not-applicable' | 'errored' | 'not-run' | 'no-scenario';

export const CELLS: readonly Cell[] = ['passed', 'failed', 'expected-fail', 'not-applicable', 'errored', 'not-run', 'no-scenario'];
export const CELL_LABEL: Record<Cell, string> = {
  passed: 'passed', failed: 'failed', 'expected-fail': 'expected fail', 'not-applicable': 'not applicable', errored: 'errored', 'not-run': 'not run', 'no-scenario': 'no scenario',
};

const CELL_OF: Record<Status, Cell> = {
  passed: 'passed', failed: 'failed', 'unexpected-pass': 'failed', undefined: 'failed', ambiguous: 'failed', pending: 'failed', unknown: 'failed',
  errored: 'errored', 'expected-fail': 'expected-fail', 'not-applicable': 'not-applicable', skipped: 'not-run',
};
/** A cell is its worst scenario: one failure makes the rule fail on that backend. */
const WORST: Cell[] = ['no-scenario', 'not-run', 'not-applicable', 'passed', 'expected-fail', 'errored', 'failed'];

export const cellOf = (s: Status): Cell => CELL_OF[s];
export type Level = 'documented' | 'linux';
export const levelOf = (r: Rule): Level => ((r as { level?: Level }).level ?? 'documented');

export interface MatrixCell { cell: Cell; scenarios: ScenarioRecord[] }
export interface MatrixRow { rule: Rule; cells: MatrixCell[] }
export interface Score { passed: number; total: number }

export interface Matrix {
  backends: string[];
  runs: RunResults[];
  rows: MatrixRow[];
  areas: string[];
}

export function buildMatrix(runs: RunResults[], rules: ReadonlyMap<string, Rule>): Matrix {
  const byRule = runs.map((run) => {
    const m = new Map<string, ScenarioRecord[]>();
    for (const s of run.report.scenarios) for (const id of s.rules) m.set(id, [...(m.get(id) ?? []), s]);
    return m;
  });
  const rows = [...rules.values()].sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id)).map((rule) => ({
    rule,
    cells: byRule.map((m) => {
      const scenarios = m.get(rule.id) ?? [];
      const cell = scenarios.map((s) => cellOf(s.status)).reduce<Cell>((w, c) => (WORST.indexOf(c) > WORST.indexOf(w) ? c : w), 'no-scenario');
      return { cell, scenarios };
    }),
  }));
  return { backends: runs.map((r) => r.report.backend), runs, rows, areas: [...new Set(rows.map((r) => r.rule.area))] };
}

/** passed / total of the rules a backend gave a result for (not-applicable, not run and no scenario are left out). */
export function score(rows: readonly MatrixRow[], col: number): Score {
  let passed = 0;
  let total = 0;
  for (const r of rows) {
    const c = r.cells[col]!.cell;
    if (c === 'not-applicable' || c === 'not-run' || c === 'no-scenario') continue;
    total++;
    if (c === 'passed') passed++;
  }
  return { passed, total };
}

export function cellCounts(rows: readonly MatrixRow[], col: number): Record<Cell, number> {
  const out = Object.fromEntries(CELLS.map((c) => [c, 0])) as Record<Cell, number>;
  for (const r of rows) out[r.cells[col]!.cell]++;
  return out;
}

export const rowsOfArea = (m: Matrix, area: string) => m.rows.filter((r) => r.rule.area === area);
export const rowsOfLevel = (m: Matrix, level: Level) => m.rows.filter((r) => levelOf(r.rule) === level);
export const findings = (m: Matrix) => m.rows.filter((r) => r.rule.divergence);
/** A backend's name for headings and badges: a cmd: backend by its program (the full argv stays in the run's report). */
export function shortName(backend: string): string {
  if (!backend.startsWith('cmd:')) return backend;
  const words = backend.slice(4).trim().split(/\s+/);
  let prog = words.length - 1;
  while (prog >= 0 && !(words[prog]!.includes('/') && !words[prog]!.startsWith('-'))) prog--;
  if (prog < 0) return backend.length > 40 ? `${backend.slice(0, 39)}\u2026` : backend;
  return `cmd:${[words[prog]!.replace(/^.*\//, '').replace(/\.(m?[jt]s)$/, ''), ...words.slice(prog + 1)].join(' ')}`;
}

export const pct = (s: Score) => (s.total ? Math.floor((s.passed / s.total) * 1000) / 10 : 0);
