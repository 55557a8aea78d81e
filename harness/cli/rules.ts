// `iommufd-conform rules`: every rule with the scenarios that cover it, then
// the rules no scenario covers yet (--uncovered: only those).
import { loadRules, RULE_TAG } from '../rules/catalog.ts';
import { featureFiles, parseFeatures } from '../lint/features.ts';

export function rulesReport(featureDir: string, json: boolean, onlyUncovered = false): number {
  const rules = loadRules();
  const { scenarios, problems } = parseFeatures(featureFiles(featureDir));
  // A file that does not parse would count as covering nothing: say so instead.
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length) return 2;
  const cover = new Map<string, Set<string>>();
  for (const s of scenarios) {
    for (const t of s.tags) {
      const id = RULE_TAG.exec(t)?.[1];
      if (id) (cover.get(id) ?? cover.set(id, new Set()).get(id)!).add(`${s.file}:${s.line}`);
    }
  }
  const rows = [...rules.values()].map((r) => ({ id: r.id, area: r.area, since: r.since, scenarios: [...(cover.get(r.id) ?? [])], pending: r.pending, divergence: r.divergence }));
  const uncovered = rows.filter((r) => !r.scenarios.length);
  if (onlyUncovered) {
    if (json) console.log(JSON.stringify({ uncovered: uncovered.map((r) => ({ id: r.id, area: r.area, pending: r.pending })) }, null, 2));
    else {
      for (const r of uncovered) console.log(`${r.id}: ${r.pending ?? '(no reason given)'}`);
      console.log(`${uncovered.length} of ${rules.size} rules not yet covered`);
    }
  } else if (json) {
    console.log(JSON.stringify({ rules: rows, uncovered: uncovered.map((r) => ({ id: r.id, pending: r.pending })) }, null, 2));
  } else {
    for (const r of rows.filter((x) => x.scenarios.length)) {
      console.log(`${r.id}  (${r.scenarios.length} scenario${r.scenarios.length > 1 ? 's' : ''})${r.divergence ? '  [kernel differs from its documentation]' : ''}`);
      for (const s of r.scenarios.slice(0, 3)) console.log(`    ${s}`);
      if (r.scenarios.length > 3) console.log(`    ... and ${r.scenarios.length - 3} more`);
    }
    console.log(`\n${rules.size} rules, ${rules.size - uncovered.length} covered, ${uncovered.length} not yet covered:`);
    for (const r of uncovered) console.log(`  ${r.id}: ${r.pending ?? '(no reason given)'}`);
  }
  return uncovered.some((r) => !r.pending) ? 1 : 0;
}
