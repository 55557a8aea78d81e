// Cucumber support code for the reports (cucumber.mjs loads it).
// - Every step and hook is wrapped so that a BackendSkipped ends the scenario
//   as skipped, with its reason as an attachment, instead of as a failure in
//   every formatter (summary, pretty, junit, html). The reason keeps
//   not-applicable apart from not-run.
// - After each scenario the run yields to the event loop once: on the
//   in-process engine every step settles in microtasks, and without it the
//   progress timer and Ctrl-C would wait for the end of the run.
import { After, setDefinitionFunctionWrapper } from '@cucumber/cucumber';
import { SKIP_MEDIA_TYPE } from './skip.ts';

interface Attaching { attach?: (data: string, mediaType: string) => void }

function skipped(self: Attaching | undefined, e: unknown): 'skipped' {
  if (!(e instanceof Error) || e.name !== 'BackendSkipped') throw e;
  if (typeof self?.attach !== 'function') throw e; // a run hook has no scenario to skip
  self.attach(e.message, SKIP_MEDIA_TYPE);
  return 'skipped';
}

setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => function (this: Attaching, ...args: unknown[]) {
  try {
    const r = fn.apply(this, args);
    return r instanceof Promise ? r.catch((e: unknown) => skipped(this, e)) : r;
  } catch (e) {
    return skipped(this, e);
  }
});

After(() => new Promise<void>((resolve) => setImmediate(resolve)));
