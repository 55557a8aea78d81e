// Parses feature files with cucumber's own Gherkin parser and compiles them
// to pickles (one per scenario or outline example), keeping file:line for
// every scenario, step and table row.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import type { FeatureChild, GherkinDocument, Pickle, RuleChild } from '@cucumber/messages';

export interface ParsedScenario {
  name: string;
  file: string;
  line: number;
  tags: string[];
  steps: { text: string; line: number; table?: { rows: string[][]; lines: number[] } }[];
}

export interface ParseProblem { file: string; line: number; message: string }

export function featureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...featureFiles(p));
    else if (name.endsWith('.feature')) out.push(p);
  }
  return out;
}

/** Every scenario of the files, expanded per outline example, or the parse problems. */
export function parseFeatures(files: string[], base = process.cwd()): { scenarios: ParsedScenario[]; problems: ParseProblem[] } {
  const scenarios: ParsedScenario[] = [];
  const problems: ParseProblem[] = [];
  for (const path of files) {
    const file = relative(base, path);
    // Ids as messages' IdGenerator.incrementing() makes them; importing that
    // would load the ESM build of @cucumber/messages beside cucumber's CJS one.
    let next = 0;
    const newId = () => String(next++);
    let doc: GherkinDocument;
    try {
      doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(path, 'utf8'));
    } catch (e) {
      type GherkinErr = { message: string; location?: { line: number } };
      const errs: GherkinErr[] = (e as { errors?: GherkinErr[] }).errors ?? [e as GherkinErr];
      for (const err of errs) {
        // Gherkin's messages start with "(line:column): ", which file:line already says.
        const m = /^\((\d+):\d+\):?\s*/.exec(err.message);
        problems.push({ file, line: err.location?.line ?? (m ? Number(m[1]) : 1), message: err.message.slice(m?.[0].length ?? 0) });
      }
      continue;
    }
    const { lines, tableLines } = astLines(doc);
    for (const p of compile(doc, file, newId) as Pickle[]) {
      // The last AST id of a pickle is its example row when it comes from an outline.
      const line = lines.get(p.astNodeIds.at(-1)!) ?? lines.get(p.astNodeIds[0]!) ?? 1;
      scenarios.push({
        name: p.name, file, line, tags: p.tags.map((t) => t.name),
        steps: p.steps.map((s) => {
          const step = lines.get(s.astNodeIds[0]!) ?? line;
          const dt = s.argument?.dataTable;
          const rowLines = tableLines.get(s.astNodeIds[0]!) ?? [];
          return {
            text: s.text, line: step,
            table: dt ? { rows: dt.rows.map((r) => r.cells.map((c) => c.value)), lines: rowLines } : undefined,
          };
        }),
      });
    }
  }
  return { scenarios, problems };
}

/** Line of every scenario, step and example row by AST id, and of each step's table rows. */
export function astLines(doc: GherkinDocument): { lines: Map<string, number>; tableLines: Map<string, number[]> } {
  const out = new Map<string, number>();
  const tableLines = new Map<string, number[]>();
  const visitSteps = (steps: readonly { id: string; location: { line: number }; dataTable?: { rows: readonly { location: { line: number } }[] } }[]) => {
    for (const s of steps) {
      out.set(s.id, s.location.line);
      if (s.dataTable) tableLines.set(s.id, s.dataTable.rows.map((r) => r.location.line));
    }
  };
  const visitChildren = (children: readonly (FeatureChild | RuleChild)[]) => {
    for (const c of children) {
      if (c.background) visitSteps(c.background.steps);
      if ('rule' in c && c.rule) visitChildren(c.rule.children);
      if (c.scenario) {
        out.set(c.scenario.id, c.scenario.location.line);
        visitSteps(c.scenario.steps);
        for (const ex of c.scenario.examples) for (const row of ex.tableBody) out.set(row.id, row.location.line);
      }
    }
  };
  if (doc.feature) visitChildren(doc.feature.children);
  return { lines: out, tableLines };
}
