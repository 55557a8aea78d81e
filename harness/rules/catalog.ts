// The rule catalog of spec/rules: one entry per documented rule, validated
// against spec/meta/rules.schema.json, with where each entry is written.
import { join } from 'node:path';
import { SPEC_ROOT, readValidatedDir } from '../../spec/loader/load.ts';
import { lineOfPointer } from '../../spec/loader/jsonpos.ts';
import { SpecError } from '../../spec/loader/types.ts';

export interface Rule {
  id: string;
  area: string;
  statement: string;
  expected: { errno?: string; effect?: string };
  source: { doc: string; section: string };
  since: string;
  /** The first kernel version without the behaviour, for an interface since removed. */
  until?: string;
  ioctls?: string[];
  pending?: string;
  divergence?: string;
  /** documented (absent) or linux: Linux behaviour the documentation leaves open; its scenarios carry LEVEL_TAG. */
  level?: 'documented' | 'linux';
  file: string;
  line: number;
}

export const RULE_TAG = /^@([A-Z0-9_]+(?:\.[A-Z0-9_]+)+)$/;

/** The tag of a scenario that pins a Linux choice the documentation leaves open. */
export const LEVEL_TAG = '@linux';
export type Level = 'documented' | 'linux';
export const levelOf = (r: Pick<Rule, 'level'>): Level => r.level ?? 'documented';

/** Loads every rule; throws an AggregateError of SpecErrors (file:line) on any problem. */
export function loadRules(root = SPEC_ROOT): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  const errors: SpecError[] = [];
  for (const doc of readValidatedDir(join(root, 'rules'), 'rules.schema.json', root, errors)) {
    const data = doc.data as { area: string; rules: Omit<Rule, 'file' | 'line' | 'area'>[] };
    data.rules.forEach((r, i) => {
      const line = lineOfPointer(doc.text, `/rules/${i}`);
      const prev = rules.get(r.id);
      if (prev) errors.push(new SpecError(doc.rel, line, `rule ${r.id} is already defined at ${prev.file}:${prev.line}`));
      else rules.set(r.id, { ...r, area: data.area, file: doc.rel, line });
    });
  }
  if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('\n'));
  return rules;
}
