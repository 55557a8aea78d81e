// Living documentation: the rule catalog of spec/rules as a browsable page by
// area, each rule with its statement, source, since, level, divergence, the
// scenarios that check it and their status per backend of the given runs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_ROOT, readJson } from '../../spec/loader/load.ts';
import { CELL_LABEL, cellOf, levelOf, rowsOfArea, score, pct, shortName, type Matrix } from './matrix.ts';
import { anchor, h } from './html/escape.ts';
import { CSS } from './html/style.ts';

/** Each area's descriptions (the `doc` of each spec/rules file of that area). */
export function areaDocs(root = SPEC_ROOT): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(join(root, 'rules')).filter((x) => x.endsWith('.json')).sort()) {
    const d = readJson(join(root, 'rules', f), root).data as { area: string; doc?: string };
    if (d.doc) out.set(d.area, [...(out.get(d.area) ?? []), d.doc]);
  }
  return out;
}

export function catalogPage(m: Matrix, docs: ReadonlyMap<string, string[]> = areaDocs(), generatedAt = new Date().toISOString()): string {
  const toc = m.areas.map((a) => {
    const rows = rowsOfArea(m, a);
    return `<li><a href="#area-${anchor(a)}">${h(a)}</a> <span class="mute">${rows.length} rules; ${m.backends.map((b, i) => { const s = score(rows, i); return `${h(shortName(b))} ${pct(s)} %`; }).join(', ')}</span></li>`;
  }).join('');
  const areas = m.areas.map((a) => `<section><h2 id="area-${anchor(a)}">${h(a)}</h2>${docs.get(a) ? `<ul>${docs.get(a)!.map((d) => `<li>${h(d)}</li>`).join('')}</ul>` : ''}${rowsOfArea(m, a).map((r) => {
    const locs = [...new Set(r.cells.flatMap((c) => c.scenarios.map((s) => s.location)))];
    const scen = locs.length
      ? `<table><thead><tr><th>scenario</th>${m.backends.map((b) => `<th title="${h(b)}">${h(shortName(b))}</th>`).join('')}</tr></thead><tbody>${locs.map((loc) => {
        const per = r.cells.map((c) => c.scenarios.find((s) => s.location === loc));
        return `<tr><td><code>${h(loc)}</code> ${h(per.find(Boolean)!.name)}</td>${per.map((s) => { const c = s ? cellOf(s.status) : 'no-scenario'; return `<td class="c c-${c}">${CELL_LABEL[c]}</td>`; }).join('')}</tr>`;
      }).join('')}</tbody></table>`
      : `<p class="mute">Not covered yet${r.rule.pending ? `: ${h(r.rule.pending)}` : ''}.</p>`;
    return `<article id="rule-${anchor(r.rule.id)}"><h3 class="id">${h(r.rule.id)} <span class="level">${levelOf(r.rule)}</span></h3><p>${h(r.rule.statement)}</p>`
      + `<dl class="kv"><dt>expected</dt><dd>${r.rule.expected.errno ? `<code>${h(r.rule.expected.errno)}</code> ` : ''}${h(r.rule.expected.effect ?? '')}</dd><dt>source</dt><dd>${h(r.rule.source.doc)}: ${h(r.rule.source.section)}</dd><dt>since</dt><dd>Linux ${h(r.rule.since)}</dd>`
      + `${r.rule.ioctls?.length ? `<dt>ioctls</dt><dd>${r.rule.ioctls.map((x) => `<code>${h(x)}</code>`).join(', ')}</dd>` : ''}`
      + `${r.rule.divergence ? `<dt>divergence</dt><dd class="finding">${h(r.rule.divergence)}</dd>` : ''}<dt>defined</dt><dd><code>${h(r.rule.file)}:${r.rule.line}</code></dd></dl>${scen}</article>`;
  }).join('')}</section>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`
    + `<title>iommufd rule catalog</title><style>${CSS}</style></head><body><h1>The iommufd rule catalog</h1>`
    + `<p class="mute">${m.rows.length} rules in ${m.areas.length} areas, generated ${h(generatedAt)} from spec/rules and the runs of ${h(m.backends.join(', ') || 'no backend')}. <a href="report.html">the report</a></p>`
    + `<nav><ol>${toc}</ol></nav>${areas}</body></html>\n`;
}
