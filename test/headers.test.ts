// The spec against the real Linux uAPI headers: tools/check-headers.sh must
// pass on the project's spec, and must fail, naming the culprit, on a spec
// with a mistake the loader's own meta-checks cannot see.
//
// The first run downloads linux-libc-dev and linux-source-7.3 (~170 MB) from
// trixie-backports into the cache; later runs take about a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec, loadSpecFrom } from '../spec/loader/load.ts';
import { generate } from '../tools/gen-static-asserts.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(repo, 'tools/check-headers.sh');

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const needed = ['bash', process.env.CC ?? 'gcc'];
if (!(process.env.IOMMUFD_HEADERS_DIR && process.env.IOMMUFD_KERNEL_SRC)) needed.push('apt-get', 'dpkg-deb');
const missing = needed.filter((c) => !have(c));
// In CI the check is part of what must pass: a missing tool fails it rather than skipping it.
if (missing.length && process.env.CI) throw new Error(`the header check needs ${missing.join(', ')}`);
const skip = missing.length ? `needs ${missing.join(', ')}` : false;

function checkHeaders(...args: string[]) {
  const r = spawnSync('bash', [script, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/** Replaces exactly one occurrence of `from` in a spec file. */
function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `${path} must contain ${from} exactly once`);
  writeFileSync(path, text.slice(0, at) + to + text.slice(at + from.length));
}

test('the generated asserts reach into anonymous member structs', () => {
  const g = generate(loadSpec(), 'kernel-source');
  assert.deepEqual(g.headers, ['linux/iommufd.h', 'iommufd_test.h']);
  assert.match(g.text, /#include <linux\/iommufd\.h>\n#include "iommufd_test\.h"/);
  assert.ok(g.text.includes('offsetof(struct iommu_test_cmd, add_reserved.start) == 16'));
  assert.ok(g.text.includes('offsetof(struct iommu_test_cmd, dirty.out_nr_dirty) == 56'));
  assert.ok(g.text.includes('(IOMMU_TEST_CMD) == 0x3ba0'));
  assert.ok(!/struct iommu_test_cmd\.\w+\)/.test(g.text), 'anonymous structs are not asserted by their spec name');
  assert.deepEqual(g.warnings, []);
});

test('the spec matches the Linux uAPI headers (tools/check-headers.sh)', { skip, timeout: 20 * 60_000 }, () => {
  const r = checkHeaders();
  assert.equal(r.status, 0, r.all);
  for (const kind of ['libc-dev-newest', 'libc-dev-system', 'kernel-source', 'libc-dev-5.10']) {
    assert.match(r.stdout, new RegExp(`^  ok    ${kind}: [1-9]\\d* asserts`, 'm'), r.all);
  }
  assert.match(r.stdout, /all \d+ asserts hold/);
});

test('the header check catches spec mistakes the loader accepts', { skip, timeout: 20 * 60_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'iommufd-spec-'));
  try {
    const root = join(tmp, 'spec');
    cpSync(join(repo, 'spec'), root, { recursive: true });
    // A wrong enumerator value (linux/iommufd.h) ...
    edit(join(root, 'uapi/iommufd-ioas.json'), '"IOMMU_OPTION_HUGE_PAGES": { "value": 1,', '"IOMMU_OPTION_HUGE_PAGES": { "value": 3,');
    // ... and two fields swapped inside an anonymous union member (iommufd_test.h).
    const test = join(root, 'uapi/iommufd-test.json');
    edit(test, '{ "name": "dmabuf_fd", "offset": 0,', '{ "name": "dmabuf_fd", "offset": 4,');
    edit(test, '{ "name": "revoked", "offset": 4,', '{ "name": "revoked", "offset": 0,');
    assert.doesNotThrow(() => loadSpecFrom(root), 'the mutated spec must pass the loader, or this test proves nothing');

    const r = checkHeaders('--spec-root', root);
    assert.equal(r.status, 1, r.all);
    assert.match(r.all, /static assertion failed: "spec\/uapi\/iommufd-ioas\.json:\d+: IOMMU_OPTION_HUGE_PAGES is 3"/);
    assert.match(r.all, /static assertion failed: "spec\/uapi\/iommufd-test\.json:\d+: iommu_test_cmd\.dmabuf_revoke\.dmabuf_fd is at offset 20/);
    assert.match(r.all, /static assertion failed: "spec\/uapi\/iommufd-test\.json:\d+: iommu_test_cmd\.dmabuf_revoke\.revoked is at offset 16/);
    assert.match(r.stdout, /^  FAIL  libc-dev-newest: 1 of \d+ asserts failed/m);
    assert.match(r.stdout, /^  FAIL  kernel-source: 2 of \d+ asserts failed/m);
    assert.match(r.stdout, /^  ok    libc-dev-system: /m);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
