// Step patterns that lint knows and the step definitions follow: lint must
// know which struct a step's table describes without running it.
import type { Spec, StructDef } from '../../spec/loader/types.ts';

/** Steps that take a field | value table, and how to find the struct from the step text. */
export const TABLE_STEPS: { pattern: RegExp; struct: (m: RegExpExecArray, spec: Spec) => StructDef | undefined }[] = [
  { pattern: /^I call ([A-Z][A-Z0-9_]+)(?: on \$[a-z_][a-z0-9_]*)? with:$/, struct: (m, s) => s.ioctls.get(m[1]!)?.struct },
  { pattern: /^I call ([A-Z][A-Z0-9_]+) (?:cut to \d+ bytes|extended by \d+ zero bytes|extended by \d+ bytes, the last one non-zero,) with:$/, struct: (m, s) => s.ioctls.get(m[1]!)?.struct },
  { pattern: /^the result has:$/, struct: () => undefined },
  { pattern: /^user memory holding an? ([a-z0-9_]+) as \$[a-z_][a-z0-9_]*:$/, struct: (m, s) => s.structs.get(m[1]!) },
  { pattern: /^the result at offset \d+, read as ([a-z0-9_]+), has:$/, struct: (m, s) => s.structs.get(m[1]!) },
];

/** Lines of a field | value table as [field, value] pairs; the header row "field | value" is optional. */
export function tableRows(rows: readonly (readonly string[])[]): [string, string][] {
  const body = rows[0]?.[0] === 'field' ? rows.slice(1) : rows;
  return body.map((r) => [r[0] ?? '', r[1] ?? '']);
}
