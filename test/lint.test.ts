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

  @IOAS_MAP.FLAGS.UNKNOWN
  Scenario: a misspelt constant and a $name nothing sets
    Given an IOAS as $ioas
    When I call IOMMU_IOAS_MAP with:
      | field   | value                    |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOV |
      | ioas_id | $iaos                    |
    Then it fails with EINVAL
    And I remember out_ioas_id as $later
    When I destroy $later
    Then it succeeds

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a $name used before the step that sets it
    When I destroy $ioas
    Then it fails with ENOENT
    Given an IOAS as $ioas
    When I call IOMMU_IOAS_MAPP with:
      | field | value |
      | flags | 0     |
    Then it fails with ENOENTT

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a value out of range and a step nobody defined
    When I call IOMMU_DESTROY with:
      | field | value       |
      | id    | 0x100000000 |
    Then the moon is made of cheese
`;

test('lint rejects a scenario without a rule id, an unknown rule id, an unknown field or constant (with the closest names), a $name nothing sets or set too late, a value out of range (with the range), a misspelt ioctl or errno and an undefined step, each with file:line', async () => {
  const { dir, file } = featureDir(BAD);
  const { problems } = await lint(dir, { coverage: false });
  const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `expected ${re} in:\n${lines.join('\n')}`);
  const f = file.replace(/[.]/g, '\\.');
  has(new RegExp(`^${f}:6: scenario "names no rule" names no rule id`));
  has(new RegExp(`^${f}:11: scenario "names an unknown rule" names unknown rule NO_SUCH.RULE`));
  has(new RegExp(`^${f}:20: unknown field 'idd' of struct iommu_destroy; did you mean id\\?$`));
  has(new RegExp(`^${f}:28: field 'flags': unknown constant 'IOMMU_IOAS_MAP_FIXED_IOV': neither a number, a constant of spec/ nor a \\$name; did you mean IOMMU_IOAS_MAP_FIXED_IOVA\\?$`));
  has(new RegExp(`^${f}:29: \\$iaos is set by no step of this scenario or its Background .*did you mean \\$ioas\\?$`));
  has(new RegExp(`^${f}:37: \\$ioas is used before the step that sets it \\(line 39\\)$`));
  has(new RegExp(`^${f}:40: unknown name 'IOMMU_IOAS_MAPP': neither an ioctl nor a constant of spec/; did you mean IOMMU_IOAS_MAP\\?$`));
  has(new RegExp(`^${f}:43: unknown errno 'ENOENTT' \\(spec/errno.json\\); did you mean ENOENT\\b`));
  has(new RegExp(`^${f}:49: field 'id': 0x100000000 is out of range for __u32 \\(0..0xffffffff\\)$`));
  has(new RegExp(`^${f}:50: no step definition matches: "the moon is made of cheese"`));
  assert.equal(problems.length, 10, lines.join('\n'));
});

test('lint reports a Gherkin syntax error with its line and still checks the steps of every other file', async () => {
  const { dir, file } = featureDir('Feature: broken\n  Scenario: one\n    Given an open iommufd\n  | stray | table |\n   Scenario Outline\n');
  writeFileSync(join(dir, 'other.feature'), 'Feature: other\n  @OBJECTS.DESTROY.UNKNOWN\n  Scenario: two\n    Given an open iommufd\n    Then the moon is made of cheese\n');
  const { problems } = await lint(dir, { coverage: false });
  const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  assert.deepEqual(lines, [
    `${file}:5: expected: #EOF, #TableRow, #StepLine, #TagLine, #ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty, got 'Scenario Outline'`,
    `${relative(process.cwd(), join(dir, 'other.feature'))}:5: no step definition matches: "the moon is made of cheese"`,
  ]);
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

test('lint knows every step that sets a $name: each step definition that remembers a name or opens an iommufd', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { namesSet, MOCK_DEVICE_NAMES } = await import('../harness/lint/vocabulary.ts');
  const dir = join(import.meta.dirname, '..', 'steps');
  const SAMPLE: Record<string, string> = { var: '$x', value: '1', string: '"s"', int: '1', word: 'w', field: 'f', ioctl: 'IOMMU_DESTROY', errno: 'EINVAL' };
  let setters = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.steps.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const def of src.split(/^(?=(?:Given|When|Then)\()/m).slice(1)) {
      const pattern = /^\w+\('([^']+)'/.exec(def)?.[1];
      if (!pattern) continue;
      const wants = [
        ...[...def.matchAll(/vars\.set\((?:name|`\$\{name\}(\w+)`)/g)].map((m) => `$x${m[1] ?? ''}`),
        ...(/rememberMock\(/.test(def) ? ['$x', ...Object.keys(MOCK_DEVICE_NAMES).map((s) => `$x${s}`)] : []),
        ...(/openIommufd\(\)/.test(def) ? ['$iommufd'] : /openIommufd\(name/.test(def) ? ['$x'] : []),
      ];
      if (!wants.length) continue;
      setters++;
      const text = pattern.replace(/\{(\w+)\}/g, (_, t: string) => SAMPLE[t]!).replace(/\(s\)/g, '');
      assert.deepEqual(namesSet(text).sort(), [...new Set(wants)].sort(), `${f}: '${pattern}'`);
    }
  }
  assert.ok(setters >= 10, `${setters} setters found`);
});

test('an undefined step gets a snippet in the project\'s parameter types and the nearest existing steps', async () => {
  const { dir } = featureDir('Feature: f\n  @OBJECTS.DESTROY.UNKNOWN\n  Scenario: s\n    Given an open iommufd\n    When I call IOMMU_DESTROY on $iommufd with an id of 7\n    Then it fail with ENOENT\n');
  const { problems } = await lint(dir, { coverage: false });
  const p = problems.find((x) => x.message === 'no step definition matches: "it fail with ENOENT"');
  assert.ok(p?.hint, JSON.stringify(problems));
  assert.equal(p.hint[1], '  it fails with {errno}');
  assert.ok(p.hint.includes("  Then('it fail with {errno}', async function (this: IommufdWorld, name: string) {"), p.hint.join('\n'));
  const q = problems.find((x) => x.message.includes('with an id of 7'));
  assert.ok(q?.hint?.includes("  When('I call {ioctl} on {var} with an id of {int}', async function (this: IommufdWorld, ioctl: string, name: string, n: number) {"), q?.hint?.join('\n'));
});

test('lint checks the size, min and below_min columns of an ioctl outline against spec/', async () => {
  const text = (await import('node:fs')).readFileSync(join(import.meta.dirname, '..', 'features', 'argsz.feature'), 'utf8');
  const { dir, file } = featureDir(text.replace('| IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |', '| IOMMU_IOAS_ALLOC              | 16   | 12  | 11        |'));
  const { problems } = await lint(dir, { coverage: false });
  const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  assert.deepEqual(lines, [`${file}:21: column 'size' of IOMMU_IOAS_ALLOC is 16, but spec/ gives its struct size as 12`]);
});

test('lint checks the level tag: a scenario of a linux-level rule carries @linux, and a scenario with @linux names such a rule', async () => {
  const { dir, file } = featureDir(`Feature: levels
  Background:
    Given an open iommufd

  @IOAS_UNMAP.PRECEDENCE
  Scenario: pins the order of checks without the tag
    When I call IOMMU_IOAS_UNMAP with:
      | ioas_id | 99 |
      | length  | 0  |
    Then it fails with ENOENT

  @OBJECTS.DESTROY.UNKNOWN @linux
  Scenario: a documented rule tagged linux
    When I call IOMMU_DESTROY with:
      | id | 7 |
    Then it fails with ENOENT

  @IOAS_UNMAP.PRECEDENCE @linux
  Scenario: tagged as it should be
    When I call IOMMU_IOAS_UNMAP with:
      | ioas_id | 99 |
      | length  | 0  |
    Then it fails with ENOENT
`);
  const { problems } = await lint(dir, { coverage: false });
  assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.message}`), [
    `${file}:6: scenario "pins the order of checks without the tag" pins Linux behaviour the documentation leaves open (rule IOAS_UNMAP.PRECEDENCE has level linux): tag it @linux`,
    `${file}:13: scenario "a documented rule tagged linux" is tagged @linux but names no rule of level linux: drop the tag, or give the rule "level": "linux"`,
  ]);
});

test('rules --uncovered lists only the rules no scenario covers, each with its pending reason', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin/iommufd-conform.mjs'), 'rules', '--uncovered'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines.at(-1)!, /^(\d+) of \d+ rules not yet covered$/);
  assert.equal(lines.length - 1, Number(/^(\d+)/.exec(lines.at(-1)!)![1]));
  for (const l of lines.slice(0, -1)) assert.match(l, /^[A-Z0-9_.]+: \S/);
});
