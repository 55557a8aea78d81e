// Compiled ajv validators of the project's own schemas (spec/meta, the wire
// protocol), cached as ajv standalone code in build/validators and named by a
// hash of schema, options and ajv version. Compiling a schema costs tens of
// milliseconds at every start of every process; loading its code, about one.
// The cache fills itself: a miss compiles as before and writes the code.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { Options, ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from './root.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;
const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

export const VALIDATOR_CACHE = join(PROJECT_ROOT, 'build', 'validators');

/**
 * The validators of one schema: `refs` maps export names to references
 * inside it (e.g. `#/$defs/request`); without refs, the schema itself as
 * `default`. `name` only makes the cache file recognisable.
 */
export function schemaValidators(name: string, schema: object, opts: Options, refs?: Record<string, string>): Record<string, ValidateFunction> {
  const key = createHash('sha256').update(JSON.stringify([AJV_VERSION, opts, refs ?? null, schema])).digest('hex').slice(0, 24);
  const file = join(VALIDATOR_CACHE, `${name}-${key}.cjs`);
  try {
    return require(file) as Record<string, ValidateFunction>;
  } catch { /* not cached yet, or unreadable: compile */ }
  const ajv = new Ajv2020({ ...opts, code: { source: true } });
  let compiled: Record<string, ValidateFunction>;
  let code: string;
  if (refs) {
    ajv.addSchema(schema);
    compiled = Object.fromEntries(Object.entries(refs).map(([k, ref]) => [k, ajv.getSchema(ref)!]));
    code = standaloneCode(ajv, refs);
  } else {
    const v = ajv.compile(schema);
    compiled = { default: v };
    code = standaloneCode(ajv, v);
  }
  store(file, code);
  return compiled;
}

/** Writes the code atomically; a read-only checkout just goes without the cache. */
function store(file: string, code: string): void {
  try {
    mkdirSync(VALIDATOR_CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch { /* no cache */ }
}
