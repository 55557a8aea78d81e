// A Markdown summary for CI logs and pull requests: the score per backend
// (per rule level), the rules that fail with their failing step and errno,
// and the findings (the kernel against its own documentation).
import { CELL_LABEL, cellCounts, findings, pct, rowsOfArea, rowsOfLevel, score, type Cell, type Matrix, type MatrixRow } from './matrix.ts';

const md = (s: string) => s.replace(/([|\\`*_[\]<>])/g, '\\$1').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const BAD: Cell[] = ['failed', 'errored'];

function failing(m: Matrix, row: MatrixRow): string[] {
  const out: string[] = [];
  row.cells.forEach((c, i) => {
    if (!BAD.includes(c.cell)) return;
    for (const s of c.scenarios.filter((x) => x.status !== 'passed' && x.failure)) {
      const f = s.failure!;
      const errno = f.expectedErrno || f.observedErrno ? `, expected ${f.expectedErrno ?? 'success'}, observed ${f.observedErrno ?? 'success'}` : '';
      out.push(`  - ${m.backends[i]}: ${code(s.location)} ${md(s.name)}: step ${code(f.stepLocation)} ${md(f.step)}${errno}: ${md(f.message.split('\n')[0]!)}`);
    }
  });
  return out;
}

export function markdownSummary(m: Matrix): string {
  const lines = [`# iommufd conformance: ${m.backends.join(', ')}`, ''];
  lines.push('| backend | rules passed | documented | linux | failed | errored | expected fail | not applicable | scenarios |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  m.backends.forEach((b, i) => {
    const s = score(m.rows, i);
    const lv = (l: 'documented' | 'linux') => { const x = score(rowsOfLevel(m, l), i); return x.total ? `${x.passed}/${x.total}` : '-'; };
    const c = cellCounts(m.rows, i);
    const r = m.runs[i]!.report;
    lines.push(`| ${md(b)}${r.interrupted ? ` (interrupted: ${r.interrupted})` : ''} | ${s.passed}/${s.total} (${pct(s)} %) | ${lv('documented')} | ${lv('linux')} | ${c.failed} | ${c.errored} | ${c['expected-fail']} | ${c['not-applicable']} | ${r.scenarios.length} |`);
  });
  lines.push('', '## Areas', '', `| area | ${m.backends.map(md).join(' | ')} |`, `| --- |${m.backends.map(() => ' ---: |').join('')}`);
  for (const a of m.areas) {
    const rows = rowsOfArea(m, a);
    lines.push(`| ${md(a)} | ${m.backends.map((_, i) => { const s = score(rows, i); const bad = cellCounts(rows, i).failed; return s.total ? `${s.passed}/${s.total}${bad ? ` (${bad} failed)` : ''}` : '-'; }).join(' | ')} |`);
  }
  const bad = m.rows.filter((r) => r.cells.some((c) => BAD.includes(c.cell)));
  lines.push('', `## Failing rules (${bad.length})`, '');
  if (!bad.length) lines.push('None.');
  for (const r of bad) {
    lines.push(`- **${r.rule.id}** (${r.cells.map((c, i) => `${m.backends[i]}: ${CELL_LABEL[c.cell]}`).join(', ')}): ${md(r.rule.statement)}`);
    lines.push(...failing(m, r));
  }
  const xfail = m.rows.filter((r) => r.cells.some((c) => c.cell === 'expected-fail'));
  if (xfail.length) {
    lines.push('', `## Expected failures: known bugs of a backend (${xfail.length} rules)`, '');
    for (const r of xfail) {
      lines.push(`- **${r.rule.id}**: ${md(r.rule.statement)}`);
      r.cells.forEach((c, i) => { for (const s of c.scenarios.filter((x) => x.status === 'expected-fail')) lines.push(`  - ${m.backends[i]}: ${code(s.location)} ${md(s.name)}: ${md(s.message ?? '')}`); });
    }
  }
  const f = findings(m);
  lines.push('', `## Findings: the kernel against its documentation (${f.length})`, '');
  for (const r of f) lines.push(`- **${r.rule.id}** (${md(r.rule.source.doc)}: ${md(r.rule.source.section)})`, `  - documented: ${md(r.rule.statement)}`, `  - kernel: ${md(r.rule.divergence!)}`);
  return `${lines.join('\n')}\n`;
}
