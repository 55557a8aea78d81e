import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkTree, recordTree } from '../harness/drift/drift.ts';
import type { Rule } from '../harness/rules/catalog.ts';
import { tempDir } from './helpers.ts';

const HEADER = `/**
 * struct iommu_thing - A thing
 * @size: sizeof(struct iommu_thing)
 */
struct iommu_thing {
\t__u32 size;
};

/**
 * DOC: General format
 *
 * Every call takes a size.
 */
`;
const CODE = `static int helper(int x)
{
\treturn x + 1;
}

int iommufd_thing_ioctl(struct iommufd_ucmd *ucmd)
{
\tif (ucmd->size)
\t\treturn -EINVAL;
\treturn helper(0);
}
`;
const RST = `Title
=====

Objects
-------

Objects have ids.

Other
-----

Something else.
`;

function tree(version: string, files: Record<string, string>): string {
  const root = tempDir('iommufd-tree-');
  const [a, b, c] = version.split('.');
  files = { Makefile: `VERSION = ${a}\nPATCHLEVEL = ${b}\nSUBLEVEL = ${c ?? 0}\n`, ...files };
  for (const [p, text] of Object.entries(files)) { mkdirSync(dirname(join(root, p)), { recursive: true }); writeFileSync(join(root, p), text); }
  return root;
}

const rule = (id: string, doc: string, section: string, since = '6.2'): Rule => ({ id, area: 'x', statement: 'a rule for the test', expected: { effect: 'x' }, source: { doc, section }, since, file: 'x', line: 1 });
const RULES = new Map([
  rule('A.STRUCT', 'include/uapi/linux/iommufd.h', 'struct iommu_thing (size: the size)'),
  rule('A.DOC', 'include/uapi/linux/iommufd.h', 'DOC: General format'),
  rule('A.FUNC', 'drivers/iommu/iommufd/ioas.c', 'iommufd_thing_ioctl (the size check)'),
  rule('A.MOVED', 'drivers/iommu/iommufd/main.c', 'helper'),
  rule('A.RST', 'Documentation/userspace-api/iommufd.rst', 'Objects'),
  rule('A.NONE', 'drivers/iommu/iommufd/ioas.c', 'no_such_function'),
  rule('A.NEW', 'drivers/iommu/iommufd/ioas.c', 'iommufd_thing_ioctl', '7.3'),
].map((r) => [r.id, r]));
const FILES = { 'include/uapi/linux/iommufd.h': HEADER, 'drivers/iommu/iommufd/ioas.c': CODE, 'drivers/iommu/iommufd/main.c': '', 'Documentation/userspace-api/iommufd.rst': RST };

test('drift record hashes each cited definition, doc block and section, found in the folder when it moved, and says what it cannot find', () => {
  const rec = recordTree(tree('7.3.4', FILES), RULES);
  assert.equal(rec.version, '7.3.4');
  const where = (id: string) => rec.rules[id]!.parts.map((p) => `${p.kind} ${p.file}:${p.lines}`);
  assert.deepEqual(where('A.STRUCT'), ['struct include/uapi/linux/iommufd.h:1-7']);
  assert.deepEqual(where('A.DOC'), ['DOC include/uapi/linux/iommufd.h:9-13']);
  assert.deepEqual(where('A.FUNC'), ['function drivers/iommu/iommufd/ioas.c:6-11']);
  assert.deepEqual(where('A.MOVED'), ['function drivers/iommu/iommufd/ioas.c:1-4']);
  assert.deepEqual(where('A.RST'), ['rst section Documentation/userspace-api/iommufd.rst:4-8']);
  assert.deepEqual(rec.rules['A.NONE']!.parts, []);
  assert.equal(rec.rules['A.NONE']!.missing?.[0]?.why, 'no definition of this name');
});

test('drift check lists the rules whose cited text changed or is gone; white space alone is no change; an older tree lacks newer rules', () => {
  const rec = recordTree(tree('7.3.4', FILES), RULES);
  assert.deepEqual(checkTree(rec, tree('7.3.5', { ...FILES, 'drivers/iommu/iommufd/ioas.c': CODE.replace(/\t/g, '    ') }), RULES), []);
  const edited = tree('7.4', {
    ...FILES,
    'include/uapi/linux/iommufd.h': HEADER.replace('__u32 size;', '__u32 size;\n\t__u32 flags;'),
    'drivers/iommu/iommufd/ioas.c': CODE.replace('return helper(0);', 'return 0;').replace(/static int helper[\s\S]*?\n}\n/, ''),
    'Documentation/userspace-api/iommufd.rst': RST.replace('Something else.', 'Another thing.'),
  });
  const f = checkTree(rec, edited, RULES).map((x) => `${x.rule} ${x.what}`);
  assert.deepEqual(f, ['A.FUNC changed', 'A.MOVED gone', 'A.NEW changed', 'A.STRUCT changed']);
  const old = checkTree(rec, tree('6.12.1', { ...FILES, 'drivers/iommu/iommufd/ioas.c': '' }), RULES).map((x) => `${x.rule} ${x.what}`);
  assert.deepEqual(old, ['A.FUNC gone', 'A.MOVED gone', 'A.NEW not yet']);
});

const KERNEL = join(process.env.HOME ?? '', '.cache/iommufd-conformance/kernel/src');
const T73 = join(KERNEL, 'linux-source-7.3_7.3.4-1_bpo13_1');
const T612 = join(KERNEL, 'linux-source-6.12_6.12.117-1_deb12u1');

test('against the 6.12 tree, the 7.3.4 record finds the VFIO check-extension change and the dev-cache op 6.12 lacks', (t) => {
  if (!existsSync(T73) || !existsSync(T612)) return t.skip('the kernel trees are not unpacked here');
  const rec = recordTree(T73);
  assert.deepEqual(checkTree(rec, T73), []);
  const f = checkTree(rec, T612);
  assert.ok(f.some((x) => x.rule === 'VFIO.CHECK_EXTENSION.UNSUPPORTED' && x.what === 'changed'), JSON.stringify(f.slice(0, 5)));
  assert.ok(f.some((x) => x.rule === 'DEVICE.CACHE.DEFAULT' && x.what === 'not yet'));
});

test('drift check --header compares only the citations of the recorded file of that name', async () => {
  const { checkHeader } = await import('../harness/drift/drift.ts');
  const rec = recordTree(tree('7.3.4', FILES), RULES);
  const dir = tempDir('iommufd-header-');
  writeFileSync(join(dir, 'iommufd.h'), HEADER.replace('Every call takes a size.', 'Every call takes a size first.'));
  assert.deepEqual(checkHeader(rec, join(dir, 'iommufd.h'), RULES).map((x) => `${x.rule} ${x.what} ${x.detail}`), ['A.DOC changed DOC: General format: include/uapi/linux/iommufd.h:9-13 in 7.3.4, the header:9-13 here']);
  writeFileSync(join(dir, 'other.h'), '');
  assert.throws(() => checkHeader(rec, join(dir, 'other.h'), RULES), /no rule cites a file named other\.h/);
});
