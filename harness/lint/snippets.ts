// What lint offers for a step no definition matches: a snippet to paste into
// steps/ in the project's own style (the parameter types of
// steps/support/hooks.ts, the world's type), and the existing steps nearest
// to the text, which is most often what the author meant.
import type { Spec } from '../../spec/loader/types.ts';

/** Parameter names the project's step definitions give each type. */
const PARAM_NAMES: Record<string, string> = { var: 'name', ioctl: 'ioctl', errno: 'name', field: 'field', value: 'expr', int: 'n', float: 'x', word: 'word', string: 's' };
const PARAM_TS: Record<string, string> = { int: 'number', float: 'number' };

/**
 * The step's text as a cucumber expression in the project's parameter types:
 * $names are {var}, ioctls of spec/ {ioctl}, errno names {errno}, decimal
 * numbers {int}, hex ones {value}; other words stay (cucumber's own snippets would make every
 * lower-case word a {field}).
 */
export function expressionOf(text: string, isIoctl: (name: string) => boolean, isErrno: (name: string) => boolean): string {
  // Cucumber expressions give ( { / \ a meaning: escaped where they are text.
  const esc = (t: string) => t.replace(/[{}()/\\]/g, '\\$&');
  return text.split(' ').map((w) => {
    const [, lead = '', core = w, tail = ''] = /^(\(*)(.*?)([),.:;]*)$/.exec(w) ?? [];
    const param = /^\$[a-z_][a-z0-9_]*$/.test(core) ? '{var}'
      : isIoctl(core) ? '{ioctl}'
      : isErrno(core) ? '{errno}'
      : /^-?\d+$/.test(core) ? '{int}'
      : /^0x[0-9a-fA-F]+$/.test(core) ? '{value}'
      : undefined;
    return param ? `${esc(lead)}${param}${esc(tail)}` : esc(w);
  }).join(' ');
}

/** A TypeScript snippet for steps/*.steps.ts in the project's style. */
export function snippet(expr: string, keyword: string, argument?: 'table' | 'doc'): string {
  const used = new Map<string, number>();
  const params = [...expr.matchAll(/(?<!\\)\{(\w*)\}/g)].map(([, t]) => {
    const base = PARAM_NAMES[t!] ?? (t || 'arg');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return `${n > 1 ? `${base}${n}` : base}: ${PARAM_TS[t!] ?? 'string'}`;
  });
  const extra = argument === 'table' ? ['table: DataTable'] : argument === 'doc' ? ['doc: string'] : [];
  return [
    `${keyword}('${expr.replace(/[\\']/g, '\\$&')}', async function (${['this: IommufdWorld', ...params, ...extra].join(', ')}) {`,
    '  // through this.backend; assert the outcome of every call that can fail',
    "  throw new Error('not written yet');",
    '});',
  ].join('\n');
}

/** The keyword of a pickle step's type (Context, Action, Outcome; Unknown after "And" in a Background). */
export const keywordOf = (type: string | undefined): string => type === 'Outcome' ? 'Then' : type === 'Action' ? 'When' : 'Given';

/** Words of a step text or expression; "{type}" stays one word, and matches any word of the text. */
const words = (s: string) => s.split(/\s+/).filter(Boolean);

function wordDistance(text: string[], expr: string[]): number {
  let prev = Array.from({ length: expr.length + 1 }, (_, j) => j);
  for (let i = 1; i <= text.length; i++) {
    const cur = [i];
    for (let j = 1; j <= expr.length; j++) {
      const same = expr[j - 1] === text[i - 1] || /^\{\w*\}:?$/.test(expr[j - 1]!);
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (same ? 0 : 1));
    }
    prev = cur;
  }
  return prev[expr.length]!;
}

/** Up to max step expressions nearest to the text, by words changed (a parameter matches any word). */
export function closestSteps(text: string, expressions: readonly string[], max = 3): string[] {
  const t = words(text);
  const scored = expressions.map((e) => [e, wordDistance(t, words(e))] as const);
  const limit = Math.max(2, Math.ceil(t.length / 2));
  return scored.filter(([, d]) => d <= limit).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([e]) => e);
}

/** The lines lint prints under an undefined step: the nearest steps, then a definition to start from. */
export function undefinedStepHint(text: string, keyword: string, argument: 'table' | 'doc' | undefined, expressions: readonly string[], spec: Pick<Spec, 'ioctls' | 'errno'>): string[] {
  const near = closestSteps(text, expressions);
  const expr = expressionOf(text, (n) => spec.ioctls.has(n), (n) => spec.errno.has(n));
  return [
    ...(near.length ? ['the nearest existing steps:', ...near.map((x) => `  ${x}`)] : []),
    'a definition to start from (steps/*.steps.ts):', ...snippet(expr, keyword, argument).split('\n').map((x) => `  ${x}`),
  ];
}
