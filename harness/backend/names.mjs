// Backend names, checked before anything starts. Plain JavaScript (types in
// names.d.mts) so that bin/iommufd-conform.mjs can refuse a mistyped name
// before it registers the TypeScript loader, which costs more than the rest.

/**
 * The backend could not be started at all: an unknown name, a program that
 * cannot be run or exits before answering start, a kernel that cannot be
 * built or booted. The run stops before any scenario with this one line.
 */
export class BackendStartError extends Error {
  name = 'BackendStartError';
}

/** The kernels tools/kernel/build.sh can build; `kernel` alone is the first. */
export const KERNELS = Object.freeze(['7.3', '6.12']);
/**
 * `reference-no<option>`: the engine as a test kernel built without a Kconfig
 * option, one or more suffixes joined (`reference-notest-nonoiommu`).
 */
export const REFERENCE_WITHOUT = Object.freeze({ notest: 'IOMMUFD_TEST', nonoiommu: 'IOMMUFD_NOIOMMU' });
export const BACKENDS = Object.freeze(['reference', 'reference-notest', 'reference-nonoiommu', 'cmd:<argv...>', 'kernel', ...KERNELS.map((v) => `kernel-${v}`)]);

/** The Kconfig options a `reference[-no<option>...]` name leaves out ([] for `reference`), or undefined for another name. */
export function referenceWithout(name) {
  if (name === 'reference') return [];
  if (!name.startsWith('reference-')) return undefined;
  const parts = name.slice('reference-'.length).split('-');
  if (!parts.every((p) => Object.hasOwn(REFERENCE_WITHOUT, p)) || new Set(parts).size !== parts.length) return undefined;
  return parts.map((p) => REFERENCE_WITHOUT[p]);
}

/** Levenshtein distance, for suggesting the name a typing mistake meant. */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

function unknownName(name) {
  const names = BACKENDS.map((n) => n.replace('<argv...>', ''));
  const best = names.map((n) => ({ n, d: distance(name.toLowerCase(), n) })).sort((x, y) => x.d - y.d)[0];
  const hint = name && best.d <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best.n}'?` : '';
  return new BackendStartError(`unknown backend '${name}'${hint} (known: ${BACKENDS.join(', ')})`);
}

/** Checks a backend name without starting anything; throws a BackendStartError that says what is wrong. */
export function checkBackendName(name) {
  if (referenceWithout(name)) return;
  if (name.startsWith('cmd:')) {
    if (!name.slice(4).trim()) throw new BackendStartError('cmd: needs a program to run, e.g. cmd:node bin/iommufd-conform.mjs serve');
    return;
  }
  const k = /^kernel(?:-(\d+\.\d+))?$/.exec(name);
  if (k && k[1] && !KERNELS.includes(k[1])) {
    throw new BackendStartError(`no kernel backend for Linux ${k[1]} (known: ${KERNELS.map((v) => `kernel-${v}`).join(', ')})`);
  }
  if (!k) throw unknownName(name);
}

/**
 * The problem with the --backend of `run` arguments, if any, as its one line.
 * Only a quick look (the command line's own parser has the last word): a name
 * it does not find here is checked again by run.
 */
export function backendProblem(args) {
  let name;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] === '--backend') name = args[++i];
    else if (args[i].startsWith('--backend=')) name = args[i].slice('--backend='.length);
  }
  if (name === undefined) return undefined;
  try { checkBackendName(name); return undefined; } catch (e) { return e.message; }
}
