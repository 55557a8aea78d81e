// The serve bundle: `serve` and the modules it imports, bundled by esbuild
// into build/serve/serve.mjs, so that a protocol server starts without the
// TypeScript loader (registering it costs about 150 ms of CPU per process,
// which the harness starting beside it would feel). Plain JavaScript, since it
// runs before any loader. build/serve/meta.json records the hash of every
// input; a bundle whose inputs changed is rebuilt, and any failure here falls
// back to running the sources through tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'build', 'serve');
const BUNDLE = join(OUT, 'serve.mjs');
const META = join(OUT, 'meta.json');
const ENTRY = "export { serveMain } from './harness/cli/serve.ts';";

const hash = (path) => createHash('sha256').update(readFileSync(join(ROOT, path))).digest('hex');

function isFresh() {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    if (meta.entry !== ENTRY) return false;
    return Object.entries(meta.inputs).every(([path, sha]) => hash(path) === sha);
  } catch {
    return false;
  }
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Builds the bundle; its meta is written last, so a half-written build is never fresh. */
export async function buildServeBundle() {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: '<serve-entry>', loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
    write: false, metafile: true, logLevel: 'silent', outfile: BUNDLE,
  });
  const inputs = Object.fromEntries(Object.keys(r.metafile.inputs).filter((p) => !p.startsWith('<')).map((p) => [p, hash(p)]));
  mkdirSync(OUT, { recursive: true });
  writeAtomic(BUNDLE, r.outputFiles[0].text);
  writeAtomic(META, `${JSON.stringify({ entry: ENTRY, inputs }, null, 1)}\n`);
}

/** The URL of an up-to-date serve bundle, building it if needed; undefined when it cannot be had. */
export async function serveBundle() {
  if (!isFresh()) {
    try { await buildServeBundle(); } catch { return undefined; }
  }
  return pathToFileURL(BUNDLE).href;
}
