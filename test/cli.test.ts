// The command line's answers to typing mistakes (issue 9): one line naming
// the problem, exit 2, before anything runs; --help on every command; paths
// relative to the current directory. main() runs in-process, output captured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../harness/cli/main.ts';
import { PROJECT_ROOT } from '../spec/loader/root.ts';
import { tempDir } from './helpers.ts';

async function cli(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    const rc = await main(argv);
    return { rc, out: out.join('\n'), err: err.join('\n') };
  } finally {
    Object.assign(console, { log, error });
  }
}

/** A usage mistake: exit 2, nothing on stdout, one line on stderr matching `re`. */
async function refused(argv: string[], re: RegExp): Promise<void> {
  const r = await cli(...argv);
  assert.equal(r.rc, 2, `${argv.join(' ')}: ${r.out}${r.err}`);
  assert.equal(r.err.split('\n').length, 1, r.err);
  assert.match(r.err, re);
  assert.doesNotMatch(r.err, /\n\s+at /);
}

test('every command answers --help and -h with its options, exit 0; iommufd-conform --help lists the commands', async () => {
  const top = await cli('--help');
  assert.equal(top.rc, 0);
  for (const c of ['run', 'serve', 'lint', 'failnth', 'rules']) assert.match(top.out, new RegExp(`^  ${c} `, 'm'));
  const options: Record<string, string[]> = { run: ['--backend', '--tags', '--format', '--reports', '--timeout', '--expectations'], serve: [], lint: ['--features'], failnth: ['--tags'], rules: ['--features', '--json'] };
  for (const [c, opts] of Object.entries(options)) {
    for (const h of ['--help', '-h']) {
      const r = await cli(c, h);
      assert.equal(r.rc, 0, `${c} ${h}: ${r.err}`);
      assert.match(r.out, new RegExp(`^usage: iommufd-conform ${c}`));
      for (const o of [...opts, '--help']) assert.ok(r.out.includes(o), `${c} --help names ${o}:\n${r.out}`);
    }
  }
});

test('an unknown option or command is one line naming it plus "see --help", exit 2', async () => {
  await refused(['run', '--tag', '@x'], /^iommufd-conform run: unknown option '--tag' \(see iommufd-conform run --help\)$/);
  await refused(['lint', '--json'], /^iommufd-conform lint: unknown option '--json' \(see iommufd-conform lint --help\)$/);
  await refused(['rules', 'x'], /unexpected argument 'x'.*see iommufd-conform rules --help/);
  await refused(['run', '--tags'], /option '--tags' needs a value/);
  await refused(['run', '--format', 'json', '--format=summary'], /^iommufd-conform run: option '--format' is given twice \(see iommufd-conform run --help\)$/);
  const none = await cli();
  assert.equal(none.rc, 2);
  assert.match(none.err, /^usage: iommufd-conform <command>/);
  await refused(['frobnicate'], /^iommufd-conform: unknown command 'frobnicate'.*see iommufd-conform --help/);
});

test('--timeout is a positive whole number of milliseconds; --format, --backend name known ones', async () => {
  for (const t of ['abc', '0', '-5', '1.5', '10s', '']) await refused(['run', `--timeout=${t}`], /^iommufd-conform run: --timeout '.*': expected a whole number of milliseconds/);
  await refused(['run', '--format', 'jsn'], /unknown formatter 'jsn' .*did you mean json\?/);
  await refused(['run', '--format', 'json:'], /--format 'json:': no file after ':'/);
  await refused(['run', '--backend', 'kernl'], /--backend 'kernl': unknown backend 'kernl'; did you mean 'kernel'\? \(known: reference, reference-notest, reference-nonoiommu, cmd:<argv\.\.\.>, kernel/);
  await refused(['run', '--backend', 'kernel-5.10'], /--backend 'kernel-5.10': no kernel backend for Linux 5.10 \(known: kernel-7.3, kernel-6.12\)/);
  await refused(['run', '--backend', 'cmd:'], /cmd: needs a program/);
});

test('a bad --tags expression says what is wrong with it, exit 2', async () => {
  await refused(['run', '--tags', '@a and'], /^iommufd-conform run: --tags '@a and': not a valid tag expression: expected operand$/);
  await refused(['run', '--tags', '(@a or @b'], /--tags '\(@a or @b': not a valid tag expression: unmatched \($/);
  await refused(['run', '--tags', '@a @b'], /expected operator/);
  await refused(['run', '--tags', 'IOAS.MAP'], /tag 'IOAS\.MAP' does not start with @/);
  await refused(['failnth', '--tags', 'not'], /^iommufd-conform failnth: --tags 'not': not a valid tag expression/);
});

test('a path that does not exist is one line naming it, exit 2, for run, failnth, lint and rules', async () => {
  await refused(['run', 'features/no_such.feature'], /^iommufd-conform run: features\/no_such\.feature: no such file or directory$/);
  await refused(['run', 'features/no_such.feature:12'], /features\/no_such\.feature:12: no such file/);
  await refused(['failnth', 'no_such.feature'], /^iommufd-conform failnth: no_such\.feature: no such file or directory$/);
  await refused(['failnth', 'features/nothing_*.feature'], /no file matches this pattern/);
  await refused(['lint', '--features', 'no_such_dir'], /^iommufd-conform lint: --features no_such_dir: no such directory$/);
  await refused(['rules', '--features', 'no_such_dir'], /^iommufd-conform rules: --features no_such_dir: no such directory$/);
  await refused(['run', '--expectations', 'no_such.json'], /--expectations no_such\.json: no such file$/);
});

test('run, failnth and rules report a Gherkin syntax error as file:line: message and exit 2 before running', async () => {
  const dir = tempDir('iommufd-cli-');
  writeFileSync(join(dir, 'broken.feature'), 'Feature: broken\n  Scenario: one\n    Given an open iommufd\n   Scenario Outline\n');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await refused(['run', 'broken.feature'], /^broken\.feature:4: expected: .*got 'Scenario Outline'$/);
    await refused(['failnth', 'broken.feature'], /^broken\.feature:4: /);
    await refused(['rules', '--features', '.'], /^broken\.feature:4: /);
  } finally { process.chdir(cwd); }
});

test('FEATURE paths resolve against the current directory, and path:line selects one scenario', async () => {
  const dir = tempDir('iommufd-cli-');
  copyFileSync(join(PROJECT_ROOT, 'features', 'objects.feature'), join(dir, 'objects.feature'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await cli('run', '--format', 'summary', '--reports', 'out', 'objects.feature:11');
    assert.equal(r.rc, 0, r.out + r.err);
    assert.match(r.out, /^1 passed, 0 failed$/m);
    assert.match(r.out, /reports: out\/conformance\.json/);
  } finally { process.chdir(cwd); }
});

const MISTAKES = `Feature: mistakes of the scenario text

  Background:
    Given an open iommufd

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: an unknown field
    When I call IOMMU_DESTROY with:
      | field | value |
      | idd   | 1     |
    Then it fails with ENOENT

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a misspelt constant
    When I call IOMMU_IOAS_MAP with:
      | field  | value                    |
      | length | 0x1000                   |
      | flags  | IOMMU_IOAS_MAP_FIXED_IOV |
    Then it fails with EINVAL

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a name never remembered
    When I destroy $nothing
    Then it fails with ENOENT

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: an unknown field of the result
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And I remember out_ioas as $ioas

  @OBJECTS.DESTROY.UNKNOWN
  Scenario: a misspelt ioctl
    When I call IOMMU_IOAS_ALOC with no fields set
    Then it succeeds
`;

test('a mistake in a scenario\'s table or text fails it with file:line of the row or step and what is wrong, no stack trace', async () => {
  const dir = tempDir('iommufd-cli-');
  writeFileSync(join(dir, 'mistakes.feature'), MISTAKES);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await cli('run', '--format', 'summary', '--reports', 'out', 'mistakes.feature');
    assert.equal(r.rc, 1, r.out + r.err);
    const { scenarios } = JSON.parse(readFileSync(join(dir, 'out', 'conformance.json'), 'utf8')) as { scenarios: { name: string; message: string }[] };
    assert.deepEqual(Object.fromEntries(scenarios.map((s) => [s.name, s.message])), {
      'an unknown field': "mistakes.feature:10: unknown field 'idd' of struct iommu_destroy; did you mean id?",
      'a misspelt constant': "mistakes.feature:18: field 'flags': unknown constant 'IOMMU_IOAS_MAP_FIXED_IOV': neither a number, a constant of spec/ nor a $name; did you mean IOMMU_IOAS_MAP_FIXED_IOVA?",
      'a name never remembered': 'mistakes.feature:23: $nothing has not been remembered',
      'an unknown field of the result': "mistakes.feature:30: unknown field 'out_ioas' of struct iommu_ioas_alloc; did you mean out_ioas_id?",
      'a misspelt ioctl': "mistakes.feature:34: unknown ioctl 'IOMMU_IOAS_ALOC' (not in spec/); did you mean IOMMU_IOAS_ALLOC?",
    });
  } finally { process.chdir(cwd); }
});

test('a tag no selected scenario carries is a warning naming the nearest tags', async () => {
  const r = await cli('run', '--format', 'summary', '--reports', join(tempDir('iommufd-cli-'), 'out'), '--tags', '@OBJECTS.ID.NONZER', join(PROJECT_ROOT, 'features', 'objects.feature'));
  assert.equal(r.rc, 1);
  assert.equal(r.err, 'iommufd-conform run: warning: no selected scenario has tag @OBJECTS.ID.NONZER; did you mean @OBJECTS.ID.NONZERO?');
  assert.match(r.out, /no scenario was selected/);
});
