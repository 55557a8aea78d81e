// Whether a feature file still defines a scenario of a given name (outline
// names filled in): what tells a stale expectation from one the run did not select.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { parseFeatures } from '../lint/features.ts';

/** exists(feature, scenario), parsing each feature file once; a file that does not parse counts as defining its names. */
export function scenarioIndex(root = PROJECT_ROOT): (feature: string, scenario: string) => boolean {
  const names = new Map<string, Set<string> | 'unparsed'>();
  return (feature, scenario) => {
    let n = names.get(feature);
    if (!n) {
      const path = join(root, feature);
      if (!existsSync(path)) n = new Set();
      else {
        const { scenarios, problems } = parseFeatures([path], root);
        n = problems.length ? 'unparsed' : new Set(scenarios.map((s) => s.name));
      }
      names.set(feature, n);
    }
    return n === 'unparsed' || n.has(scenario);
  };
}
