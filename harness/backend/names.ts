// Backend names, checked before anything starts (and before the harness loads
// its heavier modules), so that a typing mistake costs one line at once.

/**
 * The backend could not be started at all: an unknown name, a program that
 * cannot be run or exits before answering start, a kernel that cannot be
 * built or booted. The run stops before any scenario with this one line.
 */
export class BackendStartError extends Error {
  override name = 'BackendStartError';
}

/** The kernels tools/kernel/build.sh can build; `kernel` alone is the first. */
export const KERNELS = ['7.3', '6.12'] as const;
export const BACKENDS = ['reference', 'cmd:<argv...>', 'kernel', ...KERNELS.map((v) => `kernel-${v}`)] as const;

/** Levenshtein distance, for suggesting the name a typing mistake meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function unknownName(name: string): BackendStartError {
  const names = BACKENDS.map((n) => n.replace('<argv...>', ''));
  const best = names.map((n) => ({ n, d: distance(name.toLowerCase(), n) })).sort((x, y) => x.d - y.d)[0]!;
  const hint = name && best.d <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best.n}'?` : '';
  return new BackendStartError(`unknown backend '${name}'${hint} (known: ${BACKENDS.join(', ')})`);
}

/** Checks a backend name without starting anything; throws a BackendStartError that says what is wrong. */
export function checkBackendName(name: string): void {
  if (name === 'reference') return;
  if (name.startsWith('cmd:')) {
    if (!name.slice(4).trim()) throw new BackendStartError('cmd: needs a program to run, e.g. cmd:node bin/iommufd-conform.mjs serve');
    return;
  }
  const k = /^kernel(?:-(\d+\.\d+))?$/.exec(name);
  if (k && k[1] && !(KERNELS as readonly string[]).includes(k[1])) {
    throw new BackendStartError(`no kernel backend for Linux ${k[1]} (known: ${KERNELS.map((v) => `kernel-${v}`).join(', ')})`);
  }
  if (!k) throw unknownName(name);
}

