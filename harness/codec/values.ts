// Value expressions of feature tables: numbers (decimal or 0x hex), constant
// names from spec/, remembered $names, joined with | (or) and + (add), e.g.
// "IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE" or "$buf + 0x1000".
import type { FieldDef, ScalarType, Spec, StructDef } from '../../spec/loader/types.ts';
import { RANGE, parseIntLiteral } from './scalar.ts';
import { fieldAt } from './codec.ts';
import { closest } from './nearest.ts';

export class ValueError extends Error {
  constructor(readonly expr: string, detail: string) {
    // A compound expression is named first: the detail names only the term at fault.
    super(/[|+]/.test(expr) ? `in '${expr.trim()}': ${detail}` : detail);
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
  throw new ValueError(expr, `unknown constant '${t}': neither a number, a constant of spec/ nor a $name${closest(t, spec.constants.keys())}`);
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

const hex = (v: bigint) => (v === 0n ? '0' : v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);
/** The C name of a scalar type: __u32, __aligned_u64; a user pointer is a __u64 holding an address. */
const cType = (t: ScalarType) => (t === 'uptr' ? '__u64 (a user pointer)' : `__${t}`);

/** "V is out of range for __u32 (0..0xffffffff)" when a scalar field cannot hold v. */
export function rangeProblem(f: FieldDef, v: bigint): string | undefined {
  if (!f.scalar || f.isArray) return undefined;
  const r = RANGE[f.scalar];
  if (v >= r.min && v <= r.max) return undefined;
  const show = r.signed ? (x: bigint) => x.toString() : hex;
  return `${show(v)} is out of range for ${cType(f.scalar)} (${show(r.min)}..${show(r.max)})`;
}

/** Every field of a struct by dotted path (nested structs too), for suggestions. */
export function fieldPaths(def: StructDef, prefix = ''): string[] {
  return def.fields.flatMap((f) => [`${prefix}${f.name}`, ...(f.struct && !f.isArray ? fieldPaths(f.struct, `${prefix}${f.name}.`) : [])]);
}

/** A problem of one field | value row of a table: said the same way by lint and by a run. */
export class RowError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'RowError';
  }
}

/**
 * The value of one field | value row of a struct's table; an unknown field, a
 * bad value or one the field cannot hold is a RowError saying what is wrong.
 */
export function rowValue(spec: Spec, def: StructDef, field: string, expr: string, vars?: Lookup): bigint {
  const at = fieldAt(def, field);
  if (!at) throw new RowError(`unknown field '${field}' of struct ${def.name}${closest(field, fieldPaths(def))}`);
  let v: bigint;
  try { v = evaluate(spec, expr, vars); } catch (e) {
    throw new RowError(`field '${field}': ${(e as Error).message}`);
  }
  // $names count as 0 in a static check: their range is known only at run time.
  const range = vars || !/\$/.test(expr) ? rangeProblem(at.field, v) : undefined;
  if (range) throw new RowError(`field '${field}': ${range}`);
  return v;
}
