// The iommufd-conform command line.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';

// Commands load their modules on demand: `serve` must start fast, without cucumber.

const USAGE = `usage: iommufd-conform <command> [options]

commands:
  run    [--backend NAME] [--tags EXPR] [--format NAME] [--reports DIR] [--timeout MS] [--expectations FILE] [FEATURE...]
         run the conformance suite; NAME: reference (default), cmd:<argv...>, kernel, kernel-6.12
  serve  the reference engine as a wire-protocol server on stdin/stdout
  lint   [--features DIR]   check scenarios, steps, tables and rule coverage
  failnth [--tags EXPR] [FEATURE...]   failure-injection sweep on the reference engine (default: the IOAS features)
  rules  [--features DIR] [--json]   each rule with its covering scenarios`;

function reportError(e: unknown): number {
  const errs = (e as AggregateError).errors ?? [e];
  for (const err of errs) console.error(String((err as Error).message ?? err));
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'run') {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true,
        options: { expectations: { type: 'string' }, timeout: { type: 'string' }, backend: { type: 'string', default: 'reference' }, tags: { type: 'string' }, format: { type: 'string', default: 'progress' }, reports: { type: 'string', default: join(PROJECT_ROOT, 'reports') } },
      });
      const { startBackend } = await import('../backend/start.ts');
      startBackend({ backend: values.backend!, timeoutMs: values.timeout ? Number(values.timeout) : undefined });
      const { run } = await import('./run.ts');
      return await run({ started: true, backend: values.backend!, tags: values.tags, format: values.format!, reports: values.reports!, timeoutMs: values.timeout ? Number(values.timeout) : undefined, expectations: values.expectations, paths: positionals.length ? positionals : undefined });
    }
    if (cmd === 'serve') {
      const { serveMain } = await import('./serve.ts');
      return await serveMain();
    }
    if (cmd === 'failnth') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { tags: { type: 'string' } } });
      const { failnthCommand } = await import('./failnth.ts');
      return await failnthCommand(positionals, values.tags);
    }
    if (cmd === 'lint') {
      const { values } = parseArgs({ args: rest, options: { features: { type: 'string', default: join(PROJECT_ROOT, 'features') } } });
      const { lint } = await import('../lint/lint.ts');
      const { problems, scenarios, rules } = await lint(values.features!);
      for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
      console.log(`lint: ${scenarios.length} scenarios, ${rules.size} rules, ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
      return problems.length ? 1 : 0;
    }
    if (cmd === 'rules') {
      const { values } = parseArgs({ args: rest, options: { features: { type: 'string', default: join(PROJECT_ROOT, 'features') }, json: { type: 'boolean', default: false } } });
      const { rulesReport } = await import('./rules.ts');
      return rulesReport(values.features!, values.json!);
    }
    console.error(USAGE);
    return cmd === undefined || cmd === '--help' || cmd === 'help' ? 0 : 2;
  } catch (e) {
    return reportError(e);
  }
}
