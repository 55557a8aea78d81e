// Value expressions of feature tables: numbers (decimal or 0x hex), constant
// names from spec/, remembered $names, joined with | (or) and + (add), e.g.
// "IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE" or "$buf + 0x1000".
import type { Spec } from '../../spec/loader/types.ts';
import { parseIntLiteral } from './scalar.ts';

export class ValueError extends Error {
  constructor(readonly expr: string, detail: string) {
    super(`${expr}: ${detail}`);
    this.name = 'ValueError';
  }
}

export type Lookup = (name: string) => bigint | undefined;

function term(spec: Spec, t: string, vars: Lookup | undefined, expr: string): bigint {
  const lit = parseIntLiteral(t);
  if (lit !== undefined) return lit;
  if (t.startsWith('$')) {
    if (!vars) return 0n; // lint: names are only known at run time
    const v = vars(t);
    if (v === undefined) throw new ValueError(expr, `${t} has not been remembered`);
    return v;
  }
  const c = spec.constants.get(t);
  if (c) return c.value;
  throw new ValueError(expr, `'${t}' is neither a number, a constant of spec/ nor a $name`);
}

/** Evaluates an expression; without `vars` every $name counts as 0 (for static checks). */
export function evaluate(spec: Spec, expr: string, vars?: Lookup): bigint {
  const s = expr.trim();
  if (!s) throw new ValueError(expr, 'empty value');
  return s.split('|').reduce((acc, orPart) => {
    const sum = orPart.split('+').reduce((a, t) => {
      const tt = t.trim();
      if (!tt) throw new ValueError(expr, 'missing operand');
      return a + term(spec, tt, vars, expr);
    }, 0n);
    return acc | sum;
  }, 0n);
}
