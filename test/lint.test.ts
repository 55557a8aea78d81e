import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lint } from '../harness/lint/lint.ts';
import { tempDir } from './helpers.ts';

function featureDir(text: string): { dir: string; file: string } {
  const dir = tempDir('iommufd-lint-');
  const path = join(dir, 'bad.feature');
  writeFileSync(path, text);
  return { dir, file: relative(process.cwd(), path) };
}

const BAD = `Feature: bad scenarios

  Background:
    Given an open iommufd

  Scenario: names no rule
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds

  @NO_SUCH.RULE
  Scenario: names an unknown rule
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a table with an unknown field
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | 1     |
      | idd   | 2     |
    Then it fails with ENOENT

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a value out of range and a step nobody defined
    When I call IOMMU_DESTROY with:
      | field | value       |
      | id    | 0x100000000 |
    Then the moon is made of cheese
`;

test('lint rejects a scenario without a rule id, an unknown rule id, an unknown table field, a bad value and an undefined step, each with file:line', async () => {
  const { dir, file } = featureDir(BAD);
  const { problems } = await lint(dir, { coverage: false });
  const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `expected ${re} in:\n${lines.join('\n')}`);
  const f = file.replace(/[.]/g, '\\.');
  has(new RegExp(`^${f}:6: scenario "names no rule" names no rule id`));
  has(new RegExp(`^${f}:11: scenario "names an unknown rule" names unknown rule NO_SUCH.RULE`));
  has(new RegExp(`^${f}:20: unknown field 'idd' of struct iommu_destroy`));
  has(new RegExp(`^${f}:27: struct iommu_destroy: id: wrong type or value out of range`));
  has(new RegExp(`^${f}:28: no step definition matches: "the moon is made of cheese"`));
  assert.equal(problems.length, 5, lines.join('\n'));
});

test('lint reports a Gherkin syntax error with its line', async () => {
  const { dir, file } = featureDir('Feature: broken\n  Scenario: one\n    Given an open iommufd\n  | stray | table |\n   Scenario Outline\n');
  const { problems } = await lint(dir, { coverage: false });
  assert.ok(problems.length > 0 && problems.every((p) => p.file === file && p.line > 0), JSON.stringify(problems));
});

test('every ioctl of spec/ appears in the argument-rule outlines of argsz.feature', async () => {
  const { loadSpec } = await import('../spec/loader/load.ts');
  const { parseFeatures } = await import('../harness/lint/features.ts');
  const { scenarios } = parseFeatures([join(import.meta.dirname, '..', 'features', 'argsz.feature')]);
  const named = new Set(scenarios.map((s) => /^(\S+)/.exec(s.name)?.[1]));
  const missing = [...loadSpec().ioctls.keys()].filter((n) => !named.has(n));
  assert.deepEqual(missing, []);
});

test('lint passes the project features and every rule is covered or pending', async () => {
  const { problems, scenarios } = await lint(join(import.meta.dirname, '..', 'features'));
  assert.deepEqual(problems, []);
  assert.ok(scenarios.length > 100);
});
