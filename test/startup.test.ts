// What makes processes start fast must not change what they do: cached
// validators behave as compiled ones, a broken cache entry is recompiled, and
// the serve bundle is rebuilt when one of its inputs changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VALIDATOR_CACHE, schemaValidators } from '../spec/loader/validators.ts';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'iommufd-conform.mjs');

test('a cached validator judges like the compiled one, and a broken cache entry is recompiled', () => {
  const name = `test-${process.pid}-${Date.now()}`;
  const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'], additionalProperties: false };
  const cases = [{ n: 1 }, { n: 0 }, {}, { n: 1, x: 2 }, 'text'];
  try {
    const compiled = schemaValidators(name, schema, { strict: true, allErrors: true }).default!;
    const expected = cases.map((c) => [compiled(c), JSON.stringify(compiled.errors)]);
    const files = readdirSync(VALIDATOR_CACHE).filter((f) => f.startsWith(name));
    assert.equal(files.length, 1, 'the compiled code was cached');
    const cached = schemaValidators(name, schema, { strict: true, allErrors: true }).default!;
    assert.notEqual(cached, compiled, 'the second call loads the cache');
    assert.deepEqual(cases.map((c) => [cached(c), JSON.stringify(cached.errors)]), expected);
    assert.deepEqual(expected.map(([ok]) => ok), [true, false, false, false, false]);
    // Another schema or other options are another entry.
    schemaValidators(name, { ...schema, required: [] }, { strict: true, allErrors: true });
    schemaValidators(name, schema, { strict: true, allErrors: false });
    assert.equal(readdirSync(VALIDATOR_CACHE).filter((f) => f.startsWith(name)).length, 3);
    const entry = join(VALIDATOR_CACHE, files[0]!);
    writeFileSync(entry, 'this is not JavaScript {');
    delete createRequire(import.meta.url).cache[entry]; // as in a new process
    const again = schemaValidators(name, schema, { strict: true, allErrors: true }).default!;
    assert.deepEqual(cases.map((c) => [again(c), JSON.stringify(again.errors)]), expected);
    assert.doesNotThrow(() => new Function(readFileSync(entry, 'utf8')), 'the broken entry was rewritten');
  } finally {
    for (const f of readdirSync(VALIDATOR_CACHE).filter((f) => f.startsWith(name))) rmSync(join(VALIDATOR_CACHE, f));
  }
});

test('serve runs from its bundle and rebuilds it when an input changed', () => {
  const meta = join(root, 'build', 'serve', 'meta.json');
  const serve = () => spawnSync(process.execPath, [cli, 'serve'], { cwd: root, encoding: 'utf8', input: '{"seq":7,"cmd":"start","version":1}\n{"seq":8,"cmd":"stop"}\n', timeout: 60_000 });
  let r = serve();
  assert.match(r.stdout, /^\{"seq":7,"ok":\{"start":\{"name":"reference"/, r.stderr);
  assert.ok(existsSync(meta), 'the bundle was built');
  const m = JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, string> };
  assert.ok('harness/backend/server.ts' in m.inputs && 'reference/main.ts' in m.inputs, 'the bundle holds the server and the engine');
  // Pretend server.ts changed since the bundle was built.
  const stale = { ...m, inputs: { ...m.inputs, 'harness/backend/server.ts': '0'.repeat(64) } };
  writeFileSync(meta, JSON.stringify(stale));
  r = serve();
  assert.match(r.stdout, /"seq":8,"ok"/, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(meta, 'utf8')).inputs, m.inputs, 'rebuilt with the current inputs');
});
