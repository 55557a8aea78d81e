// Step patterns that lint knows and the step definitions follow: lint must
// know which struct a step's table describes without running it.
import type { Spec, StructDef } from '../../spec/loader/types.ts';

/** Steps that take a field | value table, and how to find the struct from the step text. */
export const TABLE_STEPS: { pattern: RegExp; struct: (m: RegExpExecArray, spec: Spec) => StructDef | undefined }[] = [
  { pattern: /^I call ([A-Z][A-Z0-9_]+)(?: on \$[a-z_][a-z0-9_]*)? with:$/, struct: (m, s) => s.ioctls.get(m[1]!)?.struct },
  { pattern: /^I call ([A-Z][A-Z0-9_]+) (?:cut to \d+ bytes|extended by \d+ zero bytes|extended by \d+ bytes, the last one non-zero,) with:$/, struct: (m, s) => s.ioctls.get(m[1]!)?.struct },
  { pattern: /^the result has:$/, struct: () => undefined },
  // The same call with its argument placed: in read-only memory, against an unmapped page, cut to its minimum size.
  {
    pattern: /^I call ([A-Z][A-Z0-9_]+) (?:in read-only memory with|ending right before an unmapped page, with|at its minimum size with|with its last \d+ bytes? on an unmapped page, and):$/,
    struct: (m, s) => s.ioctls.get(m[1]!)?.struct,
  },
  { pattern: /^user memory holding an? ([a-z0-9_]+) as \$[a-z_][a-z0-9_]*:$/, struct: (m, s) => s.structs.get(m[1]!) },
  { pattern: /^user memory holding the first \d+ bytes of an? ([a-z0-9_]+), then an unmapped page, as \$[a-z_][a-z0-9_]*:$/, struct: (m, s) => s.structs.get(m[1]!) },
  // A record a read(2) of an event queue returned (steps/eventq.steps.ts).
  { pattern: /^([a-z0-9_]+) record \d+ of the read has:$/, struct: (m, s) => s.structs.get(m[1]!) },
  { pattern: /^the ([a-z0-9_]+) at byte \d+ of the read has:$/, struct: (m, s) => s.structs.get(m[1]!) },
];

/** Lines of a field | value table as [field, value] pairs; the header row "field | value" is optional. */
export function tableRows(rows: readonly (readonly string[])[]): [string, string][] {
  const body = rows[0]?.[0] === 'field' ? rows.slice(1) : rows;
  return body.map((r) => [r[0] ?? '', r[1] ?? '']);
}

const NAME = /\$[a-z_][a-z0-9_]*/g;
// A table step sets its name too: "user memory holding an X as $x:".
const SETS = /^(.*) as (\$[a-z_][a-z0-9_]*):?$/;

/**
 * What a mock device step "... as $x" sets besides $x (the selftest object):
 * each suffix of $x with the field of iommu_test_cmd it is read from. The
 * mock steps set exactly these, and lint knows them from here.
 */
export const MOCK_DEVICE_NAMES: Readonly<Record<string, string>> = {
  _hwpt: 'mock_domain.out_hwpt_id',
  _idev: 'mock_domain.out_idev_id',
};
const MOCK_DEVICE_STEP = /^a mock device (?:with flags .+ )?attached to /;

/** An event queue step "a fault queue as $x" also sets $x_fd, the queue's descriptor, read from this field. */
export const EVENTQ_NAMES: Readonly<Record<string, string>> = { fault: 'out_fault_fd', veventq: 'out_veventq_fd' };
const EVENTQ_STEP = /^(?:a fault queue|a vEVENTQ .+)$/;

/**
 * The $names a step sets, as the step definitions do: every step ending
 * "as $x" sets $x ("I remember out_ioas_id as $x", "an IOAS as $x"); a mock
 * device also sets MOCK_DEVICE_NAMES; "an open iommufd" opens $iommufd.
 */
export function namesSet(text: string): string[] {
  if (text === 'an open iommufd') return ['$iommufd'];
  const m = SETS.exec(text);
  if (!m) return [];
  if (EVENTQ_STEP.test(m[1]!)) return [m[2]!, `${m[2]}_fd`];
  if (!MOCK_DEVICE_STEP.test(m[1]!)) return [m[2]!];
  return [m[2]!, ...Object.keys(MOCK_DEVICE_NAMES).map((suffix) => `${m[2]}${suffix}`)];
}

/** The $names a step reads, in its text (not the one it sets) and its table, each with its line. */
export function namesUsed(step: { text: string; line: number; table?: { rows: string[][]; lines: number[] } }): { name: string; line: number }[] {
  const text = SETS.exec(step.text)?.[1] ?? step.text;
  const out = [...text.matchAll(NAME)].map((m) => ({ name: m[0], line: step.line }));
  step.table?.rows.forEach((row, i) => {
    for (const cell of row) for (const m of cell.matchAll(NAME)) out.push({ name: m[0], line: step.table!.lines[i] ?? step.line });
  });
  return out;
}
