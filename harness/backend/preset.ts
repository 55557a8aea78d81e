// The backend of the current run, shared by the command line (which starts it
// early so that it boots while cucumber loads) and the step hooks.
import type { Backend } from './interface.ts';

let shared: Backend | undefined;
let preset: { backend: Backend; ready: Promise<void> } | undefined;
export function setBackend(b: Backend | undefined): void { shared = b; }

/** A backend the command line already started; the run's hooks use it instead of making one. */
export function presetBackend(backend: Backend, ready: Promise<void>): void {
  ready.catch(() => { /* reported by the hooks */ });
  preset = { backend, ready };
}
export function takePreset(): { backend: Backend; ready: Promise<void> } | undefined {
  const p = preset;
  preset = undefined;
  return p;
}
export function backend(): Backend {
  if (!shared) throw new Error('no backend: the run did not start one');
  return shared;
}
