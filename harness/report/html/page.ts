// Our own report page: one self-contained HTML file (no network, no CDN; the
// matrix is a plain table that needs no JavaScript; the filters are a small
// inline script on top). For each rule: statement, source, since, level,
// the Gherkin that checks it and, per backend, the result with the failing
// step and errno; a findings section; per-area and per-level scores; a badge
// per backend.
import type { ScenarioRecord } from '../conformance.ts';
import { CELL_LABEL, CELLS, cellCounts, cellOf, findings, levelOf, pct, rowsOfArea, rowsOfLevel, score, shortName, type Matrix, type MatrixRow } from '../matrix.ts';
import { badgeSvg } from './badge.ts';
import { anchor, h } from './escape.ts';
import { CSS } from './style.ts';
import { FILTER_SCRIPT } from './filter-script.ts';

const cell = (c: keyof typeof CELL_LABEL, extra = '') => `<td class="c c-${c}" data-cell="${c}"${extra}>${CELL_LABEL[c]}</td>`;

function runsTable(m: Matrix): string {
  const rows = m.runs.map(({ report: r }, i) => {
    const s = score(m.rows, i);
    const impl = r.implementation ? `${r.implementation.name} ${r.implementation.version} (uAPI of Linux ${r.implementation.kernel})${r.implementation.available ? '' : `: not available: ${r.implementation.reason ?? ''}`}` : '';
    return `<tr><td>${h(r.backend)}</td><td>${h(impl)}</td><td>${h(r.startedAt)}</td><td class="num">${(r.durationMs / 1000).toFixed(1)} s</td><td class="num">${r.scenarios.length}</td>`
      + `<td class="num">${r.counts.passed}</td><td class="num">${r.counts.failed + r.counts['unexpected-pass']}</td><td class="num">${r.counts.errored}</td><td class="num">${r.counts['expected-fail']}</td><td class="num">${r.counts['not-applicable']}</td><td class="num">${r.counts.skipped}</td>`
      + `<td class="num">${s.passed}/${s.total} (${pct(s)} %)</td><td>${r.interrupted ? `interrupted (${r.interrupted})` : 'complete'}</td></tr>`;
  });
  return `<table><thead><tr><th>backend</th><th>implementation</th><th>started</th><th>took</th><th>scenarios</th><th>passed</th><th>failed</th><th>errored</th><th>expected fail</th><th>not applicable</th><th>not run</th><th>rules passed</th><th>run</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function levelTable(m: Matrix): string {
  const row = (label: string, rows: MatrixRow[]) => `<tr><td>${label}</td>${m.backends.map((_, i) => { const s = score(rows, i); return `<td class="num">${s.total ? `${s.passed}/${s.total} (${pct(s)} %)` : '-'}</td>`; }).join('')}</tr>`;
  return `<table><thead><tr><th>rule level</th>${m.backends.map((b) => `<th title="${h(b)}">${h(shortName(b))}</th>`).join('')}</tr></thead><tbody>${row('documented (the uAPI documentation)', rowsOfLevel(m, 'documented'))}${row('linux (what Linux does where the documentation is silent)', rowsOfLevel(m, 'linux'))}${row('all', m.rows)}</tbody></table>`;
}

function areaTable(m: Matrix): string {
  const rows = m.areas.map((a) => {
    const rs = rowsOfArea(m, a);
    return `<tr><td><a href="#area-${anchor(a)}">${h(a)}</a></td><td class="num">${rs.length}</td>${m.backends.map((_, i) => {
      const s = score(rs, i);
      const c = cellCounts(rs, i);
      const bad = c.failed + c.errored;
      if (!s.total) return `<td class="mute">no result${c['not-applicable'] ? ` (${c['not-applicable']} not applicable)` : ''}</td>`;
      return `<td><span class="barbg"><span class="bar" style="width:${Math.round(pct(s) * 0.8)}px"></span></span>${s.passed}/${s.total}${bad ? ` <span class="c c-failed">${bad} failing</span>` : ''}${c['expected-fail'] ? ` <span class="c c-expected-fail">${c['expected-fail']} expected</span>` : ''}</td>`;
    }).join('')}</tr>`;
  });
  return `<table id="areas"><thead><tr><th>area</th><th>rules</th>${m.backends.map((b) => `<th title="${h(b)}">${h(shortName(b))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function filters(m: Matrix): string {
  const opt = (v: string, label = v) => `<option value="${h(v)}">${h(label)}</option>`;
  return `<form id="filters" role="search" onsubmit="return false">`
    + `<label>area<select id="f-area">${opt('', 'all areas')}${m.areas.map((a) => opt(a)).join('')}</select></label>`
    + `<label>status<select id="f-status">${opt('', 'any status')}${CELLS.map((c) => opt(c, CELL_LABEL[c])).join('')}${opt('differs', 'differs between backends')}</select></label>`
    + `<label>backend<select id="f-backend">${opt('', 'any backend')}${m.backends.map((b, i) => opt(String(i), shortName(b))).join('')}</select></label>`
    + `<label>text<input id="f-text" type="search" placeholder="rule id, statement, errno..."></label>`
    + `<span id="f-count" class="mute"></span></form>`;
}

function matrixTable(m: Matrix): string {
  const body = m.areas.map((a) => {
    const rows = rowsOfArea(m, a).map((r) => {
      const text = `${r.rule.id} ${r.rule.statement} ${r.rule.expected.errno ?? ''} ${r.rule.source.doc} ${r.rule.source.section}`.toLowerCase();
      return `<tr class="rule" data-area="${h(a)}" data-cells="${r.cells.map((c) => c.cell).join(' ')}" data-text="${h(text)}"><td class="id"><a href="#rule-${anchor(r.rule.id)}">${h(r.rule.id)}</a>${r.rule.divergence ? ' <span class="level" title="the kernel differs from its documentation">finding</span>' : ''}</td><td><span class="level">${levelOf(r.rule)}</span></td>`
        + `${r.cells.map((c) => cell(c.cell, ` title="${h(`${c.scenarios.filter((s) => s.status === 'passed').length} of ${c.scenarios.length} scenarios passed`)}"`)).join('')}<td>${h(r.rule.statement)}</td></tr>`;
    });
    return `<tbody data-area="${h(a)}"><tr class="area"><th colspan="${m.backends.length + 3}" id="area-${anchor(a)}">${h(a)}</th></tr>${rows.join('')}</tbody>`;
  });
  return `<table id="matrix"><thead><tr><th>rule</th><th>level</th>${m.backends.map((b) => `<th class="backend" title="${h(b)}">${h(shortName(b))}</th>`).join('')}<th>statement</th></tr></thead>${body.join('')}</table>`;
}

function findingsSection(m: Matrix): string {
  const f = findings(m);
  return `<h2 id="findings">Findings: where the kernel differs from its own documentation (${f.length})</h2>`
    + '<p class="mute">Each scenario asserts what the kernel does; the documented statement is kept beside it.</p>'
    + f.map((r) => `<div class="finding"><p><a class="id" href="#rule-${anchor(r.rule.id)}">${h(r.rule.id)}</a> <span class="mute">${h(r.rule.source.doc)}: ${h(r.rule.source.section)}; since ${h(r.rule.since)}</span></p>`
      + `<p><b>Documented:</b> ${h(r.rule.statement)}</p><p><b>Kernel:</b> ${h(r.rule.divergence!)}</p>`
      + `<p>${r.cells.map((c, i) => `${h(shortName(m.backends[i]!))}: <span class="c c-${c.cell}">${CELL_LABEL[c.cell]}</span>`).join(' &nbsp; ')}</p></div>`).join('');
}

function result(s: ScenarioRecord): string {
  const f = s.failure;
  if (!f) return s.message ? `<div class="mute">${h(s.message)}</div>` : '';
  const errno = f.expectedErrno || f.observedErrno ? `<dt>errno</dt><dd>expected <code>${h(f.expectedErrno ?? 'success')}</code>, observed <code>${h(f.observedErrno ?? 'success')}</code></dd>` : '';
  return `<dl class="kv"><dt>step</dt><dd><code>${h(f.stepLocation)}</code> ${h(f.step)}</dd>${errno}<dt>message</dt><dd><pre>${h(f.message)}</pre></dd>${s.status === 'expected-fail' && s.message ? `<dt>expectation</dt><dd>${h(s.message)}</dd>` : ''}</dl>`;
}

/** The scenarios checking a rule, by file:line across backends, each with its Gherkin and its result per backend. */
function scenariosOf(m: Matrix, r: MatrixRow): string {
  const locs = [...new Set(r.cells.flatMap((c) => c.scenarios.map((s) => s.location)))];
  if (!locs.length) return `<p class="mute">No scenario checks this rule in these runs${r.rule.pending ? `: ${h(r.rule.pending)}` : ''}.</p>`;
  return locs.map((loc) => {
    const per = r.cells.map((c) => c.scenarios.find((s) => s.location === loc));
    const name = per.find(Boolean)!.name;
    const steps = m.runs.map((run) => run.steps.get(loc)).find(Boolean) ?? [];
    const rows = per.map((s, i) => `<tr><td>${h(shortName(m.backends[i]!))}</td>${s ? `${cell(cellOfStatus(s))}<td>${result(s)}</td>` : `${cell('no-scenario')}<td></td>`}</tr>`);
    return `<h4><code>${h(loc)}</code> ${h(name)}</h4><pre>${h(steps.join('\n'))}</pre><table><tbody>${rows.join('')}</tbody></table>`;
  }).join('');
}

const cellOfStatus = (s: ScenarioRecord) => cellOf(s.status);

function ruleDetails(m: Matrix): string {
  return m.areas.map((a) => `<h3>${h(a)}</h3>${rowsOfArea(m, a).map((r) => {
    const e = r.rule.expected;
    return `<details class="rule" id="rule-${anchor(r.rule.id)}"><summary><b class="id">${h(r.rule.id)}</b> ${r.cells.map((c) => `<span class="c c-${c.cell}">${CELL_LABEL[c.cell]}</span>`).join(' ')} ${h(r.rule.statement)}</summary>`
      + `<dl class="kv"><dt>statement</dt><dd>${h(r.rule.statement)}</dd><dt>expected</dt><dd>${e.errno ? `<code>${h(e.errno)}</code> ` : ''}${h(e.effect ?? '')}</dd>`
      + `<dt>source</dt><dd>${h(r.rule.source.doc)}: ${h(r.rule.source.section)}</dd><dt>since</dt><dd>Linux ${h(r.rule.since)}</dd><dt>level</dt><dd>${levelOf(r.rule)}</dd>`
      + `${r.rule.divergence ? `<dt>kernel</dt><dd>${h(r.rule.divergence)}</dd>` : ''}<dt>defined</dt><dd><code>${h(r.rule.file)}:${r.rule.line}</code></dd></dl>`
      + `${scenariosOf(m, r)}</details>`;
  }).join('')}`).join('');
}

export function reportPage(m: Matrix, generatedAt = new Date().toISOString()): string {
  const badges = m.backends.map((b, i) => badgeSvg(b, score(m.rows, i))).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`
    + `<title>iommufd conformance: ${h(m.backends.join(', '))}</title><style>${CSS}</style></head><body>`
    + `<h1>iommufd conformance</h1><p class="mute">Generated ${h(generatedAt)} from the runs' cucumber message streams. ${m.rows.length} rules of spec/rules.</p>`
    + `<nav><a href="#matrix">matrix</a><a href="#areas">areas</a><a href="#findings">findings</a><a href="#rules">rules</a><a href="rules.html">rule catalog</a></nav>`
    + `<p class="badges" id="badges">${badges}</p>${runsTable(m)}${levelTable(m)}`
    + `<h2>Areas</h2>${areaTable(m)}`
    + `<h2>Rules x backends</h2>${filters(m)}${matrixTable(m)}`
    + findingsSection(m)
    + `<h2 id="rules">Rules</h2>${ruleDetails(m)}`
    + `<script>${FILTER_SCRIPT}</script></body></html>\n`;
}
