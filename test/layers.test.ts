// The layers point one way: spec/loader at the bottom, the engine on it
// alone, the harness on both, the steps on the harness. Every relative import
// (static or dynamic) of a layer's sources must stay inside what it may use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../spec/loader/root.ts';

const LAYERS: Record<string, string[]> = {
  'spec/loader': ['spec/loader'],
  reference: ['reference', 'spec/loader'],
  harness: ['harness', 'reference', 'spec/loader'],
};

function sources(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(PROJECT_ROOT, join(e.parentPath, e.name)));
}

/** Relative import specifiers of a source file, resolved against the project root. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    out.push(relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), m[1]!)));
  }
  return out;
}

for (const [layer, allowed] of Object.entries(LAYERS)) {
  test(`${layer}/ imports only from ${allowed.join(', ')}`, () => {
    const bad: string[] = [];
    for (const file of sources(layer)) {
      for (const target of importsOf(file, readFileSync(join(PROJECT_ROOT, file), 'utf8'))) {
        if (!allowed.some((a) => target === a || target.startsWith(`${a}/`))) bad.push(`${file} -> ${target}`);
      }
    }
    assert.deepEqual(bad, []);
  });
}

test('the import scanner sees static, dynamic and side-effect imports', () => {
  const text = "import { a } from '../harness/x.ts';\nconst m = await import('../../steps/y.ts');\nimport './z.ts';\n";
  assert.deepEqual(importsOf('reference/f.ts', text), ['harness/x.ts', '../steps/y.ts', 'reference/z.ts']);
});
