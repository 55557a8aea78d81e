// The constants of spec/ by name, for code that takes numbers from it (the
// engine above all): a name spec/ does not define is a programming error,
// reported at load time with the name rather than as NaN later.
import { loadSpec } from './load.ts';

/** A constant of spec/ as a bigint. */
export function constant(name: string): bigint {
  const c = loadSpec().constants.get(name);
  if (!c) throw new Error(`${name} is not a constant of spec/`);
  return c.value;
}

/** A constant of spec/ that fits a JavaScript number. */
export function constantNum(name: string): number {
  return Number(constant(name));
}

export const PROT_NONE = constantNum('PROT_NONE');
export const PROT_READ = constantNum('PROT_READ');
export const PROT_WRITE = constantNum('PROT_WRITE');
export const MAP_HUGETLB = constantNum('MAP_HUGETLB');
export const MAP_PRIVATE = constantNum('MAP_PRIVATE');
