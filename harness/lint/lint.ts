// `iommufd-conform lint`: every scenario names at least one rule of the
// catalog, every step has a definition, every field table fits its struct,
// names of spec/ in step texts exist, every $name is set before it is read,
// the numbers an Examples table takes from spec/ (literals.ts) agree with it,
// the level tag agrees with the rules' levels, and every rule is covered by a
// scenario or says why not yet.
import { relative, resolve } from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { loadSpec } from '../../spec/loader/load.ts';
import { rowValue } from '../codec/values.ts';
import { nest, type FieldValue } from '../codec/codec.ts';
import { validateObject } from '../codec/schema.ts';
import { LEVEL_TAG, levelOf, loadRules, RULE_TAG, type Rule } from '../rules/catalog.ts';
import { runWithCucumber } from '../cli/cucumber.ts';
import { TABLE_STEPS, namesSet, namesUsed, tableRows } from './vocabulary.ts';
import { closest } from '../codec/nearest.ts';
import { checkLiterals } from './literals.ts';
import { keywordOf, undefinedStepHint } from './snippets.ts';
import { astLines, featureFiles, parseFeatures, type ParsedScenario } from './features.ts';
import type { Spec } from '../../spec/loader/types.ts';

export interface LintProblem {
  file: string; line: number; message: string;
  /** Lines printed under the problem: a snippet for an undefined step and the nearest existing steps. */
  hint?: string[];
}

export interface LintResult { problems: LintProblem[]; scenarios: ParsedScenario[]; rules: Map<string, Rule> }

function checkTags(s: ParsedScenario, rules: Map<string, Rule>, out: LintProblem[]): void {
  const ids = s.tags.map((t) => RULE_TAG.exec(t)?.[1]).filter((x): x is string => !!x);
  if (!ids.length) out.push({ file: s.file, line: s.line, message: `scenario "${s.name}" names no rule id (tag it @AREA.RULE)` });
  for (const id of ids) {
    if (!rules.has(id)) out.push({ file: s.file, line: s.line, message: `scenario "${s.name}" names unknown rule ${id}` });
  }
  checkLevel(s, ids, rules, out);
}

/** A scenario of a linux-level rule carries LEVEL_TAG, and a scenario with the tag names such a rule. */
function checkLevel(s: ParsedScenario, ids: string[], rules: Map<string, Rule>, out: LintProblem[]): void {
  const linux = ids.filter((id) => rules.has(id) && levelOf(rules.get(id)!) === 'linux');
  const tagged = s.tags.includes(LEVEL_TAG);
  if (linux.length && !tagged) out.push({ file: s.file, line: s.line, message: `scenario "${s.name}" pins Linux behaviour the documentation leaves open (rule ${linux.join(', ')} has level linux): tag it ${LEVEL_TAG}` });
  if (tagged && !linux.length && ids.every((id) => rules.has(id))) {
    out.push({ file: s.file, line: s.line, message: `scenario "${s.name}" is tagged ${LEVEL_TAG} but names no rule of level linux: drop the tag, or give the rule "level": "linux"` });
  }
}

function checkTables(s: ParsedScenario, spec: Spec, out: LintProblem[]): void {
  for (const step of s.steps) {
    if (!step.table) continue;
    for (const { pattern, struct } of TABLE_STEPS) {
      const m = pattern.exec(step.text);
      if (!m) continue;
      const def = struct(m, spec);
      if (!def) break;
      const flat: Record<string, FieldValue> = {};
      const rows = tableRows(step.table.rows);
      const skip = step.table.rows.length - rows.length;
      rows.forEach(([field, expr], i) => {
        const line = step.table!.lines[i + skip] ?? step.line;
        try { flat[field] = rowValue(spec, def, field, expr); } catch (e) {
          out.push({ file: s.file, line, message: (e as Error).message });
        }
      });
      for (const err of validateObject(def, nest(flat))) {
        const i = rows.findIndex(([f]) => f === err.field || err.field.startsWith(`${f}.`));
        out.push({ file: s.file, line: step.table.lines[i + skip] ?? step.line, message: `struct ${def.name}: ${err.message}` });
      }
      break;
    }
  }
}

/** Names of spec/ in step texts: IOMMU_* and VFIO_* are ioctls or constants, "fails with E..." an errno. */
function checkSpecNames(s: ParsedScenario, spec: Spec, out: LintProblem[]): void {
  for (const step of s.steps) {
    for (const [t] of step.text.matchAll(/\b(?:IOMMU|VFIO)_[A-Z0-9_]+\b/g)) {
      if (spec.ioctls.has(t) || spec.constants.has(t)) continue;
      out.push({ file: s.file, line: step.line, message: `unknown name '${t}': neither an ioctl nor a constant of spec/${closest(t, [...spec.ioctls.keys(), ...spec.constants.keys()])}` });
    }
    const errno = /\bfails with (E[A-Z0-9]+)$/.exec(step.text)?.[1];
    if (errno && !spec.errno.has(errno)) out.push({ file: s.file, line: step.line, message: `unknown errno '${errno}' (spec/errno.json)${closest(errno, spec.errno.keys())}` });
  }
}

/** Every $name a step uses must be set by an earlier step of its scenario (or the Background). */
function checkNames(s: ParsedScenario, out: LintProblem[]): void {
  const setAt = new Map<string, number>();
  for (const step of s.steps) for (const n of namesSet(step.text)) if (!setAt.has(n)) setAt.set(n, step.line);
  const known = new Set<string>();
  for (const step of s.steps) {
    for (const { name, line } of namesUsed(step)) {
      if (known.has(name)) continue;
      const later = setAt.get(name);
      out.push({
        file: s.file, line,
        message: later !== undefined
          ? `${name} is used before the step that sets it (line ${later})`
          : `${name} is set by no step of this scenario or its Background (a step ending "as ${name}" sets it, e.g. "I remember out_ioas_id as ${name}")${closest(name, setAt.keys())}`,
      });
      known.add(name);
    }
    for (const n of namesSet(step.text)) known.add(n);
  }
}

/** Undefined and ambiguous steps, from a dry run of cucumber itself. */
async function checkStepDefinitions(paths: string[], spec: Spec, out: LintProblem[]): Promise<void> {
  const pickleSteps = new Map<string, { text: string; uri: string; astId: string; type?: string }>();
  const expressions: string[] = [];
  const args = new Map<string, 'table' | 'doc'>();
  const stepLines = new Map<string, number>();
  const bad: { id: string; status: string }[] = [];
  const testSteps = new Map<string, string>();
  const onMessage = (e: Envelope) => {
    if (e.pickle) for (const st of e.pickle.steps) {
      pickleSteps.set(st.id, { text: st.text, uri: e.pickle.uri, astId: st.astNodeIds[0]!, type: st.type });
      if (st.argument) args.set(st.id, st.argument.dataTable ? 'table' : 'doc');
    }
    if (e.stepDefinition) expressions.push(e.stepDefinition.pattern.source);
    if (e.gherkinDocument) for (const [id, line] of astLines(e.gherkinDocument).lines) stepLines.set(id, line);
    if (e.testCase) for (const ts of e.testCase.testSteps) if (ts.pickleStepId) testSteps.set(ts.id, ts.pickleStepId);
    if (e.testStepFinished) {
      const st = e.testStepFinished.testStepResult.status;
      if (st === 'UNDEFINED' || st === 'AMBIGUOUS') bad.push({ id: e.testStepFinished.testStepId, status: st });
    }
  };
  await runWithCucumber({ paths, dryRun: true, onMessage, quiet: true });
  const seen = new Set<string>();
  const hinted = new Set<string>();
  for (const b of bad) {
    const pickleStepId = testSteps.get(b.id) ?? '';
    const ps = pickleSteps.get(pickleStepId);
    if (!ps) continue;
    const line = stepLines.get(ps.astId) ?? 1;
    const key = `${ps.uri}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // cucumber's uris are relative to the project; lint's file names to the current directory.
    const file = relative(process.cwd(), resolve(PROJECT_ROOT, ps.uri));
    if (b.status !== 'UNDEFINED') { out.push({ file, line, message: `several step definitions match: "${ps.text}"` }); continue; }
    // The snippet and the nearest steps are said once per text.
    if (hinted.has(ps.text)) { out.push({ file, line, message: `no step definition matches: "${ps.text}"` }); continue; }
    hinted.add(ps.text);
    const hint = undefinedStepHint(ps.text, keywordOf(ps.type), args.get(pickleStepId), expressions, spec);
    out.push({ file, line, message: `no step definition matches: "${ps.text}"`, hint });
  }
}

function checkCoverage(scenarios: ParsedScenario[], rules: Map<string, Rule>, out: LintProblem[]): void {
  const covered = new Set(scenarios.flatMap((s) => s.tags.map((t) => RULE_TAG.exec(t)?.[1]).filter(Boolean) as string[]));
  for (const r of rules.values()) {
    if (!covered.has(r.id) && !r.pending) out.push({ file: r.file, line: r.line, message: `rule ${r.id} is covered by no scenario and says nothing under "pending"` });
    if (covered.has(r.id) && r.pending) out.push({ file: r.file, line: r.line, message: `rule ${r.id} is covered now: drop its "pending"` });
  }
}

export interface LintOptions {
  /** Check that every rule is covered (off when only some files are linted). */
  coverage?: boolean;
  rulesRoot?: string;
  /** The spec to check against (default: the project's, loaded once). */
  spec?: Spec;
}

export async function lint(featureDir: string, opts: LintOptions = {}): Promise<LintResult> {
  return lintFiles(featureFiles(featureDir), opts);
}

export async function lintFiles(files: string[], opts: LintOptions = {}): Promise<LintResult> {
  const problems: LintProblem[] = [];
  const spec = opts.spec ?? loadSpec();
  let rules = new Map<string, Rule>();
  try {
    rules = loadRules(opts.rulesRoot);
  } catch (e) {
    for (const err of (e as AggregateError).errors ?? [e]) problems.push({ file: err.file ?? 'spec/rules', line: err.line ?? 0, message: err.detail ?? err.message });
  }
  const { scenarios, problems: parse } = parseFeatures(files);
  problems.push(...parse);
  for (const s of scenarios) { checkTags(s, rules, problems); checkTables(s, spec, problems); checkNames(s, problems); checkSpecNames(s, spec, problems); }
  // A file that does not parse is reported as such; the dry run checks the others.
  const broken = new Set(parse.map((p) => p.file));
  const parsed = files.filter((f) => !broken.has(relative(process.cwd(), f)));
  for (const f of parsed) problems.push(...checkLiterals(f, spec));
  if (parsed.length) await checkStepDefinitions(parsed, spec, problems);
  if (opts.coverage ?? true) checkCoverage(scenarios, rules, problems);
  // The examples of an outline share their steps: one problem of a step is said once.
  const unique = [...new Map(problems.map((p) => [`${p.file}:${p.line}: ${p.message}`, p])).values()];
  unique.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems: unique, scenarios, rules };
}
