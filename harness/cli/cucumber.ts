// Runs cucumber through its JavaScript API with the project's configuration,
// collecting the message stream that reports and lint are built from.
import { loadConfiguration, loadSupport, runCucumber, type ISupportCodeLibrary } from '@cucumber/cucumber/api';
import type { Envelope } from '@cucumber/messages';
import { PassThrough } from 'node:stream';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';

export interface CucumberRun {
  paths?: string[];
  tags?: string;
  backend?: string;
  timeoutMs?: number;
  dryRun?: boolean;
  formats?: string[];
  onMessage?: (e: Envelope) => void;
  /** Discard cucumber's own console output (lint's dry run). */
  quiet?: boolean;
}

let support: ISupportCodeLibrary | undefined;

export async function runWithCucumber(opts: CucumberRun): Promise<boolean> {
  const { runConfiguration } = await loadConfiguration({
    file: 'cucumber.mjs',
    provided: {
      ...(opts.paths ? { paths: opts.paths } : {}),
      ...(opts.tags ? { tags: opts.tags } : {}),
      dryRun: opts.dryRun ?? false,
      format: opts.formats ?? [],
      worldParameters: { backend: opts.backend ?? 'reference', ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
    },
  }, { cwd: PROJECT_ROOT });
  // Step definitions register themselves when imported, which happens once
  // per process: load them once and hand the same library to every run.
  support ??= await loadSupport(runConfiguration, { cwd: PROJECT_ROOT });
  const stdout = opts.quiet ? new PassThrough().resume() : process.stdout;
  const { success } = await runCucumber({ ...runConfiguration, support }, { cwd: PROJECT_ROOT, stdout }, opts.onMessage);
  return success;
}
