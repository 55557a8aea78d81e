// Numbers a scenario writes out that spec/ defines: an Examples table with an
// `ioctl` column names an ioctl of spec/ in each row, and its `size`, `min`
// and `below_min` columns must be that ioctl's struct size, minimum size and
// one byte less. A layout change in spec/ then shows up in lint, not as a
// scenario that quietly tests another size.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import type { FeatureChild, RuleChild, Scenario } from '@cucumber/messages';
import type { IoctlDef, Spec } from '../../spec/loader/types.ts';

interface Problem { file: string; line: number; message: string }

/** The columns checked and what spec/ says each must hold. */
export const SPEC_COLUMNS: Readonly<Record<string, { what: string; of: (d: IoctlDef) => number | undefined }>> = {
  size: { what: 'its struct size', of: (d) => d.struct?.size },
  min: { what: 'its minimum size', of: (d) => d.minSize },
  below_min: { what: 'one byte below its minimum size', of: (d) => d.minSize - 1 },
};

function outlines(children: readonly (FeatureChild | RuleChild)[]): Scenario[] {
  return children.flatMap((c) => [...(c.scenario ? [c.scenario] : []), ...('rule' in c && c.rule ? outlines(c.rule.children) : [])]);
}

/** The problems of one feature file (which must parse: lint reports syntax errors elsewhere). */
export function checkLiterals(path: string, spec: Spec): Problem[] {
  const file = relative(process.cwd(), path);
  let next = 0;
  let doc;
  try { doc = new Parser(new AstBuilder(() => String(next++)), new GherkinClassicTokenMatcher()).parse(readFileSync(path, 'utf8')); } catch { return []; }
  const out: Problem[] = [];
  for (const sc of outlines(doc.feature?.children ?? [])) {
    for (const ex of sc.examples) {
      const head = ex.tableHeader?.cells.map((c) => c.value) ?? [];
      const col = head.indexOf('ioctl');
      if (col < 0) continue;
      for (const row of ex.tableBody) {
        const name = row.cells[col]?.value ?? '';
        const def = spec.ioctls.get(name);
        if (!def) continue; // an unknown name is checkSpecNames' to report
        head.forEach((h, i) => {
          const want = SPEC_COLUMNS[h]?.of(def);
          const cell = row.cells[i]?.value ?? '';
          if (want === undefined || Number(cell) === want) return;
          out.push({ file, line: row.location.line, message: `column '${h}' of ${name} is ${cell}, but spec/ gives ${SPEC_COLUMNS[h]!.what} as ${want}` });
        });
      }
    }
  }
  return out;
}
