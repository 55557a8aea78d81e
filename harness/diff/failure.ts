// What a failed scenario did, in the terms a comparison can rely on: its
// status, the errno the failing call gave, and the failing step when the
// report names it. Messages themselves hold addresses and timings, so two
// runs are never compared on their text.

/** A scenario record's failure details (conformance.json schemaVersion 2); older reports lack it. */
export interface FailureDetail { step?: string; stepLocation?: string; message?: string; expectedErrno?: string; observedErrno?: string }

export interface ScenarioLike { name: string; location: string; status: string; message?: string; failure?: FailureDetail }

/** Statuses that are no conformance problem. */
const GOOD = new Set(['passed', 'expected-fail', 'skipped', 'not-applicable']);
export const isFailing = (status: string): boolean => !GOOD.has(status);

/** The errno the failing call gave: from the report's failure, else the step's own words ("failed with ENOENT"). */
export function observedErrno(r: ScenarioLike): string | undefined {
  // The last one: an expected or changed failure's message begins with the entry's own words.
  return r.failure?.observedErrno ?? [...(r.failure?.message ?? r.message ?? '').matchAll(/\bfailed with (E[A-Z0-9]+)\b/g)].at(-1)?.[1];
}

export interface Signature { status: string; errno?: string; step?: string }

export function signature(r: ScenarioLike, status = r.status): Signature {
  const errno = observedErrno(r);
  const step = r.failure?.step;
  return { status, ...(errno ? { errno } : {}), ...(step ? { step } : {}) };
}

/** How b differs from a, in words; undefined when the two are the same failure. Fields a lacks are not compared. */
export function signatureChange(a: Signature, b: Signature): string | undefined {
  const parts: string[] = [];
  if (a.status !== b.status) parts.push(`${a.status} -> ${b.status}`);
  if (a.errno && a.errno !== b.errno) parts.push(`errno ${a.errno} -> ${b.errno ?? 'none'}`);
  if (a.step && b.step && a.step !== b.step) parts.push(`failing step "${a.step}" -> "${b.step}"`);
  return parts.length ? parts.join(', ') : undefined;
}

/** The feature file of a location "features/x.feature:12". */
export const featureOf = (location: string): string => location.replace(/:\d+$/, '');

/**
 * Keys scenarios by feature file and name, so a scenario that moves keeps its
 * key; scenarios of one file sharing a name are told apart by their order.
 */
export function keyed<T extends { name: string; location: string }>(records: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  const seen = new Map<string, number>();
  for (const r of records) {
    const base = `${featureOf(r.location)}: ${r.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.set(n > 1 ? `${base} #${n}` : base, r);
  }
  return out;
}
